/**
 * What an EKS node leaves for pods, computed the way the EKS AL2023 AMI's nodeadm sets the
 * kubelet (awslabs/amazon-eks-ami, nodeadm/internal/kubelet/config.go): kube-reserved memory =
 * 255Mi + 11Mi per pod the node may run (getMemoryMebibytesToReserve), kube-reserved CPU by the
 * tiered per-core formula (getCPUMillicoresToReserve), an eviction threshold of 100Mi
 * (evictionHard memory.available); and the memory the kernel keeps before the kubelet counts
 * capacity. That is the node's allocatable memory, the one formula both the config rules and the
 * policy pack's capacity policy use. What one pod can have also leaves room for what the
 * DaemonSets take (this stack's and EKS's: aws-node, kube-proxy, EBS CSI node, device plugin,
 * node_exporter): a budget here, because the config rules run before any DaemonSet is rendered;
 * the policy pack instead counts the DaemonSets of the stack it checks.
 */
import type { InstanceType } from "./instanceTypes";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Share of nominal memory the kernel and firmware keep (capacity is ~3-4 % below the spec sheet). */
export const KERNEL_RESERVED_SHARE = 0.05;
export const EVICTION_HARD_BYTES = 100 * MiB;
/** Memory budget for the DaemonSets on every node (requests of aws-node, kube-proxy, CSI node, ...). */
export const DAEMONSET_BUDGET_BYTES = GiB;
export const DAEMONSET_BUDGET_MILLICORES = 500;

export function kubeReservedMemoryBytes(maxPods: number): number {
  return (255 + 11 * maxPods) * MiB;
}

/** 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % of the rest. */
export function kubeReservedMillicores(vcpus: number): number {
  const tiers: [number, number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let left = vcpus;
  let reserved = 0;
  for (const [cores, share] of tiers) {
    const n = Math.min(left, cores);
    reserved += n * 1000 * share;
    left -= n;
  }
  return Math.ceil(reserved);
}

export interface NodeRoom {
  memoryBytes: number;
  millicores: number;
}

/** What the node's memory reservations depend on: its memory and how many pods it may run. */
export type NodeMemory = Pick<InstanceType, "memoryGiB" | "maxPods">;

/**
 * The node's allocatable memory (bytes): nominal memory less what the node keeps before pods (the
 * kernel's share, kube-reserved, the eviction threshold: the AMI's 100Mi unless told otherwise).
 */
export function allocatableMemoryBytes(i: NodeMemory, evictionBytes = EVICTION_HARD_BYTES): number {
  const nominal = i.memoryGiB * GiB;
  return nominal - Math.ceil(nominal * KERNEL_RESERVED_SHARE + kubeReservedMemoryBytes(i.maxPods) + evictionBytes);
}

/** Memory and CPU one pod can have on an otherwise empty node of this type. */
export function roomForOnePod(i: Pick<InstanceType, "vcpus" | "memoryGiB" | "maxPods">): NodeRoom {
  return {
    memoryBytes: allocatableMemoryBytes(i) - DAEMONSET_BUDGET_BYTES,
    millicores: i.vcpus * 1000 - kubeReservedMillicores(i.vcpus) - DAEMONSET_BUDGET_MILLICORES,
  };
}
