/**
 * General-purpose instance types the system node group may use, with what the capacity rule needs:
 * vCPUs and memory (AWS instance specs) and max pods (the VPC CNI's ENI formula, EKS
 * `eni-max-pods.txt`; the same figures as the policy pack's table, policies/src/instanceTypes.ts).
 */
import type { NodeSize } from "./nodeCapacity";

const t = (vcpus: number, memoryGiB: number, maxPods: number): NodeSize => ({ vcpus, memoryGiB, maxPods });

export const SYSTEM_INSTANCES: Record<string, NodeSize> = {
  "t3.large": t(2, 8, 35),
  "t3.xlarge": t(4, 16, 58),
  "t3.2xlarge": t(8, 32, 58),
  "m5.large": t(2, 8, 29),
  "m5.xlarge": t(4, 16, 58),
  "m5.2xlarge": t(8, 32, 58),
  "m5.4xlarge": t(16, 64, 234),
  "m6i.large": t(2, 8, 29),
  "m6i.xlarge": t(4, 16, 58),
  "m6i.2xlarge": t(8, 32, 58),
  "m6i.4xlarge": t(16, 64, 234),
  "m7i.large": t(2, 8, 29),
  "m7i.xlarge": t(4, 16, 58),
  "m7i.2xlarge": t(8, 32, 58),
  "m7i.4xlarge": t(16, 64, 234),
  "r5.large": t(2, 16, 29),
  "r5.xlarge": t(4, 32, 58),
  "r5.2xlarge": t(8, 64, 58),
  "r6i.xlarge": t(4, 32, 58),
  "r6i.2xlarge": t(8, 64, 58),
  "c5.xlarge": t(4, 8, 58),
  "c5.2xlarge": t(8, 16, 58),
};
