/** Ollama: its API answering with the configured models, probed from outside. */
import { ALERT } from "../../contracts/alerts";
import { BLACKBOX } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain } from "./domain";

export const OLLAMA_ALERTS: AlertDomain = {
  name: "ollama",
  groups: (i) => [
    {
      group: groupName("ollama"),
      rules: [
        {
          alert: "OllamaDown",
          expr: `${BLACKBOX.probeSuccess}{job="${i.ollamaProbeJob}"} == 0`,
          for: "2m",
          severity: "critical",
          summary: "Ollama is unreachable",
          description: "The Ollama API {{ $labels.instance }} does not answer or lacks a configured model; LLM tool calls fail.",
        },
      ],
    },
  ],
  // A hub's /health fails whenever Ollama does: Ollama's own page says it all.
  inhibitions: [{ source: "OllamaDown", targets: [ALERT.hubDegraded], equal: [] }],
};
