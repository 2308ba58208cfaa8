import type { SecretRef, Workload } from "../workloads/types";
import type { Json, ObjectMeta } from "./types";

/** How one workload runs on Kubernetes: what the target-neutral description leaves open. */
export interface WorkloadPlan {
  namespace: string;
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  storageClass: string;
  /** rolling: a new pod is ready before an old one goes; recreate: a ReadWriteOnce volume moves between them. */
  strategy?: "rolling" | "recreate";
  /** preStop pause while endpoints and the load balancer stop sending, then time for in-flight requests. */
  drain?: { preStopSeconds: number; inFlightSeconds: number };
  pdb?: { minAvailable: number } | { maxUnavailable: number };
  hpa?: { minReplicas: number; maxReplicas: number; cpuTargetPercent: number };
  /** Spread replicas across nodes and zones. */
  spread?: boolean;
  /** Run only on the GPU node group (its label and taint). */
  gpuNode?: boolean;
  /** Run on every node, tainted ones included (node-level daemons such as node_exporter). */
  everyNode?: boolean;
  /** Ports (by name) a Service exposes, and how; a headless Service lists every ready pod. */
  service?: { type: "ClusterIP" | "LoadBalancer" | "NodePort"; portNames?: string[]; annotations?: Record<string, string>; spec?: Json };
  headlessService?: boolean;
  sidecars?: Json[];
  /** Annotations of the pod template (for controllers that read them, such as the cluster autoscaler). */
  podAnnotations?: Record<string, string>;
  /** A service account whose token is mounted: only for pods that call the Kubernetes API. */
  serviceAccount?: string;
}

/** A workload with the plan it runs by: the two travel together from the stack's description to the platform. */
export interface Planned {
  workload: Workload;
  plan: WorkloadPlan;
}

/** A Secret whose values the platform fills from the stack's secrets. */
export interface SecretSpec {
  metadata: ObjectMeta;
  entries: Record<string, SecretRef>;
}

/** GPU node group: the label and taint that keep everything but GPU work off it. */
export const GPU_NODE_LABEL = { key: "nvidia.com/gpu.present", value: "true" } as const;
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;
export const GPU_RESOURCE = "nvidia.com/gpu";
/** Every node group carries its pool's name (system, gpu), which the policy pack checks placement by. */
export const POOL_LABEL = "mcp-superserver/node-pool";

/** Tolerates the GPU taint whatever its value. */
export const gpuToleration = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect };
