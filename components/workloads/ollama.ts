import type { StackConfig } from "../config/schema";
import { resourceSpec } from "./common";
import { PORT, SERVICE, type KubernetesProbes, type Workload } from "./types";

/** Outside root's home, so a non-root Ollama (Kubernetes) can own it too. */
const MODELS_DIR = "/models";

/**
 * Starts the server, pulls every configured model that is missing, then stays in the
 * foreground with the server. Models live on a volume, so a restart pulls nothing.
 */
export function ollamaStartScript(): string {
  return [
    "ollama serve & server=$!",
    "until ollama list >/dev/null 2>&1; do sleep 1; done",
    'for model in $MCP_PREPULL_MODELS; do ollama show "$model" >/dev/null 2>&1 || ollama pull "$model"; done',
    'wait "$server"',
  ].join("\n");
}

/** Ready only once every configured model is present, so the hub never waits on a download. */
export function ollamaModelsPresentCheck(models: string[]): string {
  return models.map((m) => `ollama show '${m}' >/dev/null`).join(" && ") || "ollama list >/dev/null";
}

/**
 * Kubernetes: startup and liveness ask only whether the server answers (Ollama's `GET /` returns
 * 200 "Ollama is running"), so a model download, however long, never restarts the pod; readiness
 * waits for every configured model, so no call is routed to an Ollama still pulling.
 */
const serverAnswers = { http: { path: "/", port: PORT.ollama } };
export const OLLAMA_PROBES: KubernetesProbes = {
  startup: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60, probe: serverAnswers },
  readiness: { periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 3 },
  liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6, probe: serverAnswers },
};

export function ollamaWorkload(cfg: StackConfig): Workload {
  const { ollama } = cfg;
  const check = ollamaModelsPresentCheck(ollama.models);
  return {
    name: SERVICE.ollama,
    role: "ollama",
    image: { ref: ollama.image },
    replicas: 1,
    command: ["/bin/sh", "-c"],
    args: [ollamaStartScript()],
    ports: [{ name: "http", port: PORT.ollama }],
    env: {
      OLLAMA_HOST: `0.0.0.0:${PORT.ollama}`,
      // OLLAMA_MODELS is Ollama's models *directory*; the list to pull is MCP_PREPULL_MODELS.
      OLLAMA_MODELS: MODELS_DIR,
      MCP_PREPULL_MODELS: ollama.models.join(" "),
    },
    secretEnv: {},
    resources: resourceSpec(ollama.resources),
    healthCheck: {
      probe: { exec: ["/bin/sh", "-c", check] },
      command: ["CMD-SHELL", check],
      intervalSeconds: 15,
      timeoutSeconds: 10,
      retries: 3,
      // The first start downloads models: gigabytes.
      startPeriodSeconds: 600,
      kubernetes: OLLAMA_PROBES,
    },
    volumes: [{ name: "ollama-models", mountPath: MODELS_DIR, sizeBytes: ollama.storage }],
    files: [],
    secretFiles: [],
    gpus: ollama.gpu.enabled ? ollama.gpu.count : 0,
  };
}
