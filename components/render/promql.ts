/**
 * The PromQL both the alert rules and the Grafana dashboard read, built in one place so an
 * alert and the panel an operator opens for it always show the same number.
 */
import { BACKUP_SUCCESS_METRIC } from "../contracts/backupMetrics";
import { CADVISOR } from "../contracts/exporterMetrics";
import type { HubMetricsContract } from "../contracts/hub";

/**
 * The hub's request series, one layer above the raw metrics: recording rules named
 * `level:metric:operation` (kube-prometheus style) over whichever metrics contract the hub
 * speaks, so alerts and dashboard panels read the same names whatever the hub exports.
 * Probe requests are left out where the contract's labels tell them apart.
 */
export interface HubSeriesInput {
  contract: HubMetricsContract;
  job: string;
  /** The `rate()` range, also part of the recorded names (`rate5m`). */
  window: string;
}

const probeFilter = (c: HubMetricsContract) => c.probeMatchers.map((m) => `,${m}`).join("");
const millis = (seconds: number) => `${Math.round(seconds * 1000)}ms`;

/** The recorded names: the same whatever the contract, so readers need only the window. */
export function hubSeries(w: string) {
  return {
    requests: `job:mcp_hub_requests:rate${w}`,
    errors: `job:mcp_hub_request_errors:rate${w}`,
    errorRatio: `job:mcp_hub_request_errors:ratio_rate${w}`,
    /** Share of requests slower than a bucket bound: "p95 above X" is "more than 5% slower than X". */
    slowerThan: (seconds: number) => `job:mcp_hub_requests_slower_than_${millis(seconds)}:ratio_rate${w}`,
    /** Per replica, for the dashboard. */
    instanceRequests: `instance:mcp_hub_requests:rate${w}`,
  };
}

export interface RecordingRule {
  record: string;
  expr: string;
}

export function hubRecordingRules(i: HubSeriesInput, latencyThresholds: number[]): RecordingRule[] {
  const { contract: c, job, window: w } = i;
  const names = hubSeries(w);
  const sel = (extra = "") => `{job="${job}"${extra}${probeFilter(c)}}`;
  const bucketRate = (le: string) => `sum by (job) (rate(${c.durationBucket}${sel(`,le="${le}"`)}[${w}]))`;
  return [
    { record: names.requests, expr: `sum by (job) (rate(${c.requestCount}${sel()}[${w}]))` },
    { record: names.instanceRequests, expr: `sum by (job, instance) (rate(${c.requestCount}${sel()}[${w}]))` },
    // The hub has no 5xx series until its first error: 0 then, not "no data".
    {
      record: names.errors,
      expr: `sum by (job) (rate(${c.requestCount}${sel(`,${c.statusLabel}=~"5.."`)}[${w}])) or 0 * sum by (job) (rate(${c.requestCount}${sel()}[${w}]))`,
    },
    { record: names.errorRatio, expr: `${names.errors} / ${names.requests}` },
    ...[...new Set(latencyThresholds)].map((t) => ({ record: names.slowerThan(t), expr: `1 - ${bucketRate(String(t))} / ${bucketRate("+Inf")}` })),
  ];
}

/** Working set over the memory limit, 0..1. Working set is what the OOM killer compares with the limit. */
export function memoryOfLimit(by: string, selector: string): string {
  return (
    `max by (${by}) (${CADVISOR.memoryWorkingSetBytes}{${selector}}` +
    ` / (${CADVISOR.specMemoryLimitBytes}{${selector}} > 0))`
  );
}

/** CPU used over the CPU limit (CFS quota), 0..1. */
export function cpuOfLimit(by: string, selector: string, window: string): string {
  return (
    `sum by (${by}) (rate(${CADVISOR.cpuUsageSecondsTotal}{${selector}}[${window}]))` +
    ` / max by (${by}) (${CADVISOR.specCpuQuota}{${selector}} / ${CADVISOR.specCpuPeriod}{${selector}})`
  );
}

export function backupAgeSeconds(): string {
  return `time() - max(${BACKUP_SUCCESS_METRIC})`;
}
