/**
 * GPU instance types the GPU node group may use, with what a node of each type can give pods.
 * The stack config accepts only these, because whether Ollama fits can only be checked for a
 * type whose size is known. Figures: AWS instance specs; max pods: the VPC CNI's ENI formula
 * (EKS `eni-max-pods.txt`).
 */
export interface GpuInstance {
  vcpus: number;
  memoryGiB: number;
  gpus: number;
  gpuMemoryGiB: number;
  maxPods: number;
}

export const GPU_INSTANCES: Record<string, GpuInstance> = {
  "g4dn.xlarge": { vcpus: 4, memoryGiB: 16, gpus: 1, gpuMemoryGiB: 16, maxPods: 29 },
  "g4dn.2xlarge": { vcpus: 8, memoryGiB: 32, gpus: 1, gpuMemoryGiB: 16, maxPods: 29 },
  "g4dn.4xlarge": { vcpus: 16, memoryGiB: 64, gpus: 1, gpuMemoryGiB: 16, maxPods: 29 },
  "g4dn.8xlarge": { vcpus: 32, memoryGiB: 128, gpus: 1, gpuMemoryGiB: 16, maxPods: 58 },
  "g5.xlarge": { vcpus: 4, memoryGiB: 16, gpus: 1, gpuMemoryGiB: 24, maxPods: 58 },
  "g5.2xlarge": { vcpus: 8, memoryGiB: 32, gpus: 1, gpuMemoryGiB: 24, maxPods: 58 },
  "g5.4xlarge": { vcpus: 16, memoryGiB: 64, gpus: 1, gpuMemoryGiB: 24, maxPods: 234 },
  "g5.8xlarge": { vcpus: 32, memoryGiB: 128, gpus: 1, gpuMemoryGiB: 24, maxPods: 234 },
  "g5.12xlarge": { vcpus: 48, memoryGiB: 192, gpus: 4, gpuMemoryGiB: 96, maxPods: 737 },
  "g6.xlarge": { vcpus: 4, memoryGiB: 16, gpus: 1, gpuMemoryGiB: 24, maxPods: 58 },
  "g6.2xlarge": { vcpus: 8, memoryGiB: 32, gpus: 1, gpuMemoryGiB: 24, maxPods: 58 },
  "g6.4xlarge": { vcpus: 16, memoryGiB: 64, gpus: 1, gpuMemoryGiB: 24, maxPods: 234 },
  "g6.8xlarge": { vcpus: 32, memoryGiB: 128, gpus: 1, gpuMemoryGiB: 24, maxPods: 234 },
  "g6e.xlarge": { vcpus: 4, memoryGiB: 32, gpus: 1, gpuMemoryGiB: 48, maxPods: 58 },
  "g6e.2xlarge": { vcpus: 8, memoryGiB: 64, gpus: 1, gpuMemoryGiB: 48, maxPods: 58 },
  "g6e.4xlarge": { vcpus: 16, memoryGiB: 128, gpus: 1, gpuMemoryGiB: 48, maxPods: 234 },
};

export const GPU_INSTANCE_TYPES = Object.keys(GPU_INSTANCES) as [string, ...string[]];

/** The default: the smallest type in the table where a 32Gi Ollama limit fits (see docs/prod.md). */
export const DEFAULT_GPU_INSTANCE_TYPE = "g5.4xlarge";
