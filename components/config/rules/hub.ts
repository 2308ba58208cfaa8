/**
 * Rules that tie the hub's keys to the rest of the config: every model it routes to is pulled,
 * and latency thresholds are bounds of the histogram the hub exports (the alerts count the
 * share of requests slower than a bucket bound, which only exists at those bounds).
 */
import { HUB_METRICS_CONTRACTS, HUB_MODEL_ROLES, type HubMetricsContract } from "../../contracts/hub";
import type { RuleIssue } from "./issue";
import type { StackConfig } from "../schema";

function modelsPulled(cfg: StackConfig): RuleIssue[] {
  const pulled = cfg.ollama.models;
  return HUB_MODEL_ROLES.filter((role) => !pulled.includes(cfg.hub.models[role])).map((role) => ({
    path: ["hub", "models", role],
    effective: cfg.hub.models[role],
    message: `is not pulled by Ollama (ollama.models is [${pulled.join(", ")}]); add it to ollama.models or route the role to one of those`,
  }));
}

function latencyOnBuckets(cfg: StackConfig): RuleIssue[] {
  const contract: HubMetricsContract = HUB_METRICS_CONTRACTS[cfg.hub.metricsContract];
  const a = cfg.prometheus.alerts;
  return (["latencyWarningSeconds", "latencyCriticalSeconds"] as const)
    .filter((key) => !contract.buckets.includes(a[key]))
    .map((key) => ({
      path: ["prometheus", "alerts", key],
      effective: String(a[key]),
      message: `is not a bucket bound of the hub's latency histogram (hub.metricsContract ${cfg.hub.metricsContract}: ${contract.buckets.join(", ")} s); use one of those`,
    }));
}

export function hubIssues(cfg: StackConfig): RuleIssue[] {
  return [...modelsPulled(cfg), ...latencyOnBuckets(cfg)];
}
