/**
 * Neo4j: its Bolt port from outside (every edition) and, on Enterprise, its own query and
 * connection metrics.
 */
import { ALERT } from "../../contracts/alerts";
import { BLACKBOX, NEO4J_METRIC } from "../../contracts/exporterMetrics";
import { outsideBackupStopWindow } from "./backup";
import { groupName, type AlertDomain, type AlertRule, type AlertRulesInput } from "./domain";

function downRule(i: AlertRulesInput): AlertRule {
  return {
    alert: "Neo4jDown",
    // Quiet while the Docker backup keeps Neo4j stopped within its announced window.
    expr: outsideBackupStopWindow(`${BLACKBOX.probeSuccess}{job="${i.neo4jProbeJob}"} == 0`),
    // Neo4j takes 30-90 s to start (runbook): a restart alone must not page.
    for: "2m",
    severity: "critical",
    summary: "Neo4j is unreachable",
    description: "The Bolt port {{ $labels.instance }} does not complete a Bolt handshake; graph memory tool calls fail.",
  };
}

function queryRules(i: AlertRulesInput, job: string): AlertRule[] {
  const t = i.thresholds;
  return [
    {
      alert: "Neo4jSlowQueries",
      expr: `${NEO4J_METRIC.queryLatencyMillis}{job="${job}",quantile="0.95"} / 1000 > ${t.neo4jQuerySeconds}`,
      for: "5m",
      severity: "warning",
      summary: "Neo4j queries are slow",
      description: `p95 Cypher execution time on {{ $labels.instance }} is {{ $value | humanizeDuration }} (warning above ${t.neo4jQuerySeconds}s).`,
    },
    {
      alert: "Neo4jTooManyConnections",
      expr: `${NEO4J_METRIC.connections}{job="${job}"} > ${t.neo4jConnections}`,
      for: "5m",
      severity: "warning",
      summary: "Neo4j has too many Bolt connections",
      description: `{{ $labels.instance }} has {{ $value }} running Bolt connections (warning above ${t.neo4jConnections}).`,
    },
  ];
}

export const NEO4J_ALERTS: AlertDomain = {
  name: "neo4j",
  groups: (i) => [{ group: groupName("neo4j"), rules: [downRule(i), ...(i.neo4jMetricsJob ? queryRules(i, i.neo4jMetricsJob) : [])] }],
  // A hub's /health fails whenever Neo4j does: Neo4j's own page says it all.
  inhibitions: [{ source: "Neo4jDown", targets: [ALERT.hubDegraded], equal: [] }],
};
