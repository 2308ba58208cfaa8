/**
 * Alert rules as data (kube-prometheus style): every alert has a `severity` label and
 * `summary`, `description` and `runbook_url` annotations. Thresholds come from the typed stack
 * config, so the rules, the policy pack and the docs cannot disagree. Selectors, label names
 * and jobs are inputs: the Docker stack, the Kubernetes stack and the tests render the same rules.
 */
import { stringify } from "yaml";
import { durationSeconds } from "../config/primitives";
import type { Thresholds } from "../config/schema";
import type { HubMetricsContract } from "../contracts/hub";
import type { AlertRule } from "./alertRule";
import { backupVerificationRules, outsideBackupStopWindow } from "./backupAlertRules";
import { probeRules, type ProbeRulesInput } from "./probeRules";
import { BACKUP_SUCCESS_METRIC, backupAgeSeconds, cpuOfLimit, hubRecordingRules, hubSeries, memoryOfLimit, type RecordingRule } from "./promql";
import { selfMonitoringGroups, type SelfMonitoringInput } from "./selfMonitoringRules";
import { workloadHealthGroups, type WorkloadHealthInput } from "./workloadHealthRules";

/** The backup job's success metric, which BackupMissing watches. */
export { BACKUP_SUCCESS_METRIC };
export type { AlertRule, Severity } from "./alertRule";

/** Series of one service in the container metrics (cAdvisor). */
export interface ContainerTarget {
  service: string;
  /** PromQL label matchers selecting the service's containers, e.g. `name=~"mcp-hub-[0-9]+"`. */
  selector: string;
}

/**
 * How fast the rules react. Production keeps the runbook's windows; a live test runs the very
 * same rules in seconds by shrinking the rate window and scaling every `for`.
 */
export interface AlertTiming {
  /** Range of the `rate()` in the error-rate, latency and CPU rules. */
  rateWindow: string;
  /** Multiplies every rule's `for`. */
  pendingScale: number;
}

export const RUNBOOK_TIMING: AlertTiming = { rateWindow: "5m", pendingScale: 1 };

export interface AlertRulesInput {
  thresholds: Thresholds;
  hubJob: string;
  /** The metric names the hub exports (contracts/hub.ts). */
  hubContract: HubMetricsContract;
  /** Job probing each hub replica's deep `/health` through blackbox. */
  hubHealthProbeJob: string;
  neo4jProbeJob: string;
  ollamaProbeJob: string;
  /** Job scraping Neo4j's own metrics (Enterprise only); without it there are no Neo4j query alerts. */
  neo4jMetricsJob?: string;
  /** Services with a memory (and CPU) limit; each gets its own memory and CPU alerts. */
  containers: ContainerTarget[];
  /** The label that tells containers apart in cAdvisor series (`name` on Docker, `pod` on Kubernetes). */
  containerLabel: string;
  /** Matchers for the filesystems whose free space matters (node_exporter). */
  diskSelector: string;
  /** Where the operator runbook lives; each alert links to its own section. */
  runbookUrl: string;
  timing?: AlertTiming;
  /** Prometheus' and Alertmanager's own jobs: alerts on the alerting pipeline. */
  selfMonitoring?: SelfMonitoringInput;
  /** The client-path probe and the probes other alerts rely on. */
  probes?: ProbeRulesInput;
  /** Crashes, OOM kills and volume fill, from what the target exports. */
  workloadHealth?: WorkloadHealthInput;
}

/**
 * Neo4j 5 Enterprise metrics (server.metrics.prometheus.*). The runbook's 4.x names
 * (`neo4j_cypher_execution_time_seconds`, `neo4j_connections_active`) no longer exist.
 */
export const NEO4J_METRIC = {
  connections: "neo4j_dbms_bolt_connections_running",
  queryLatencyMillis: "neo4j_database_neo4j_db_query_execution_latency_millis",
} as const;

