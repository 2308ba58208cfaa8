/**
 * How each role runs under the namespace's `restricted` Pod Security level: the user its image
 * expects, whether its root filesystem can be read-only (and which paths it must write), and
 * environment its image needs to run as that user.
 */
import { IMAGE_USERS, type ImageUser } from "../contracts/imageUsers";
import type { Role } from "../workloads/types";
import type { Json } from "./types";

export interface PodSecurity {
  runAsUser: number;
  fsGroup: number;
  readOnlyRootFilesystem: boolean;
  /** Scratch directories on an emptyDir when the root filesystem is read-only. */
  writablePaths: string[];
  env?: Record<string, string>;
}

/** The image's own user, its group as the volumes' group. */
const asImageUser = (u: ImageUser, fsGroup = u.gid) => ({ runAsUser: u.uid, fsGroup });
const exporter: PodSecurity = { ...asImageUser(IMAGE_USERS.nobody), readOnlyRootFilesystem: true, writablePaths: [] };

export const POD_SECURITY: Record<Role, PodSecurity> = {
  // The hub image's own user; its log and data folders are scratch of the workload.
  hub: { ...asImageUser(IMAGE_USERS.hub), readOnlyRootFilesystem: true, writablePaths: ["/tmp"] },
  // The Neo4j image's entrypoint rewrites conf/ from NEO4J_* variables at start: the root
  // filesystem must stay writable. It runs as the image's neo4j user.
  neo4j: { ...asImageUser(IMAGE_USERS.neo4j), readOnlyRootFilesystem: false, writablePaths: [] },
  // The Ollama image runs as root and names no user: 1000 is ours. Ollama keeps its key pair in
  // $HOME/.ollama and may unpack runners to /tmp; models live on their own volume.
  ollama: { runAsUser: 1000, fsGroup: 1000, readOnlyRootFilesystem: true, writablePaths: ["/home/ollama", "/tmp"], env: { HOME: "/home/ollama" } },
  // The nginx image's nginx user; pid and temp files go to /tmp (the rendered runDir).
  "load-balancer": { ...asImageUser(IMAGE_USERS.nginx), readOnlyRootFilesystem: true, writablePaths: ["/tmp", "/var/cache/nginx"] },
  prometheus: exporter,
  // The Grafana image's user, with its own uid as the volume's group (its image group is root's, 0);
  // its data lives on a volume, logs and scratch on emptyDirs.
  grafana: { ...asImageUser(IMAGE_USERS.grafana, IMAGE_USERS.grafana.uid), readOnlyRootFilesystem: true, writablePaths: ["/tmp", "/var/log/grafana"] },
  alertmanager: exporter,
  "blackbox-exporter": exporter,
  "node-exporter": exporter,
  cadvisor: exporter,
  "nginx-exporter": exporter,
  // The kube-state-metrics image runs as 65534 (nonroot) and writes nothing.
  "kube-state-metrics": exporter,
  // dcgm-exporter: "basic metrics work" as a non-root user, only the DCGM_FI_PROF_* profiling
  // fields need root and SYS_ADMIN (NVIDIA/dcgm-exporter docker/Dockerfile, "Security Note: Default
  // USER"); we alert on framebuffer and XID fields only. DCGM writes its log under /tmp.
  "gpu-exporter": { ...exporter, writablePaths: ["/tmp"] },
  "object-store": exporter,
  // The prom/pushgateway image runs as 65534 (its Dockerfile, `USER 65534`); fsGroup 65534 lets it
  // write its persistence volume.
  pushgateway: exporter,
  // The backup pod runs the Neo4j image (dump) and the AWS CLI image (upload) as neo4j's user,
  // so the dump can read the data volume.
  backup: { ...asImageUser(IMAGE_USERS.neo4j), readOnlyRootFilesystem: true, writablePaths: ["/tmp"] },
};

export function podSecurityContext(s: PodSecurity): Json {
  return {
    runAsNonRoot: true,
    runAsUser: s.runAsUser,
    runAsGroup: s.fsGroup,
    fsGroup: s.fsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(readOnlyRootFilesystem: boolean): Json {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
