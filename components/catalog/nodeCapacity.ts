/**
 * What an EKS node leaves for pods, computed the way the EKS AL2023 AMI's bootstrap sets the
 * kubelet: kube-reserved memory = 255Mi + 11Mi per pod the node may run, kube-reserved CPU by
 * the tiered per-core formula, an eviction threshold of 100Mi; plus what this stack's own
 * DaemonSets and EKS's (aws-node, kube-proxy, EBS CSI node, device plugin, node_exporter) take,
 * and the memory the kernel keeps before the kubelet counts capacity.
 */
import type { GpuInstance } from "./gpuInstances";

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
  overheadBytes: number;
}

/** What the overhead depends on: a node's vCPUs, memory and how many pods it may run. */
export type NodeSize = Pick<GpuInstance, "vcpus" | "memoryGiB" | "maxPods">;

/** Memory and CPU one pod can have on an otherwise empty node of this type. */
export function roomForOnePod(i: NodeSize): NodeRoom {
  const nominal = i.memoryGiB * GiB;
  const overheadBytes = Math.ceil(
    nominal * KERNEL_RESERVED_SHARE + kubeReservedMemoryBytes(i.maxPods) + EVICTION_HARD_BYTES + DAEMONSET_BUDGET_BYTES,
  );
  return {
    memoryBytes: nominal - overheadBytes,
    millicores: i.vcpus * 1000 - kubeReservedMillicores(i.vcpus) - DAEMONSET_BUDGET_MILLICORES,
    overheadBytes,
  };
}
