/**
 * Common EC2 instance types for EKS node groups: memory, GPUs and the pod limit of the
 * VPC CNI (ENIs x (IPs per ENI - 1) + 2). What a node offers pods is its memory minus
 * the EKS AMI's kube-reserved memory (255Mi + 11Mi per pod it may run) and the kubelet's
 * hard eviction threshold.
 */
import { MiB } from "./quantities";

export interface InstanceType {
  memoryMiB: number;
  gpus: number;
  maxPods: number;
}

const GiB = 1024;
const t = (memoryGiB: number, maxPods: number, gpus = 0): InstanceType => ({ memoryMiB: memoryGiB * GiB, gpus, maxPods });

export const INSTANCE_TYPES: Record<string, InstanceType> = {
  "t3.medium": t(4, 17),
  "t3.large": t(8, 35),
  "t3.xlarge": t(16, 58),
  "t3.2xlarge": t(32, 58),
  "m5.large": t(8, 29),
  "m5.xlarge": t(16, 58),
  "m5.2xlarge": t(32, 58),
  "m5.4xlarge": t(64, 234),
  "m6i.large": t(8, 29),
  "m6i.xlarge": t(16, 58),
  "m6i.2xlarge": t(32, 58),
  "m6i.4xlarge": t(64, 234),
  "r5.large": t(16, 29),
  "r5.xlarge": t(32, 58),
  "r5.2xlarge": t(64, 58),
  "r6i.xlarge": t(32, 58),
  "r6i.2xlarge": t(64, 58),
  "c5.xlarge": t(8, 58),
  "c5.2xlarge": t(16, 58),
  "g4dn.xlarge": t(16, 29, 1),
  "g4dn.2xlarge": t(32, 29, 1),
  "g4dn.4xlarge": t(64, 29, 1),
  "g4dn.12xlarge": t(192, 234, 4),
  "g5.xlarge": t(16, 58, 1),
  "g5.2xlarge": t(32, 58, 1),
  "g5.4xlarge": t(64, 234, 1),
  "g5.12xlarge": t(192, 737, 4),
  "g6.4xlarge": t(64, 234, 1),
  "g6e.2xlarge": t(64, 58, 1),
  "p3.2xlarge": t(61, 58, 1),
};

/** EKS's default when a node group names no instance type. */
export const EKS_DEFAULT_INSTANCE_TYPE = "t3.medium";

/** Memory (bytes) a node of this type offers to pods. */
export function allocatableMemory(type: InstanceType, evictionBytes: number): number {
  const kubeReservedMiB = 255 + 11 * type.maxPods;
  return (type.memoryMiB - kubeReservedMiB) * MiB - evictionBytes;
}
