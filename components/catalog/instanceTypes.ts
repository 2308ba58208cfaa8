/**
 * The EC2 instance types this stack can size, one row per type, read by the config rules (will a
 * node group hold its pods?) and by the policy pack's capacity policy alike. The system-pool and
 * GPU-pool tables below are views over it: the types each node group of this program may use.
 *
 * Sources (figures typed from them; test/config/instance-types.test.ts pins every row):
 * - vCPUs, memory (GiB) and GPU count: the EC2 API's instance type data as the cluster autoscaler
 *   ships it (kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/ec2_instance_types.go,
 *   static list of 2026-01-22: `VCPU`, `MemoryMb`, `GPU`); the same figures as the EC2 Instance
 *   Types Guide's specification tables.
 * - GPU memory (all GPUs of a node together): AWS Batch User Guide, "Run GPU jobs" (g4dn T4 16 GiB,
 *   g5 A10G 24 GiB, g6 L4 24 GiB per GPU); g6e: EC2 Instance Types Guide, accelerated computing
 *   (one NVIDIA L40S, 48 GB).
 * - max pods: what the EKS AMI sets the kubelet's maxPods to, ENIs × (IPv4 addresses per ENI − 1)
 *   + 2 (awslabs/amazon-eks-ami, nodeadm/internal/kubelet/eni_max_pods.go, calculateStandardMaxPods,
 *   over the ENI figures of nodeadm/internal/kubelet/instance-info.jsonl); equal, type by type, to
 *   the AMI's former `eni-max-pods.txt` (deleted from the AMI repo in March 2026).
 * p3.2xlarge, once in the policy pack's table, is left out: EC2 no longer describes it
 * (amazon-eks-ami dropped it from instance-info.jsonl, synced from DescribeInstanceTypes, in May 2026).
 */
export interface InstanceType {
  vcpus: number;
  memoryGiB: number;
  /** NVIDIA GPUs (the device plugin's `nvidia.com/gpu`); 0 on types without. */
  gpus: number;
  /** Memory of all the node's GPUs together, GiB; 0 on types without GPUs. */
  gpuMemoryGiB: number;
  /** The kubelet's maxPods on the EKS AMI (the VPC CNI's ENI limit). */
  maxPods: number;
}

const cpu = (vcpus: number, memoryGiB: number, maxPods: number): InstanceType => ({ vcpus, memoryGiB, gpus: 0, gpuMemoryGiB: 0, maxPods });
const gpu = (vcpus: number, memoryGiB: number, maxPods: number, gpus: number, gpuMemoryGiB: number): InstanceType => ({
  vcpus,
  memoryGiB,
  gpus,
  gpuMemoryGiB,
  maxPods,
});

