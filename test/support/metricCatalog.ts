/**
 * Which metric names exist: what each source the stack scrapes exports. Read from the producers
 * where the repository has them (the upstream hub's stand-in, the backup script), otherwise the
 * exporters' documented names.
 */
import { parseStackConfig } from "../../components/config/parse";
import { describeDockerStack } from "../../components/docker/stack";
import { UpstreamHubStandIn } from "./upstreamHub";

const exposedNames = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) =>
  type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
);

function backupScriptMetrics(): string[] {
  const stack = describeDockerStack(parseStackConfig({}), "dev");
  const script = stack.backup.files.map((f) => f.content).join("\n");
  return [...script.matchAll(/# TYPE (\S+) gauge/g)].map((m) => m[1]);
}

export function exportedMetrics(): Set<string> {
  return new Set([
    // Prometheus itself: `up`, and its own /metrics (prometheus-mixin's names)
    "up",
    "prometheus_config_last_reload_successful",
    "prometheus_rule_evaluation_failures_total",
    "prometheus_notifications_errors_total",
    "prometheus_notifications_sent_total",
    "prometheus_notifications_dropped_total",
    "prometheus_notifications_alertmanagers_discovered",
    "prometheus_tsdb_compactions_failed_total",
    // Alertmanager's /metrics (alertmanager-mixin's names)
    "alertmanager_config_last_reload_successful",
    "alertmanager_notifications_failed_total",
    "alertmanager_notifications_total",
    ...exposedNames(new UpstreamHubStandIn({ neo4j: "127.0.0.1:1", ollamaUrl: "http://127.0.0.1:1" }).metricsText()),
    // blackbox_exporter
    "probe_success",
    // cAdvisor
    "container_memory_working_set_bytes",
    "container_spec_memory_limit_bytes",
    "container_cpu_usage_seconds_total",
    "container_spec_cpu_quota",
    "container_spec_cpu_period",
    "container_oom_events_total",
    "container_start_time_seconds",
    // kube-state-metrics (docs/metrics/workload/pod-metrics.md) and the kubelet's volume stats
    "kube_pod_container_status_waiting_reason",
    "kube_pod_container_status_restarts_total",
    "kube_pod_container_status_last_terminated_reason",
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
    "kubelet_volume_stats_used_bytes",
    // NVIDIA dcgm-exporter's default counters (etc/default-counters.csv)
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_FB_FREE",
    "DCGM_FI_DEV_XID_ERRORS",
    // node_exporter
    "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes",
    ...backupScriptMetrics(),
    // Neo4j 5 Enterprise (server.metrics.prometheus.*)
    "neo4j_dbms_bolt_connections_running",
    "neo4j_database_neo4j_db_query_execution_latency_millis",
  ]);
}

const PROMQL_KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"]);

/** Metric names a PromQL expression reads: identifiers outside matchers, ranges, label lists and calls. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = [...bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*\b(?!\s*\()/g)].map((m) => m[0]);
  return [...new Set(names.filter((n) => !PROMQL_KEYWORDS.has(n)))];
}
