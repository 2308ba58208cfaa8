/**
 * The PromQL both the alert rules and the Grafana dashboard read, built in one place so an
 * alert and the panel an operator opens for it always show the same number.
 */

/** Metric names of the hub's metrics contract (the runbook's). */
export const HUB_METRIC = {
  requests: "mcp_requests_total",
  durationBucket: "mcp_request_duration_seconds_bucket",
} as const;

/** The metric the backup job publishes when an upload succeeded. */
export const BACKUP_SUCCESS_METRIC = "mcp_backup_last_success_timestamp_seconds";

export function requestRate(hubJob: string, window: string): string {
  return `sum by (server) (rate(${HUB_METRIC.requests}{job="${hubJob}"}[${window}]))`;
}

/** Share of 5xx answers per MCP server, 0..1. */
export function errorRatio(hubJob: string, window: string): string {
  return `sum by (server) (rate(${HUB_METRIC.requests}{job="${hubJob}",status=~"5.."}[${window}])) / ${requestRate(hubJob, window)}`;
}

export function p95Latency(hubJob: string, window: string): string {
  return `histogram_quantile(0.95, sum by (le, server) (rate(${HUB_METRIC.durationBucket}{job="${hubJob}"}[${window}])))`;
}

/** Working set over the memory limit, 0..1. Working set is what the OOM killer compares with the limit. */
export function memoryOfLimit(by: string, selector: string): string {
  return (
    `max by (${by}) (container_memory_working_set_bytes{${selector}}` +
    ` / (container_spec_memory_limit_bytes{${selector}} > 0))`
  );
}

/** CPU used over the CPU limit (CFS quota), 0..1. */
export function cpuOfLimit(by: string, selector: string, window: string): string {
  return (
    `sum by (${by}) (rate(container_cpu_usage_seconds_total{${selector}}[${window}]))` +
    ` / max by (${by}) (container_spec_cpu_quota{${selector}} / container_spec_cpu_period{${selector}})`
  );
}

export function backupAgeSeconds(): string {
  return `time() - max(${BACKUP_SUCCESS_METRIC})`;
}
