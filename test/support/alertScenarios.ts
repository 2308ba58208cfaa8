/**
 * promtool unit-test scenarios, one pair per alert: a case that fires (with its labels and
 * annotations spelled out as an operator would expect to read them) and a case just under the
 * threshold or before `for` that must stay quiet. They run against the rules the Docker stack
 * renders with the default (runbook) thresholds; the Neo4j query alerts against Enterprise.
 */
import { stringify } from "yaml";
import type { AlertCase } from "./alertCase";
import { BACKUP_ALERT_CASES } from "./backupAlertScenarios";

const RUNBOOK = "https://github.com/mcp-superserver/mcp-superserver-infra/blob/main/docs/runbook.md";

const HUB_UP = (replica: number, values: string) => ({
  series: `up{job="mcp-hub",instance="mcp-hub-${replica}:3000",service="mcp-hub"}`,
  values,
});

/**
 * Series shaped like the upstream hub's (Docker/mcp-hub src/routes/metrics.js): one histogram,
 * `mcp_hub_http_request_duration_seconds` with `method`, `route`, `status_code`, buckets
 * 0.001 … 1, 5, +Inf; `route="/"` for `/`, `/health` and `/metrics`, `/ready` for the probe.
 */
const HUB_SERIES = 'job="mcp-hub",instance="mcp-hub-1:3000",method="GET"';
const hubCount = (route: string, status: number, perMinute: number) => ({
  series: `mcp_hub_http_request_duration_seconds_count{${HUB_SERIES},route="${route}",status_code="${status}"}`,
  values: `0+${perMinute}x30`,
});
const requests = (okPerMinute: number, errorsPerMinute: number) => [hubCount("/", 200, okPerMinute), hubCount("/", 503, errorsPerMinute)];

/** Cumulative bucket counts per minute, keyed by `le`, with the matching request count. */
const latency = (perMinute: Record<string, number>) => [
  ...Object.entries(perMinute).map(([le, n]) => ({
    series: `mcp_hub_http_request_duration_seconds_bucket{${HUB_SERIES},route="/",status_code="200",le="${le}"}`,
    values: `0+${n}x30`,
  })),
  hubCount("/", 200, perMinute["+Inf"]),
];

const HUB_ERRORS = (percent: number, now: string) =>
  `More than ${percent}% of requests to mcp-hub fail with 5xx (now ${now}); probes excluded, at 0.5 req/s or more.`;

const MiB = 1024 ** 2;
const memory = (name: string, limitBytes: number, workingSetBytes: number) => [
  { series: `container_memory_working_set_bytes{name="${name}"}`, values: `${workingSetBytes}x20` },
  { series: `container_spec_memory_limit_bytes{name="${name}"}`, values: `${limitBytes}x20` },
];

const cpu = (name: string, cpuSecondsPerMinute: number) => [
  { series: `container_cpu_usage_seconds_total{name="${name}"}`, values: `0+${cpuSecondsPerMinute}x30` },
  { series: `container_spec_cpu_quota{name="${name}"}`, values: "100000x30" },
  { series: `container_spec_cpu_period{name="${name}"}`, values: "100000x30" },
];

const DATA_DISK = 'instance="node-exporter:9100",mountpoint="/data",fstype="ext4",device="/dev/sda1"';
const disk = (labels: string, freePercent: number) => [
  { series: `node_filesystem_avail_bytes{${labels}}`, values: `${freePercent}x20` },
  { series: `node_filesystem_size_bytes{${labels}}`, values: "100x20" },
];

/** 27 hours at 1m would be 1620 evaluations of every rule; 5m keeps the run short. */
const BACKUP_TIMING = { interval: "5m", evaluationInterval: "5m" };

