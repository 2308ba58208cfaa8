/**
 * The target-neutral description of one service. Built by pure functions of the stack config
 * (one module per service); the Docker adapter (and the Kubernetes one) turn it into resources.
 */
import type { CapabilityNeeds } from "../contracts/capabilities";
import type { Role } from "../contracts/roles";

export type { Role } from "../contracts/roles";


/**
 * A pinned image to pull, or one the stack builds: `ref` names it (the local tag on Docker), the
 * build context is a local folder or a git URL pinned by commit (`repo.git#<commit>:<folder>`).
 */
export type ImageSource = { ref: string } | { ref: string; build: { context: string } };

export interface PortSpec {
  name: string;
  port: number;
  /** Published for clients outside the stack: a host port on Docker, a Service port on Kubernetes. */
  publish?: number;
}

/** CPU in millicores, memory in bytes: exact, as parsed from the config. */
export interface ResourceSpec {
  limits: { cpu: number; memory: number };
  requests: { cpu: number; memory: number };
}

export type Probe = { http: { path: string; port: number } } | { tcp: { port: number } } | { exec: string[] };

export interface HealthCheck {
  /** What Kubernetes probes for startup and readiness: an HTTP path, a TCP port or a command. */
  probe: Probe;
  /** What the liveness probe checks, when it differs from readiness. */
  liveness?: Probe;
  /** The same check as a command run inside the container (Docker health checks run in the image). */
  command: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  /** Grace before failures count: Neo4j takes 30-90 s to start (runbook). */
  startPeriodSeconds: number;
  /**
   * Kubernetes probes, when one check and one budget cannot serve startup, readiness and
   * liveness alike (stateful services: a long recovery, a liveness that must not depend on data).
   * Unset, all three are derived from the fields above.
   */
  kubernetes?: KubernetesProbes;
}

export interface ProbeBudget {
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

export interface KubernetesProbes {
  /** Startup and liveness may check something cheaper than readiness (`probe` above). */
  startup: ProbeBudget & { probe?: HealthCheck["probe"] };
  readiness: ProbeBudget;
  liveness: ProbeBudget & { probe?: HealthCheck["probe"] };
}

export interface VolumeSpec {
  /** Stack-wide volume name: workloads that mount the same name share the volume. */
  name: string;
  mountPath: string;
  sizeBytes: number;
}

/** A config file rendered from the stack config, mounted read-only. */
export interface FileSpec {
  name: string;
  mountPath: string;
  content: string;
  executable?: boolean;
}

/** A reference to a secret the stack holds (generated, or read as a Pulumi secret). */
export interface SecretRef {
  secret: SecretName;
  /** Text around the secret, e.g. "neo4j/" for NEO4J_AUTH. */
  prefix?: string;
}

export type SecretName =
  | "neo4j-password"
  | "object-store-password"
  | "alertmanager-config"
  | "grafana-admin-password"
  /** The key nginx signs MCP session ids with (components/render/nginxSession.ts). */
  | "mcp-session-key"
  /** The clients' bearer tokens nginx checks, one `<client> <token>` a line (components/render/nginxAuth.ts). */
  | "client-tokens"
  /** The token the client-path probe sends through nginx when /health needs one (PROBE_CLIENT). */
  | "probe-token";

/**
 * A secret written to a file in the container, read-only and readable by the image's user only
 * (modes: components/docker/secretFiles.ts, components/kubernetes/pod.ts).
 */
export interface SecretFileSpec {
  name: string;
  mountPath: string;
  secret: SecretName;
  /** Text before the secret in the file, e.g. "neo4j/" for NEO4J_AUTH_FILE. */
  prefix?: string;
}

/** Host access some exporters need (Docker target only). */
export interface HostAccess {
  mounts: { hostPath: string; mountPath: string; readOnly: boolean }[];
  /** Host devices passed in (`--device`), with their cgroup permissions (r, w, m). */
  devices?: { hostPath: string; permissions: string }[];
  privileged?: boolean;
  pidHost?: boolean;
}

export interface Workload {
  /** Service name: stable DNS name inside the stack and the base of container names. */
  name: string;
  role: Role;
  image: ImageSource;
  replicas: number;
  command?: string[];
  args?: string[];
  ports: PortSpec[];
  env: Record<string, string>;
  secretEnv: Record<string, SecretRef>;
  resources: ResourceSpec;
  healthCheck?: HealthCheck;
  volumes: VolumeSpec[];
  files: FileSpec[];
  secretFiles: SecretFileSpec[];
  gpus: number;
  host?: HostAccess;
  /**
   * Capabilities the image needs when it starts as its image's own user (root, for entrypoints
   * that prepare files and then drop to a user). Every container drops ALL and gets back only
   * these. Kubernetes pods start as the non-root user of POD_SECURITY instead, where none of these
   * steps run, so they get none.
   */
  capabilities?: CapabilityNeeds;
  /** Seconds between SIGTERM and SIGKILL on stop, replace and destroy. */
  stopGraceSeconds?: number;
  /** Directories the process writes that need no persistence: a volume of the container's own (Docker), an emptyDir (Kubernetes). */
  scratchPaths?: string[];
  /** Processes beside each replica, from the same image, sharing its network and scratch directories. */
  companions?: Companion[];
}

/** A helper process that lives and dies with each replica (a native sidecar on Kubernetes). */
export interface Companion {
  /** Container name: `<replica>-<name>` on Docker, `<name>` in the pod. */
  name: string;
  command: string[];
  env: Record<string, string>;
  resources: ResourceSpec;
}

/** Names of the services, shared by every description so wiring cannot drift. */
export const SERVICE = {
  hub: "mcp-hub",
  neo4j: "neo4j",
  ollama: "ollama",
  loadBalancer: "nginx",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  grafana: "grafana",
  blackbox: "blackbox-exporter",
  nodeExporter: "node-exporter",
  cadvisor: "cadvisor",
  nginxExporter: "nginx-exporter",
  kubeStateMetrics: "kube-state-metrics",
  gpuExporter: "dcgm-exporter",
  objectStore: "minio",
  pushgateway: "pushgateway",
  backup: "backup",
  backupDockerApi: "backup-docker-api",
} as const;

/** Shared between the backup job (writes its last success) and node_exporter (publishes it). */
export const BACKUP_METRICS_VOLUME = "backup-metrics";

export const PORT = {
  neo4jBolt: 7687,
  neo4jHttp: 7474,
  /** Neo4j Enterprise's Prometheus endpoint (server.metrics.prometheus.endpoint). */
  neo4jMetrics: 2004,
  ollama: 11434,
  nginxHttp: 8080,
  nginxStatus: 8081,
  blackbox: 9115,
  nodeExporter: 9100,
  cadvisor: 8080,
  objectStore: 9000,
  nginxExporter: 9113,
  pushgateway: 9091,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  /** dcgm-exporter's default listen address (:9400). */
  gpuExporter: 9400,
  neo4jBackup: 6362,
  prometheus: 9090,
  grafana: 3000,
} as const;

/** Hub replicas are `mcp-hub-1..N` (the runbook's names); a single-instance service keeps its name. */
export function replicaNames(w: Pick<Workload, "name" | "replicas" | "role">): string[] {
  if (w.role !== "hub" && w.replicas === 1) return [w.name];
  return Array.from({ length: w.replicas }, (_, i) => `${w.name}-${i + 1}`);
}