const ratio = (percent: number) => String(percent / 100);

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
      alert: "MCPHubDegraded",
      expr: `probe_success{job="${i.hubHealthProbeJob}"} == 0`,
      for: "2m",
      severity: "warning",
      summary: "MCP hub reports a dependency down",
      description: "{{ $labels.instance }} answers /health with an error: Neo4j or Ollama does not answer the hub; tool calls that need them fail.",
    },
    {
      alert: "Neo4jDown",
      // Quiet while the Docker backup keeps Neo4j stopped within its announced window.
      expr: outsideBackupStopWindow(`probe_success{job="${i.neo4jProbeJob}"} == 0`),
      // Neo4j takes 30-90 s to start (runbook): a restart alone must not page.
      for: "2m",
      severity: "critical",
      summary: "Neo4j is unreachable",
      description: "The Bolt port {{ $labels.instance }} does not complete a Bolt handshake; graph memory tool calls fail.",
    },
    {
      alert: "OllamaDown",
      expr: `probe_success{job="${i.ollamaProbeJob}"} == 0`,
      for: "2m",
      severity: "critical",
      summary: "Ollama is unreachable",
      description: "The Ollama API {{ $labels.instance }} does not answer or lacks a configured model; LLM tool calls fail.",
    },
    {
      alert: "TargetDown",
      expr: "up == 0",
      for: "5m",
      severity: "warning",
      summary: "A scrape target is down",
      description: "{{ $labels.job }} target {{ $labels.instance }} does not answer scrapes.",
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

function containerRules(i: AlertRulesInput, w: string): AlertRule[] {
  const t = i.thresholds;
  const by = i.containerLabel;
  return i.containers.flatMap(({ service, selector }) => {
    const memory = memoryOfLimit(by, selector);
    const cpu = cpuOfLimit(by, selector, w);
    const labels = { service };
    return [
      {
        alert: "HighMemoryUsage",
        expr: `${memory} > ${ratio(t.memoryWarningPercent)}`,
        for: "5m",
        severity: "warning" as const,
        summary: `${service} memory is near its limit`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its memory limit (warning above ${t.memoryWarningPercent}%).`,
        labels,
      },
      {
        alert: "CriticalMemoryUsage",
        expr: `${memory} > ${ratio(t.memoryCriticalPercent)}`,
        for: "2m",
        severity: "critical" as const,
        summary: `${service} is about to be OOM-killed`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its memory limit (critical above ${t.memoryCriticalPercent}%).`,
        labels,
      },
      {
        alert: "HighCPUUsage",
        expr: `${cpu} > ${ratio(t.cpuWarningPercent)}`,
        for: "15m",
        severity: "warning" as const,
        summary: `${service} is using most of its CPU limit`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its CPU limit (warning above ${t.cpuWarningPercent}%); it is being throttled.`,
        labels,
      },
    ];
  });
}

function storageRules(i: AlertRulesInput): AlertRule[] {
  const t = i.thresholds;
  const free = `node_filesystem_avail_bytes{${i.diskSelector}} / node_filesystem_size_bytes{${i.diskSelector}} * 100`;
  const maxAgeSeconds = t.backupMaxAgeHours * 3600;
  return [
    {
      alert: "LowDiskSpace",
      expr: `${free} < ${t.diskFreeWarningPercent}`,
      for: "10m",
      severity: "warning",
      summary: "Disk space is low",
      description: `{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% free (warning below ${t.diskFreeWarningPercent}%).`,
    },
    {
      alert: "CriticalDiskSpace",
      expr: `${free} < ${t.diskFreeCriticalPercent}`,
      for: "5m",
      severity: "critical",
      summary: "Disk is almost full",
      description: `{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% free (critical below ${t.diskFreeCriticalPercent}%).`,
    },
    {
      alert: "BackupMissing",
      expr: `${backupAgeSeconds()} > ${maxAgeSeconds}`,
      for: "10m",
      severity: "critical",
      summary: "No successful Neo4j backup recently",
      description: `The last successful backup finished {{ $value | humanizeDuration }} ago (limit ${t.backupMaxAgeHours}h).`,
      labels: { reason: "stale" },
    },
    {
      alert: "BackupMissing",
      // A fresh stack has no backup yet: only complain once a whole period has passed without one.
      expr: `absent(${BACKUP_SUCCESS_METRIC})`,
      for: `${t.backupMaxAgeHours}h`,
      severity: "critical",
      summary: "No successful Neo4j backup recently",
      description: `No backup has reported success within ${t.backupMaxAgeHours}h of monitoring (${BACKUP_SUCCESS_METRIC} absent: {{ $value }}).`,
      labels: { reason: "never" },
    },
  ];
}

function neo4jRules(i: AlertRulesInput, job: string): AlertRule[] {
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

const WATCHDOG: AlertRule = {
  alert: "Watchdog",
  expr: "vector(1)",
  for: "0m",
  severity: "none",
  summary: "Alerting pipeline is alive",
  description: "Always firing (value {{ $value }}). If its receiver stops getting it, Prometheus or Alertmanager is broken.",
};

/** The recorded hub series the alerts and the dashboard read. */
function recordingRules(i: AlertRulesInput): RecordingRule[] {
  const w = (i.timing ?? RUNBOOK_TIMING).rateWindow;
  return hubRecordingRules({ contract: i.hubContract, job: i.hubJob, window: w }, [i.thresholds.latencyWarningSeconds, i.thresholds.latencyCriticalSeconds]);
}

export function alertRules(i: AlertRulesInput): { group: string; rules: AlertRule[] }[] {
  const w = (i.timing ?? RUNBOOK_TIMING).rateWindow;
  return [
    { group: "mcp-superserver.availability", rules: availabilityRules(i) },
    { group: "mcp-superserver.traffic", rules: trafficRules(i, w) },
    { group: "mcp-superserver.resources", rules: containerRules(i, w) },
    { group: "mcp-superserver.storage", rules: storageRules(i) },
    { group: "mcp-superserver.backup-verification", rules: backupVerificationRules(i.thresholds) },
    ...(i.neo4jMetricsJob ? [{ group: "mcp-superserver.neo4j", rules: neo4jRules(i, i.neo4jMetricsJob) }] : []),
    ...(i.probes ? [{ group: "mcp-superserver.probes", rules: probeRules(i.probes) }] : []),
    ...(i.selfMonitoring ? selfMonitoringGroups(i.selfMonitoring) : []),
    ...(i.workloadHealth ? workloadHealthGroups(i.workloadHealth) : []),
    { group: "mcp-superserver.meta", rules: [WATCHDOG] },
  ];
}

/** Anchor of an alert's section in the operator runbook (`docs/runbook.md`). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** A rule's `for` under the timing: unchanged at scale 1, else whole seconds. */
export function pendingFor(runbookFor: string, timing: AlertTiming): string {
  if (timing.pendingScale === 1 || runbookFor === "0m") return runbookFor;
  return `${Math.max(1, Math.round(durationSeconds(runbookFor) * timing.pendingScale))}s`;
}

export function renderAlertRules(i: AlertRulesInput): string {
  const timing = i.timing ?? RUNBOOK_TIMING;
  const recorded = { name: "mcp-superserver.hub.recording", rules: recordingRules(i) };
  const alerting = alertRules(i).map(({ group, rules }) => ({
    name: group,
    rules: rules.map((r) => ({
      alert: r.alert,
      expr: r.expr,
      for: pendingFor(r.for, timing),
      labels: { severity: r.severity, ...r.labels },
      annotations: {
        summary: r.summary,
        description: r.description,
        runbook_url: `${i.runbookUrl}#${runbookAnchor(r.alert)}`,
      },
    })),
  }));
  // Recording rules first: alerts of a later group read what they recorded in this evaluation.
  const groups = [recorded, ...alerting];
  return `# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.\n${stringify({ groups }, { lineWidth: 0 })}`;
}
