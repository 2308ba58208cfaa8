/**
 * The MCP hub: its replicas answering scrapes, its deep health, and its traffic (error rate,
 * latency) read from the recorded series of render/promql.ts, which the dashboard reads too.
 */
import type { Thresholds } from "../../config/schema";
import { ALERT } from "../../contracts/alerts";
import { BLACKBOX } from "../../contracts/exporterMetrics";
import { hubSeries } from "../promql";
import { groupName, ratio, type AlertDomain, type AlertRule, type AlertRulesInput } from "./domain";

function availabilityRules(i: AlertRulesInput): AlertRule[] {
  const hubUp = `up{job="${i.hubJob}"}`;
  return [
    {
      alert: "MCPHubDown",
      // `absent(...) - 1` is 0 with the job label: "no replica up" also when the job has no series.
      expr: `sum by (job) (${hubUp}) == 0 or (absent(${hubUp}) - 1)`,
      for: "1m",
      severity: "critical",
      summary: "MCP hub is down",
      description: "{{ $value }} replicas of {{ $labels.job }} answer scrapes; every CLI client is failing.",
    },
    {
      alert: ALERT.hubDegraded,
      expr: `${BLACKBOX.probeSuccess}{job="${i.hubHealthProbeJob}"} == 0`,
      for: "2m",
      severity: "warning",
      summary: "MCP hub reports a dependency down",
      description: "{{ $labels.instance }} answers /health with an error: Neo4j or Ollama does not answer the hub; tool calls that need them fail.",
    },
  ];
}

/** "Is the hub busy enough for its ratios to mean anything": a few failures of an idle hub are no outage. */
const busy = (requests: string, t: Thresholds) => `${requests} >= ${t.errorRateMinRequestsPerSecond}`;

function trafficRules(i: AlertRulesInput, w: string): AlertRule[] {
  const t = i.thresholds;
  const s = hubSeries(w);
  const errorRule = (level: "warning" | "critical", percent: number) => ({
    expr: `${s.errorRatio} > ${ratio(percent)} and ${busy(s.requests, t)}`,
    for: "5m",
    description: `More than ${percent}% of requests to {{ $labels.job }} fail with 5xx (now {{ $value | humanizePercentage }}); probes excluded, at ${t.errorRateMinRequestsPerSecond} req/s or more.`,
    severity: level,
  });
  const slowRule = (seconds: number) => ({
    expr: `${s.slowerThan(seconds)} > 0.05 and ${busy(s.requests, t)}`,
    description: `{{ $value | humanizePercentage }} of requests to {{ $labels.job }} take longer than ${seconds}s: its p95 latency is above ${seconds}s.`,
  });
  return [
    { alert: "HighErrorRate", ...errorRule("warning", t.errorRateWarningPercent), summary: "MCP hub error rate is high" },
    { alert: "CriticalErrorRate", ...errorRule("critical", t.errorRateCriticalPercent), summary: "MCP hub error rate is critical" },
    { alert: "HighResponseTime", ...slowRule(t.latencyWarningSeconds), for: "10m", severity: "warning", summary: "MCP hub responses are slow" },
    { alert: "VeryHighResponseTime", ...slowRule(t.latencyCriticalSeconds), for: "5m", severity: "critical", summary: "MCP hub responses are very slow" },
    {
      alert: "MCPHubMetricsMissing",
      // Each scrape of /metrics is itself a request the histogram counts: a hub of this
      // contract has series after its second scrape.
      expr: `up{job="${i.hubJob}"} == 1 unless on (instance) count by (instance) (${i.hubContract.requestCount}{job="${i.hubJob}"})`,
      for: "10m",
      severity: "warning",
      summary: "MCP hub exports none of the expected request metrics",
      description: `{{ $labels.instance }} answers scrapes but has no ${i.hubContract.requestCount}: the hub speaks another metrics contract (hub.metricsContract), and its error and latency alerts are blind.`,
    },
  ];
}

export const HUB_ALERTS: AlertDomain = {
  name: "hub",
  groups: (i, w) => [{ group: groupName("hub"), rules: [...availabilityRules(i), ...trafficRules(i, w)] }],
  inhibitions: [
    { source: "CriticalErrorRate", targets: ["HighErrorRate"], equal: ["job"] },
    { source: "VeryHighResponseTime", targets: ["HighResponseTime"], equal: ["job"] },
    // With every hub down, error-rate and latency alerts say nothing new.
    {
      source: "MCPHubDown",
      targets: ["HighErrorRate", "CriticalErrorRate", "HighResponseTime", "VeryHighResponseTime", ALERT.hubDegraded, "MCPHubMetricsMissing"],
      equal: [],
    },
    // ...and neither do the hub's own down targets.
    { source: "MCPHubDown", targets: [ALERT.targetDown], equal: ["job"] },
  ],
};