export const COMMUNITY_CASES: AlertCase[] = [
  {
    alert: "MCPHubDown",
    title: "fires when every replica fails its scrapes for 1m",
    interval: "1m",
    series: [HUB_UP(1, "1 0x5"), HUB_UP(2, "1 0x5")],
    evalTime: "2m",
    expected: [
      {
        labels: { severity: "critical", job: "mcp-hub" },
        summary: "MCP hub is down",
        description: "0 replicas of mcp-hub answer scrapes; every CLI client is failing.",
      },
    ],
  },
  {
    alert: "MCPHubDown",
    title: "fires when the hub job has no series at all",
    interval: "1m",
    series: [{ series: 'up{job="prometheus",instance="localhost:9090"}', values: "1x5" }],
    evalTime: "1m",
    expected: [
      {
        labels: { severity: "critical", job: "mcp-hub" },
        summary: "MCP hub is down",
        description: "0 replicas of mcp-hub answer scrapes; every CLI client is failing.",
      },
    ],
  },
  {
    alert: "MCPHubDown",
    title: "stays quiet while one replica still answers",
    interval: "1m",
    series: [HUB_UP(1, "1x5"), HUB_UP(2, "1 0x5")],
    evalTime: "5m",
    expected: [],
  },
  {
    alert: "Neo4jDown",
    title: "fires after 2m of refused Bolt connections",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-neo4j",instance="neo4j:7687",service="neo4j"}', values: "0x5" }],
    evalTime: "2m",
    expected: [
      {
        labels: { severity: "critical", job: "probe-neo4j", instance: "neo4j:7687", service: "neo4j" },
        summary: "Neo4j is unreachable",
        description: "The Bolt port neo4j:7687 does not complete a Bolt handshake; graph memory tool calls fail.",
      },
    ],
  },
  {
    alert: "Neo4jDown",
    title: "stays quiet through a restart shorter than 2m",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-neo4j",instance="neo4j:7687",service="neo4j"}', values: "0 0 1 1 1" }],
    evalTime: "2m",
    expected: [],
  },
  {
    alert: "OllamaDown",
    title: "fires after 2m without an answer from the API",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-ollama",instance="http://ollama:11434/api/tags",service="ollama"}', values: "0x5" }],
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "critical", job: "probe-ollama", instance: "http://ollama:11434/api/tags", service: "ollama" },
        summary: "Ollama is unreachable",
        description: "The Ollama API http://ollama:11434/api/tags does not answer or lacks a configured model; LLM tool calls fail.",
      },
    ],
  },
  {
    alert: "OllamaDown",
    title: "stays quiet before 2m have passed",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-ollama",instance="http://ollama:11434/api/tags",service="ollama"}', values: "0x5" }],
    evalTime: "1m",
    expected: [],
  },
  {
    alert: "TargetDown",
    title: "fires when a target has been down for 5m",
    interval: "1m",
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "0x10" }],
    evalTime: "6m",
    expected: [
      {
        labels: { severity: "warning", job: "node-exporter", instance: "node-exporter:9100" },
        summary: "A scrape target is down",
        description: "node-exporter target node-exporter:9100 does not answer scrapes.",
      },
    ],
  },
  {
    alert: "TargetDown",
    title: "stays quiet before 5m have passed",
    interval: "1m",
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "0x10" }],
    evalTime: "4m",
    expected: [],
  },
  {
    alert: "HighErrorRate",
    title: "fires at 10% 5xx",
    interval: "1m",
    series: requests(540, 60),
    evalTime: "10m",
    expected: [{ labels: { severity: "warning", job: "mcp-hub" }, summary: "MCP hub error rate is high", description: HUB_ERRORS(5, "10%") }],
  },
  {
    alert: "HighErrorRate",
    title: "counts no probe route: 10% of client requests fail under 100 readiness probes a second",
    interval: "1m",
    series: [...requests(540, 60), hubCount("/ready", 200, 6000)],
    evalTime: "10m",
    expected: [{ labels: { severity: "warning", job: "mcp-hub" }, summary: "MCP hub error rate is high", description: HUB_ERRORS(5, "10%") }],
  },
  {
    alert: "HighErrorRate",
    title: "stays quiet at 4.5% 5xx",
    interval: "1m",
    series: requests(573, 27),
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "HighErrorRate",
    title: "stays quiet on an idle hub: 25% of 0.4 requests a second",
    interval: "1m",
    series: requests(18, 6),
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "CriticalErrorRate",
    title: "fires at 20% 5xx",
    interval: "1m",
    series: requests(480, 120),
    evalTime: "10m",
    expected: [{ labels: { severity: "critical", job: "mcp-hub" }, summary: "MCP hub error rate is critical", description: HUB_ERRORS(15, "20%") }],
  },
  {
    alert: "CriticalErrorRate",
    title: "stays quiet while only blackbox's HEAD /health probes fail (a dependency down, no client error)",
    interval: "1m",
    series: [
      hubCount("/", 200, 60),
      { series: 'mcp_hub_http_request_duration_seconds_count{job="mcp-hub",instance="mcp-hub-1:3000",method="HEAD",route="/",status_code="503"}', values: "0+20x30" },
    ],
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "CriticalErrorRate",
    title: "stays quiet at 14% 5xx",
    interval: "1m",
    series: requests(516, 84),
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "HighResponseTime",
    title: "fires when 20% of requests take longer than 1s",
    interval: "1m",
    series: latency({ "0.5": 50, "1": 80, "5": 100, "+Inf": 100 }),
    evalTime: "15m",
    expected: [
      {
        labels: { severity: "warning", job: "mcp-hub" },
        summary: "MCP hub responses are slow",
        description: "20% of requests to mcp-hub take longer than 1s: its p95 latency is above 1s.",
      },
    ],
  },
  {
    alert: "HighResponseTime",
    title: "stays quiet when 4% take longer than 1s (p95 under 1s)",
    interval: "1m",
    series: latency({ "0.5": 50, "1": 96, "5": 100, "+Inf": 100 }),
    evalTime: "15m",
    expected: [],
  },
  {
    alert: "VeryHighResponseTime",
    title: "fires when 20% of requests take longer than 5s, beyond the hub's top bucket",
    interval: "1m",
    series: latency({ "1": 50, "5": 80, "+Inf": 100 }),
    evalTime: "10m",
    expected: [
      {
        labels: { severity: "critical", job: "mcp-hub" },
        summary: "MCP hub responses are very slow",
        description: "20% of requests to mcp-hub take longer than 5s: its p95 latency is above 5s.",
      },
    ],
  },
  {
    alert: "VeryHighResponseTime",
    title: "stays quiet when 3% take longer than 5s",
    interval: "1m",
    series: latency({ "1": 25, "5": 97, "+Inf": 100 }),
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "MCPHubMetricsMissing",
    title: "fires when a scraped hub exports no mcp_hub_http_request_duration_seconds_count for 10m",
    interval: "1m",
    series: [HUB_UP(1, "1x15"), { series: 'mcp_requests_total{job="mcp-hub",instance="mcp-hub-1:3000",status="200"}', values: "0+60x15" }],
    evalTime: "12m",
    expected: [
      {
        labels: { severity: "warning", job: "mcp-hub", instance: "mcp-hub-1:3000", service: "mcp-hub" },
        summary: "MCP hub exports none of the expected request metrics",
        description:
          "mcp-hub-1:3000 answers scrapes but has no mcp_hub_http_request_duration_seconds_count: the hub speaks another metrics contract (hub.metricsContract), and its error and latency alerts are blind.",
      },
    ],
  },
  {
    alert: "MCPHubMetricsMissing",
    title: "stays quiet when the hub exports its histogram",
    interval: "1m",
    series: [HUB_UP(1, "1x15"), hubCount("/", 200, 4)],
    evalTime: "12m",
    expected: [],
  },
  {
    alert: "MCPHubDegraded",
    title: "fires when a replica's /health has failed for 2m",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-hub-health",instance="http://mcp-hub-1:3000/health",service="mcp-hub"}', values: "0x10" }],
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "warning", job: "probe-hub-health", instance: "http://mcp-hub-1:3000/health", service: "mcp-hub" },
        summary: "MCP hub reports a dependency down",
        description: "http://mcp-hub-1:3000/health answers /health with an error: Neo4j or Ollama does not answer the hub; tool calls that need them fail.",
      },
    ],
  },
  {
    alert: "MCPHubDegraded",
    title: "stays quiet through a 1m dependency blip",
    interval: "1m",
    series: [{ series: 'probe_success{job="probe-hub-health",instance="http://mcp-hub-1:3000/health",service="mcp-hub"}', values: "1 0 0 1 1 1" }],
    evalTime: "4m",
    expected: [],
  },
  {
    alert: "HighMemoryUsage",
    title: "fires for a hub replica at 93.75% of its 512Mi limit",
    interval: "1m",
    series: memory("mcp-hub-1", 512 * MiB, 480 * MiB),
    evalTime: "6m",
    expected: [
      {
        labels: { severity: "warning", name: "mcp-hub-1", service: "mcp-hub" },
        summary: "mcp-hub memory is near its limit",
        description: "mcp-hub-1 uses 93.75% of its memory limit (warning above 90%).",
      },
    ],
  },
  {
    alert: "HighMemoryUsage",
    title: "stays quiet at 89.84% of the limit",
    interval: "1m",
    series: memory("mcp-hub-1", 512 * MiB, 460 * MiB),
    evalTime: "6m",
    expected: [],
  },
  {
    alert: "CriticalMemoryUsage",
    title: "fires for Neo4j at 95.31% of its 8Gi limit",
    interval: "1m",
    series: memory("mcp-neo4j", 8192 * MiB, 7808 * MiB),
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "critical", name: "mcp-neo4j", service: "neo4j" },
        summary: "neo4j is about to be OOM-killed",
        description: "mcp-neo4j uses 95.31% of its memory limit (critical above 95%).",
      },
    ],
  },
  {
    alert: "CriticalMemoryUsage",
    title: "stays quiet at 94.53% of the limit",
    interval: "1m",
    series: memory("mcp-neo4j", 8192 * MiB, 7744 * MiB),
    evalTime: "3m",
    expected: [],
  },
  {
    alert: "HighCPUUsage",
    title: "fires for a hub replica using 95% of its CPU for 15m",
    interval: "1m",
    series: cpu("mcp-hub-2", 57),
    evalTime: "20m",
    expected: [
      {
        labels: { severity: "warning", name: "mcp-hub-2", service: "mcp-hub" },
        summary: "mcp-hub is using most of its CPU limit",
        description: "mcp-hub-2 uses 95% of its CPU limit (warning above 90%); it is being throttled.",
      },
    ],
  },
  {
    alert: "HighCPUUsage",
    title: "stays quiet at 88% of the CPU limit",
    interval: "1m",
    series: cpu("mcp-hub-2", 52.8),
    evalTime: "20m",
    expected: [],
  },
  {
    alert: "LowDiskSpace",
    title: "fires with 10% free on /data for 10m",
    interval: "1m",
    series: disk(DATA_DISK, 10),
    evalTime: "12m",
    expected: [
      {
        labels: {
          severity: "warning",
          instance: "node-exporter:9100",
          mountpoint: "/data",
          fstype: "ext4",
          device: "/dev/sda1",
        },
        summary: "Disk space is low",
        description: "/data on node-exporter:9100 has 10% free (warning below 15%).",
      },
    ],
  },
  {
    alert: "LowDiskSpace",
    title: "stays quiet with 16% free, and ignores a full tmpfs",
    interval: "1m",
    series: [...disk(DATA_DISK, 16), ...disk('instance="node-exporter:9100",mountpoint="/run",fstype="tmpfs",device="tmpfs"', 1)],
    evalTime: "12m",
    expected: [],
  },
  {
    alert: "CriticalDiskSpace",
    title: "fires with 4% free on /data for 5m",
    interval: "1m",
    series: disk(DATA_DISK, 4),
    evalTime: "7m",
    expected: [
      {
        labels: {
          severity: "critical",
          instance: "node-exporter:9100",
          mountpoint: "/data",
          fstype: "ext4",
          device: "/dev/sda1",
        },
        summary: "Disk is almost full",
        description: "/data on node-exporter:9100 has 4% free (critical below 5%).",
      },
    ],
  },
  {
    alert: "CriticalDiskSpace",
    title: "stays quiet with 6% free",
    interval: "1m",
    series: disk(DATA_DISK, 6),
    evalTime: "7m",
    expected: [],
  },
  {
    alert: "BackupMissing",
    title: "fires 27h after the last successful backup",
    ...BACKUP_TIMING,
    series: [{ series: 'mcp_backup_last_success_timestamp_seconds{job="node-exporter",instance="node-exporter:9100"}', values: "0x400" }],
    evalTime: "27h",
    expected: [
      {
        labels: { severity: "critical", reason: "stale" },
        summary: "No successful Neo4j backup recently",
        description: "The last successful backup finished 1d 3h 0m 0s ago (limit 26h).",
      },
    ],
  },
  {
    alert: "BackupMissing",
    title: "stays quiet exactly 26h after the last backup",
    ...BACKUP_TIMING,
    series: [{ series: 'mcp_backup_last_success_timestamp_seconds{job="node-exporter",instance="node-exporter:9100"}', values: "0x400" }],
    evalTime: "26h",
    expected: [],
  },
  {
    alert: "BackupMissing",
    title: "fires when no backup has ever reported success for 26h",
    ...BACKUP_TIMING,
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "1x400" }],
    evalTime: "26h10m",
    expected: [
      {
        labels: { severity: "critical", reason: "never" },
        summary: "No successful Neo4j backup recently",
        description: "No backup has reported success within 26h of monitoring (mcp_backup_last_success_timestamp_seconds absent: 1).",
      },
    ],
  },
  {
    alert: "BackupMissing",
    title: "stays quiet on a fresh stack younger than 26h",
    ...BACKUP_TIMING,
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "1x400" }],
    evalTime: "25h50m",
    expected: [],
  },
  {
    alert: "Watchdog",
    title: "always fires (it has no quiet case: silence means the pipeline is broken)",
    interval: "1m",
    series: [],
    evalTime: "1m",
    expected: [
      {
        labels: { severity: "none" },
        summary: "Alerting pipeline is alive",
        description: "Always firing (value 1). If its receiver stops getting it, Prometheus or Alertmanager is broken.",
      },
    ],
  },
  ...BACKUP_ALERT_CASES,
];

