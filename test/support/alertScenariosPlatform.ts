/**
 * promtool cases for the alerts on the alerting pipeline (Prometheus, Alertmanager), the probes
 * (the client path, missing probe results) and container crashes on Docker, against the rules
 * the Docker stack renders. Expected texts are written out as an operator reads them.
 */
import type { AlertCase } from "./alertCase";

const PROM = 'job="prometheus",instance="localhost:9090"';
const AM = 'job="alertmanager",instance="alertmanager:9093"';
const AM_WEBHOOK = `${AM},integration="webhook"`;
const PROM_TO_AM = `${PROM},alertmanager="http://alertmanager:9093/api/v2/alerts"`;
/** Hours-long windows (3h increase, 4h `for`): 5m steps keep the run short. */
const TSDB_TIMING = { interval: "5m", evaluationInterval: "5m" };
/** MCPHubUnreachable's 45s `for` needs evaluations finer than a minute. */
const PROBE_TIMING = { interval: "15s", evaluationInterval: "15s" };
const CLIENT_PROBE = 'probe_success{job="probe-hub-lb",instance="http://nginx:8080/health/ready",service="nginx"}';

export const PLATFORM_CASES: AlertCase[] = [
  {
    alert: "PrometheusBadConfig",
    title: "fires 10m after a failed reload",
    interval: "1m",
    series: [{ series: `prometheus_config_last_reload_successful{${PROM}}`, values: "0x30" }],
    evalTime: "11m",
    expected: [
      {
        labels: { severity: "critical", job: "prometheus", instance: "localhost:9090" },
        summary: "Failed Prometheus configuration reload.",
        description: "Prometheus localhost:9090 has failed to reload its configuration.",
      },
    ],
  },
  {
    alert: "PrometheusBadConfig",
    title: "stays quiet once a later reload succeeded",
    interval: "1m",
    series: [{ series: `prometheus_config_last_reload_successful{${PROM}}`, values: "0x8 1x30" }],
    evalTime: "11m",
    expected: [],
  },
  {
    alert: "PrometheusRuleFailures",
    title: "fires after 15m of failing evaluations",
    interval: "1m",
    series: [{ series: `prometheus_rule_evaluation_failures_total{${PROM},rule_group="/etc/prometheus/rules/alert-rules.yml;mcp-superserver.traffic"}`, values: "0+3x40" }],
    evalTime: "20m",
    expected: [
      {
        labels: { severity: "critical", job: "prometheus", instance: "localhost:9090", rule_group: "/etc/prometheus/rules/alert-rules.yml;mcp-superserver.traffic" },
        summary: "Prometheus is failing rule evaluations.",
        description: "Prometheus localhost:9090 has failed to evaluate 15 rules in the last 5m.",
      },
    ],
  },
  {
    alert: "PrometheusRuleFailures",
    title: "stays quiet once the failures stopped",
    interval: "1m",
    series: [{ series: `prometheus_rule_evaluation_failures_total{${PROM},rule_group="g"}`, values: "0+3x5 15x40" }],
    evalTime: "20m",
    expected: [],
  },
  {
    alert: "PrometheusErrorSendingAlertsToAnyAlertmanager",
    title: "fires at 10% failed sends for 15m",
    interval: "1m",
    series: [
      { series: `prometheus_notifications_errors_total{${PROM_TO_AM}}`, values: "0+1x40" },
      { series: `prometheus_notifications_sent_total{${PROM_TO_AM}}`, values: "0+10x40" },
    ],
    evalTime: "20m",
    expected: [
      {
        labels: { severity: "critical", job: "prometheus", instance: "localhost:9090" },
        summary: "Prometheus encounters more than 3% errors sending alerts to any Alertmanager.",
        description: "10.0% minimum errors while sending alerts from Prometheus localhost:9090 to any Alertmanager.",
      },
    ],
  },
  {
    alert: "PrometheusErrorSendingAlertsToAnyAlertmanager",
    title: "stays quiet at 2% failed sends",
    interval: "1m",
    series: [
      { series: `prometheus_notifications_errors_total{${PROM_TO_AM}}`, values: "0+2x40" },
      { series: `prometheus_notifications_sent_total{${PROM_TO_AM}}`, values: "0+100x40" },
    ],
    evalTime: "20m",
    expected: [],
  },
  {
    alert: "PrometheusNotificationsDropped",
    title: "fires after 5m of dropped alerts",
    interval: "1m",
    series: [{ series: `prometheus_notifications_dropped_total{${PROM}}`, values: "0+2x20" }],
    evalTime: "10m",
    expected: [
      {
        labels: { severity: "critical", job: "prometheus", instance: "localhost:9090" },
        summary: "Prometheus is dropping alerts it could not deliver.",
        description: "Prometheus localhost:9090 dropped 10 alerts in the last 5m: they never reached Alertmanager.",
      },
    ],
  },
  {
    alert: "PrometheusNotificationsDropped",
    title: "stays quiet while nothing is dropped",
    interval: "1m",
    series: [{ series: `prometheus_notifications_dropped_total{${PROM}}`, values: "0x20" }],
    evalTime: "10m",
    expected: [],
  },
  {
    alert: "PrometheusNotConnectedToAlertmanagers",
    title: "fires after 10m without a discovered Alertmanager",
    interval: "1m",
    series: [{ series: `prometheus_notifications_alertmanagers_discovered{${PROM}}`, values: "0x30" }],
    evalTime: "11m",
    expected: [
      {
        labels: { severity: "warning", job: "prometheus", instance: "localhost:9090" },
        summary: "Prometheus is not connected to any Alertmanagers.",
        description: "Prometheus localhost:9090 is not connected to any Alertmanagers.",
      },
    ],
  },
  {
    alert: "PrometheusNotConnectedToAlertmanagers",
    title: "stays quiet with one Alertmanager",
    interval: "1m",
    series: [{ series: `prometheus_notifications_alertmanagers_discovered{${PROM}}`, values: "1x30" }],
    evalTime: "11m",
    expected: [],
  },
  {
    alert: "PrometheusTSDBCompactionsFailing",
    title: "fires after 4h of failing compactions",
    ...TSDB_TIMING,
    series: [{ series: `prometheus_tsdb_compactions_failed_total{${PROM}}`, values: "0+1x100" }],
    evalTime: "5h",
    expected: [
      {
        labels: { severity: "warning", job: "prometheus", instance: "localhost:9090" },
        summary: "Prometheus has issues compacting blocks.",
        description: "Prometheus localhost:9090 has detected 36 compaction failures over the last 3h.",
      },
    ],
  },
  {
    alert: "PrometheusTSDBCompactionsFailing",
    title: "stays quiet 3h after the last failure",
    ...TSDB_TIMING,
    series: [{ series: `prometheus_tsdb_compactions_failed_total{${PROM}}`, values: "0+1x10 10x100" }],
    evalTime: "5h",
    expected: [],
  },
  {
    alert: "AlertmanagerFailedReload",
    title: "fires 10m after a failed reload",
    interval: "1m",
    series: [{ series: `alertmanager_config_last_reload_successful{${AM}}`, values: "0x30" }],
    evalTime: "11m",
    expected: [
      {
        labels: { severity: "critical", job: "alertmanager", instance: "alertmanager:9093" },
        summary: "Reloading an Alertmanager configuration has failed.",
        description: "Configuration has failed to load for alertmanager:9093.",
      },
    ],
  },
  {
    alert: "AlertmanagerFailedReload",
    title: "stays quiet with a loaded config",
    interval: "1m",
    series: [{ series: `alertmanager_config_last_reload_successful{${AM}}`, values: "1x30" }],
    evalTime: "11m",
    expected: [],
  },
  {
    alert: "AlertmanagerFailedToSendAlerts",
    title: "fires when half the webhook notifications fail (Alertmanager 0.27 adds `reason`)",
    interval: "1m",
    series: [
      { series: `alertmanager_notifications_failed_total{${AM_WEBHOOK},reason="serverError"}`, values: "0+1x40" },
      { series: `alertmanager_notifications_total{${AM_WEBHOOK}}`, values: "0+2x40" },
    ],
    evalTime: "25m",
    expected: [
      {
        labels: { severity: "critical", job: "alertmanager", instance: "alertmanager:9093", integration: "webhook", reason: "serverError" },
        summary: "An Alertmanager instance failed to send notifications.",
        description: "Alertmanager alertmanager:9093 failed to send 50% of notifications to webhook.",
      },
    ],
  },
  {
    alert: "AlertmanagerFailedToSendAlerts",
    title: "stays quiet while every notification is delivered",
    interval: "1m",
    series: [
      { series: `alertmanager_notifications_failed_total{${AM_WEBHOOK}}`, values: "0x40" },
      { series: `alertmanager_notifications_total{${AM_WEBHOOK}}`, values: "0+2x40" },
    ],
    evalTime: "25m",
    expected: [],
  },
  {
    alert: "MCPHubUnreachable",
    title: "fires after 45s of failed probes through nginx",
    ...PROBE_TIMING,
    series: [{ series: CLIENT_PROBE, values: "1 0x10" }],
    evalTime: "1m",
    expected: [
      {
        labels: { severity: "critical", job: "probe-hub-lb", instance: "http://nginx:8080/health/ready", service: "nginx" },
        summary: "Clients cannot reach the MCP hub through the load balancer",
        description: "http://nginx:8080/health/ready fails through nginx, as CLI clients call it: every CLI tool is unable to connect.",
      },
    ],
  },
  {
    alert: "MCPHubUnreachable",
    title: "stays quiet through a 30s blip (an nginx restart)",
    ...PROBE_TIMING,
    series: [{ series: CLIENT_PROBE, values: "1 0 0 1x10" }],
    evalTime: "1m",
    expected: [],
  },
  {
    alert: "BlackboxExporterDown",
    title: "fires for every probe job once blackbox_exporter stopped answering",
    interval: "1m",
    series: [{ series: 'up{job="blackbox-exporter",instance="blackbox-exporter:9115"}', values: "0x5" }],
    evalTime: "3m",
    expected: ["probe-hub-health", "probe-neo4j", "probe-ollama", "probe-hub-lb"].map((job) => ({
      labels: { severity: "critical", job },
      summary: "Blackbox probes have no result",
      description: `${job} has no probe result: blackbox_exporter is down or unreachable, so the alerts on that probe cannot fire.`,
    })),
  },
  {
    alert: "BlackboxExporterDown",
    title: "stays quiet while every probe reports, even failing ones (their own alerts fire)",
    interval: "1m",
    series: [
      { series: 'probe_success{job="probe-hub-health",instance="http://mcp-hub-1:3000/health"}', values: "0x5" },
      { series: 'probe_success{job="probe-neo4j",instance="neo4j:7687"}', values: "0x5" },
      { series: 'probe_success{job="probe-ollama",instance="http://ollama:11434/api/tags"}', values: "1x5" },
      { series: CLIENT_PROBE, values: "1x5" },
    ],
    evalTime: "3m",
    expected: [],
  },
  {
    alert: "ContainerOOMKilled",
    title: "fires when cAdvisor saw an OOM kill in the last 10m",
    interval: "1m",
    series: [{ series: 'container_oom_events_total{name="mcp-neo4j"}', values: "0 0 1 1 1" }],
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "warning", name: "mcp-neo4j" },
        summary: "A container was OOM-killed",
        description: "Container mcp-neo4j was killed for running out of memory 1 times in the last 10m.",
      },
    ],
  },
  {
    alert: "ContainerOOMKilled",
    title: "stays quiet without OOM events, and ignores containers outside the stack",
    interval: "1m",
    series: [
      { series: 'container_oom_events_total{name="mcp-neo4j"}', values: "0x5" },
      { series: 'container_oom_events_total{name="someone-else"}', values: "0 1 2 3 4" },
    ],
    evalTime: "3m",
    expected: [],
  },
  {
    alert: "ContainerRestarting",
    title: "fires after 3 restarts in 15m",
    interval: "1m",
    series: [{ series: 'container_start_time_seconds{name="mcp-hub-1"}', values: "100 160 220 280 280x5" }],
    evalTime: "4m",
    expected: [
      {
        labels: { severity: "warning", name: "mcp-hub-1" },
        summary: "A container keeps restarting",
        description: "Container mcp-hub-1 restarted 3 times in the last 15m (warning at 3).",
      },
    ],
  },
  {
    alert: "ContainerRestarting",
    title: "stays quiet after a single restart",
    interval: "1m",
    series: [{ series: 'container_start_time_seconds{name="mcp-hub-1"}', values: "100 160 160x10" }],
    evalTime: "4m",
    expected: [],
  },
];
