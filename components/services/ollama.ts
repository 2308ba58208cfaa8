/** Ollama: the hub's local LLMs, on a GPU when the target has one. */
import { ollamaWorkload } from "../workloads/ollama";
import { service } from "./types";

export const ollama = service({
  key: "ollama",
  role: "ollama",
  title: "Ollama",
  summary: "`ollama.models` pulled at start onto the models volume; `ollama.gpu.count` NVIDIA GPUs when `ollama.gpu.enabled`",
  component: { type: "mcp-superserver:ollama:Ollama", name: "ollama" },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  workload: (cfg) => ollamaWorkload(cfg),
});