const NEO4J_METRICS = 'job="neo4j",instance="neo4j:2004",service="neo4j"';

/** Cases for the rules only an Enterprise Neo4j (with its metrics endpoint) gets. */
export const ENTERPRISE_CASES: AlertCase[] = [
  {
    alert: "Neo4jSlowQueries",
    title: "fires at a p95 Cypher execution time of 6.5s",
    interval: "1m",
    series: [{ series: `neo4j_database_neo4j_db_query_execution_latency_millis{${NEO4J_METRICS},quantile="0.95"}`, values: "6500x10" }],
    evalTime: "6m",
    expected: [
      {
        labels: { severity: "warning", job: "neo4j", instance: "neo4j:2004", service: "neo4j", quantile: "0.95" },
        summary: "Neo4j queries are slow",
        description: "p95 Cypher execution time on neo4j:2004 is 6.5s (warning above 5s).",
      },
    ],
  },
  {
    alert: "Neo4jSlowQueries",
    title: "stays quiet at 4.9s",
    interval: "1m",
    series: [{ series: `neo4j_database_neo4j_db_query_execution_latency_millis{${NEO4J_METRICS},quantile="0.95"}`, values: "4900x10" }],
    evalTime: "6m",
    expected: [],
  },
  {
    alert: "Neo4jTooManyConnections",
    title: "fires at 120 running Bolt connections",
    interval: "1m",
    series: [{ series: `neo4j_dbms_bolt_connections_running{${NEO4J_METRICS}}`, values: "120x10" }],
    evalTime: "6m",
    expected: [
      {
        labels: { severity: "warning", job: "neo4j", instance: "neo4j:2004", service: "neo4j" },
        summary: "Neo4j has too many Bolt connections",
        description: "neo4j:2004 has 120 running Bolt connections (warning above 100).",
      },
    ],
  },
  {
    alert: "Neo4jTooManyConnections",
    title: "stays quiet at exactly 100",
    interval: "1m",
    series: [{ series: `neo4j_dbms_bolt_connections_running{${NEO4J_METRICS}}`, values: "100x10" }],
    evalTime: "6m",
    expected: [],
  },
];

/** A promtool unit-test file with one test group per case. */
export function promtoolTestFile(ruleFile: string, cases: AlertCase[]): string {
  const intervals = new Set(cases.map((c) => c.evaluationInterval ?? "1m"));
  if (intervals.size !== 1) throw new Error(`cases run together need one evaluation interval, got ${[...intervals]}`);
  return stringify(
    {
      rule_files: [ruleFile],
      evaluation_interval: [...intervals][0],
      tests: cases.map((c) => ({
        name: `${c.alert} ${c.title}`,
        interval: c.interval,
        input_series: c.series,
        alert_rule_test: [
          {
            eval_time: c.evalTime,
            alertname: c.alert,
            exp_alerts: c.expected.map((e) => ({
              exp_labels: e.labels,
              exp_annotations: {
                summary: e.summary,
                description: e.description,
                runbook_url: `${RUNBOOK}#${c.alert.toLowerCase()}`,
              },
            })),
          },
        ],
      })),
    },
    { lineWidth: 0 },
  );
}