const ROWS = {
  "t3.medium": cpu(2, 4, 17),
  "t3.large": cpu(2, 8, 35),
  "t3.xlarge": cpu(4, 16, 58),
  "t3.2xlarge": cpu(8, 32, 58),
  "m5.large": cpu(2, 8, 29),
  "m5.xlarge": cpu(4, 16, 58),
  "m5.2xlarge": cpu(8, 32, 58),
  "m5.4xlarge": cpu(16, 64, 234),
  "m6i.large": cpu(2, 8, 29),
  "m6i.xlarge": cpu(4, 16, 58),
  "m6i.2xlarge": cpu(8, 32, 58),
  "m6i.4xlarge": cpu(16, 64, 234),
  "m7i.large": cpu(2, 8, 29),
  "m7i.xlarge": cpu(4, 16, 58),
  "m7i.2xlarge": cpu(8, 32, 58),
  "m7i.4xlarge": cpu(16, 64, 234),
  "r5.large": cpu(2, 16, 29),
  "r5.xlarge": cpu(4, 32, 58),
  "r5.2xlarge": cpu(8, 64, 58),
  "r6i.xlarge": cpu(4, 32, 58),
  "r6i.2xlarge": cpu(8, 64, 58),
  "c5.xlarge": cpu(4, 8, 58),
  "c5.2xlarge": cpu(8, 16, 58),
  "g4dn.xlarge": gpu(4, 16, 29, 1, 16),
  "g4dn.2xlarge": gpu(8, 32, 29, 1, 16),
  "g4dn.4xlarge": gpu(16, 64, 29, 1, 16),
  "g4dn.8xlarge": gpu(32, 128, 58, 1, 16),
  "g4dn.12xlarge": gpu(48, 192, 234, 4, 64),
  "g5.xlarge": gpu(4, 16, 58, 1, 24),
  "g5.2xlarge": gpu(8, 32, 58, 1, 24),
  "g5.4xlarge": gpu(16, 64, 234, 1, 24),
  "g5.8xlarge": gpu(32, 128, 234, 1, 24),
  "g5.12xlarge": gpu(48, 192, 737, 4, 96),
  "g6.xlarge": gpu(4, 16, 58, 1, 24),
  "g6.2xlarge": gpu(8, 32, 58, 1, 24),
  "g6.4xlarge": gpu(16, 64, 234, 1, 24),
  "g6.8xlarge": gpu(32, 128, 234, 1, 24),
  "g6e.xlarge": gpu(4, 32, 58, 1, 48),
  "g6e.2xlarge": gpu(8, 64, 58, 1, 48),
  "g6e.4xlarge": gpu(16, 128, 234, 1, 48),
} satisfies Record<string, InstanceType>;

type InstanceTypeName = keyof typeof ROWS;

export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = ROWS;

/** EKS's default when a managed node group names no instance type (EKS API reference, CreateNodegroup, `instanceTypes`). */
export const EKS_DEFAULT_INSTANCE_TYPE: InstanceTypeName = "t3.medium";

const view = (names: readonly InstanceTypeName[]): Readonly<Record<string, InstanceType>> => Object.fromEntries(names.map((n) => [n, ROWS[n]]));

/** General-purpose types the system node group may use (`cluster.systemNodes.instanceTypes`; a config rule sizes them). */
const SYSTEM_POOL: readonly InstanceTypeName[] = [
  "t3.large",
  "t3.xlarge",
  "t3.2xlarge",
  "m5.large",
  "m5.xlarge",
  "m5.2xlarge",
  "m5.4xlarge",
  "m6i.large",
  "m6i.xlarge",
  "m6i.2xlarge",
  "m6i.4xlarge",
  "m7i.large",
  "m7i.xlarge",
  "m7i.2xlarge",
  "m7i.4xlarge",
  "r5.large",
  "r5.xlarge",
  "r5.2xlarge",
  "r6i.xlarge",
  "r6i.2xlarge",
  "c5.xlarge",
  "c5.2xlarge",
];

/**
 * GPU types the GPU node group may use: the stack config accepts only these (`cluster.gpuNodes`),
 * because whether Ollama fits can only be checked for a type whose size is known.
 */
const GPU_POOL: readonly InstanceTypeName[] = [
  "g4dn.xlarge",
  "g4dn.2xlarge",
  "g4dn.4xlarge",
  "g4dn.8xlarge",
  "g5.xlarge",
  "g5.2xlarge",
  "g5.4xlarge",
  "g5.8xlarge",
  "g5.12xlarge",
  "g6.xlarge",
  "g6.2xlarge",
  "g6.4xlarge",
  "g6.8xlarge",
  "g6e.xlarge",
  "g6e.2xlarge",
  "g6e.4xlarge",
];

export const SYSTEM_INSTANCES = view(SYSTEM_POOL);
export const GPU_INSTANCES = view(GPU_POOL);
export const GPU_INSTANCE_TYPES = [...GPU_POOL] as [string, ...string[]];

/** The default: the smallest type in the GPU pool where a 32Gi Ollama limit fits (see docs/prod.md). */
export const DEFAULT_GPU_INSTANCE_TYPE: InstanceTypeName = "g5.4xlarge";
