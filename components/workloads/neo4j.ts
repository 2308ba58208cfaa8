import type { StackConfig } from "../config/schema";
import { resourceSpec } from "./common";
import { secretAsFile } from "./secretFiles";
import { PORT, SERVICE, type KubernetesProbes, type Workload } from "./types";
import { NEO4J_CAPABILITIES } from "../contracts/capabilities";
import { neo4jSettingEnv } from "../contracts/neo4j";

const KiB = 1024;

/** Neo4j memory settings take k/m/g suffixes, all binary; pick the largest exact one. */
export function neo4jMemoryValue(bytes: number): string {
  for (const [suffix, unit] of [["g", KiB ** 3], ["m", KiB ** 2], ["k", KiB]] as const) {
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/** Only Neo4j Enterprise serves Prometheus metrics; Community is watched by its Bolt probe alone. */
export function neo4jMetricsEnabled(cfg: StackConfig): boolean {
  return cfg.neo4j.edition === "enterprise";
}

/**
 * Kubernetes probes with the official Neo4j chart's budgets (neo4j/helm-charts, neo4j/values.yaml,
 * all on the Bolt port): startup 1000 x 5 s, time to recover or upgrade the store after an unclean
 * stop or a restore; readiness 20 x 5 s and liveness 40 x 5 s, long enough that a JVM garbage
 * collection pause is not mistaken for a failure.
 */
export const NEO4J_PROBES: KubernetesProbes = {
  startup: { periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 1000 },
  readiness: { periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 20 },
  liveness: { periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 40 },
};

/** The volume Neo4j keeps its store on (the Docker backup stops Neo4j and dumps from it). */
export const NEO4J_DATA_VOLUME = "neo4j-data";

/**
 * The chart's terminationGracePeriodSeconds (neo4j/values.yaml, podSpec): Neo4j flushes its page
 * cache and checkpoints on shutdown, and a store killed before that makes the next dump refuse it.
 */
export const NEO4J_STOP_GRACE_SECONDS = 3600;

export function neo4jWorkload(cfg: StackConfig): Workload {
  const { neo4j } = cfg;
  const settings: Record<string, string> = {
    "server.memory.heap.initial_size": neo4jMemoryValue(neo4j.heap.initial),
    "server.memory.heap.max_size": neo4jMemoryValue(neo4j.heap.max),
    "server.memory.pagecache.size": neo4jMemoryValue(neo4j.pageCache),
    "server.default_listen_address": "0.0.0.0",
  };
  if (neo4jMetricsEnabled(cfg)) {
    settings["server.metrics.prometheus.enabled"] = "true";
    settings["server.metrics.prometheus.endpoint"] = `0.0.0.0:${PORT.neo4jMetrics}`;
  }
  const env = Object.fromEntries(Object.entries(settings).map(([k, v]) => [neo4jSettingEnv(k), v]));
  /**
   * The image's entrypoint reads every `NEO4J_*_FILE` into the variable without the suffix before
   * anything else, and stops when the file is not readable by the neo4j user (neo4j/docker-neo4j,
   * docker-image-src/5/coredb/docker-entrypoint.sh, "EXTRACT SECRETS FROM FILES"; added in
   * September 2024, docker-neo4j#509, before the 5.26.0 image the stack pins).
   */
  const auth = secretAsFile("NEO4J_AUTH_FILE", "neo4j-auth", "neo4j-password", "neo4j/");
  Object.assign(env, auth.env);
  if (neo4j.edition === "enterprise") {
    env.NEO4J_ACCEPT_LICENSE_AGREEMENT = "yes";
    // Online backups are served on localhost only by default; the backup job runs in another pod.
    env[neo4jSettingEnv("server.backup.listen_address")] = `0.0.0.0:${PORT.neo4jBackup}`;
  }
  return {
    name: SERVICE.neo4j,
    role: "neo4j",
    capabilities: NEO4J_CAPABILITIES,
    image: { ref: neo4j.image },
    replicas: 1,
    ports: [
      { name: "bolt", port: PORT.neo4jBolt, publish: PORT.neo4jBolt },
      { name: "http", port: PORT.neo4jHttp, publish: PORT.neo4jHttp },
      ...(neo4j.edition === "enterprise" ? [{ name: "backup", port: PORT.neo4jBackup }] : []),
      ...(neo4jMetricsEnabled(cfg) ? [{ name: "metrics", port: PORT.neo4jMetrics }] : []),
    ],
    env,
    secretEnv: {},
    resources: resourceSpec(neo4j.resources),
    healthCheck: {
      probe: { tcp: { port: PORT.neo4jBolt } },
      command: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${PORT.neo4jHttp}`],
      intervalSeconds: 10,
      timeoutSeconds: 5,
      retries: 5,
      // Neo4j can take 30-90 s to start (runbook).
      startPeriodSeconds: 90,
      kubernetes: NEO4J_PROBES,
    },
    stopGraceSeconds: NEO4J_STOP_GRACE_SECONDS,
    volumes: [{ name: NEO4J_DATA_VOLUME, mountPath: "/data", sizeBytes: neo4j.storage }],
    files: [],
    secretFiles: [auth.file],
    gpus: 0,
  };
}
