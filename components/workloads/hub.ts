import { durationSeconds } from "../config/primitives";
import type { StackConfig } from "../config/schema";
import {
  HUB_DATA_DIR,
  HUB_ENV,
  HUB_LOG_DIR,
  HUB_LOG_FILE,
  HUB_LOGS_FOLDER,
  HUB_MODEL_ROLES,
  HUB_OLLAMA_CLIENT_ADDRESS,
  HUB_PATH,
  HUB_SHUTDOWN_SECONDS,
  hubModelEnv,
} from "../contracts/hub";
import { resourceSpec } from "./common";
import { HUB_SIDECAR_SCRIPT, hubSidecarEnv } from "./hubSidecar";
import { PORT, SERVICE, type ImageSource, type Workload } from "./types";

/** The Obsidian vault inside the image's own data folder, which the hub's user owns. */
export const HUB_VAULT_PATH = `${HUB_DATA_DIR}/obsidian-vault`;
/** What each replica may keep of its file log and of its per-request notes. */
export const HUB_SCRATCH_BUDGET_BYTES = 64 * 1024 ** 2;
const MiB = 1024 ** 2;

/** `https://host/repo.git#<commit>:<folder>`: Docker's git build context, pinned. */
export function hubBuildContext(source: StackConfig["hub"]["source"]): string {
  return `${source.repository}#${source.commit}:${source.path}`;
}

/** The prebuilt image when one is set; else the image built from the pinned source, tagged by its commit. */
export function hubImage(hub: StackConfig["hub"]): ImageSource {
  if (hub.image) return { ref: hub.image };
  return { ref: `mcp-superserver/mcp-hub:${hub.source.commit}`, build: { context: hubBuildContext(hub.source) } };
}

/** The Ollama address the hub is told: its loopback forwarder, or the service itself for a hub that honours it. */
function ollamaAddress(hub: StackConfig["hub"]): { host: string; port: number } {
  return hub.ollamaForwarder ? HUB_OLLAMA_CLIENT_ADDRESS : { host: SERVICE.ollama, port: PORT.ollama };
}

/**
 * The MCP hub: stateless, `hub.replicas` copies behind the load balancer, with the env names the
 * hub reads (contracts/hub.ts). Probes use its dependency-free endpoints: a Neo4j or Ollama
 * outage makes `/health` answer 503, which must not take the hubs out or restart them; that
 * deep check is watched by blackbox instead (MCPHubDegraded).
 */
export function hubWorkload(cfg: StackConfig): Workload {
  const { hub } = cfg;
  const ollama = ollamaAddress(hub);
  return {
    name: SERVICE.hub,
    role: "hub",
    image: hubImage(hub),
    replicas: hub.replicas,
    ports: [{ name: "http", port: hub.port }],
    env: {
      [HUB_ENV.nodeEnv]: "production",
      [HUB_ENV.port]: String(hub.port),
      [HUB_ENV.logLevel]: hub.logLevel,
      [HUB_ENV.neo4jUri]: `bolt://${SERVICE.neo4j}:${PORT.neo4jBolt}`,
      [HUB_ENV.neo4jUser]: "neo4j",
      [HUB_ENV.neo4jDatabase]: "neo4j",
      [HUB_ENV.neo4jAcquisitionTimeout]: String(durationSeconds(hub.neo4jAcquisitionTimeout) * 1000),
      [HUB_ENV.ollamaHost]: ollama.host,
      [HUB_ENV.ollamaPort]: String(ollama.port),
      [HUB_ENV.vaultPath]: HUB_VAULT_PATH,
      ...Object.fromEntries(HUB_MODEL_ROLES.map((role) => [hubModelEnv(role), hub.models[role]])),
    },
    // Env only: the upstream hub reads `process.env.NEO4J_PASSWORD` and no file (Docker/mcp-hub/
    // src/services/neo4j-client.js); listed in the README's env-only secrets.
    secretEnv: { [HUB_ENV.neo4jPassword]: { secret: "neo4j-password" } },
    resources: resourceSpec(hub.resources),
    healthCheck: {
      probe: { http: { path: HUB_PATH.ready, port: hub.port } },
      liveness: { http: { path: HUB_PATH.live, port: hub.port } },
      // The image ships curl (its Dockerfile installs it).
      command: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${hub.port}${HUB_PATH.ready}`],
      intervalSeconds: 10,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 20,
    },
    volumes: [],
    files: [],
    secretFiles: [],
    gpus: 0,
    // Above the hub's own 30 s limit for in-flight requests, so it is never killed mid-drain.
    stopGraceSeconds: HUB_SHUTDOWN_SECONDS + 5,
    scratchPaths: [HUB_LOG_DIR, HUB_DATA_DIR],
    companions: [
      {
        name: "sidecar",
        command: ["node", "-e", HUB_SIDECAR_SCRIPT],
        env: hubSidecarEnv({
          ...(hub.ollamaForwarder ? { forwardTo: `${SERVICE.ollama}:${PORT.ollama}` } : {}),
          listen: `${HUB_OLLAMA_CLIENT_ADDRESS.host}:${HUB_OLLAMA_CLIENT_ADDRESS.port}`,
          prunePaths: [HUB_LOG_FILE, `${HUB_VAULT_PATH}/${HUB_LOGS_FOLDER}`],
          pruneMaxBytes: HUB_SCRATCH_BUDGET_BYTES,
          pruneEverySeconds: 30,
        }),
        resources: { limits: { cpu: 100, memory: 96 * MiB }, requests: { cpu: 20, memory: 64 * MiB } },
      },
    ],
  };
}
