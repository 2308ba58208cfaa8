/**
 * The alert rules both stacks render, checked and unit-tested with the real promtool: every
 * alert has a case that fires with its labels and annotations and one that stays quiet.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { UPSTREAM_HUB_METRICS } from "../../components/contracts/hub";
import { renderAlertRules } from "../../components/render/alertRules";
import type { AlertCase } from "../support/alertCase";
import { COMMUNITY_CASES, ENTERPRISE_CASES, promtoolTestFile } from "../support/alertScenarios";
import { PLATFORM_CASES } from "../support/alertScenariosPlatform";
import { exportedMetrics, metricNames } from "../support/metricCatalog";
import { prometheusFiles } from "../support/stackFiles";
import { runToolAsync, tempFiles } from "../support/exec";
import { promtoolCheckRules } from "../support/validators";

const ENTERPRISE = { neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" } };

const community = prometheusFiles()["alert-rules.yml"];
const enterprise = prometheusFiles(ENTERPRISE)["alert-rules.yml"];
const dir = tempFiles({ "community.yml": community, "enterprise.yml": enterprise });
afterAll(() => dir.cleanup());

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
}
type Alert = { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> };
const alertsOf = (text: string) => (parse(text) as RuleFile).groups.flatMap((g) => g.rules).filter((r): r is Alert => r.alert !== undefined);
const recordsOf = (text: string) => (parse(text) as RuleFile).groups.flatMap((g) => g.rules).filter((r) => r.record !== undefined);
const namesOf = (text: string) => [...new Set(alertsOf(text).map((r) => r.alert))].sort();

function promtoolTest(ruleFile: string, cases: AlertCase[], name: string) {
  const testFile = dir.file(`${name}.test.yml`);
  writeFileSync(testFile, promtoolTestFile(ruleFile, cases));
  return runToolAsync("promtool", ["test", "rules", testFile], { cwd: dir.dir });
}

describe("rendered alert rules", () => {
  it("pass promtool check rules for both Neo4j editions", () => {
    for (const rules of [community, enterprise]) {
      const r = promtoolCheckRules(rules);
      expect(r.output, r.output).toContain("SUCCESS");
      expect(r.status).toBe(0);
    }
  });

  it("pass promtool check rules with Kubernetes-style selectors and test timing", () => {
    const cfg = parseStackConfig({});
    const text = renderAlertRules({
      thresholds: cfg.prometheus.alerts,
      hubJob: "mcp-hub",
      hubHealthProbeJob: "probe-hub-health",
      hubContract: UPSTREAM_HUB_METRICS,
      neo4jProbeJob: "probe-neo4j",
      ollamaProbeJob: "probe-ollama",
      neo4jMetricsJob: "neo4j",
      containers: [{ service: "mcp-hub", selector: 'namespace="mcp",container="mcp-hub"' }],
      containerLabel: "pod",
      diskSelector: 'mountpoint="/data"',
      runbookUrl: cfg.prometheus.runbookUrl,
      timing: { rateWindow: "30s", pendingScale: 0.05 },
    });
    const r = promtoolCheckRules(text);
    expect(r.status, r.output).toBe(0);
    expect(text).toContain("[30s]");
    expect(alertsOf(text).find((a) => a.alert === "MCPHubDown")).toBeDefined();
    expect(text).toMatch(/alert: MCPHubDown\n\s+expr: .*\n\s+for: 3s/);
  });

  it("have every alert the runbook and the issue name, and Neo4j query alerts only on Enterprise", () => {
    const base = [
      "AlertmanagerFailedReload",
      "AlertmanagerFailedToSendAlerts",
      "BackupMissing",
      "BackupUnverified",
      "BlackboxExporterDown",
      "ContainerOOMKilled",
      "ContainerRestarting",
      "CriticalDiskSpace",
      "CriticalErrorRate",
      "CriticalMemoryUsage",
      "HighCPUUsage",
      "HighErrorRate",
      "HighMemoryUsage",
      "HighResponseTime",
      "LowDiskSpace",
      "MCPHubDegraded",
      "MCPHubDown",
      "MCPHubMetricsMissing",
      "MCPHubUnreachable",
      "Neo4jDown",
      "OllamaDown",
      "PrometheusBadConfig",
      "PrometheusErrorSendingAlertsToAnyAlertmanager",
      "PrometheusNotConnectedToAlertmanagers",
      "PrometheusNotificationsDropped",
      "PrometheusRuleFailures",
      "PrometheusTSDBCompactionsFailing",
      "TargetDown",
      "VeryHighResponseTime",
      "Watchdog",
    ];
    expect(namesOf(community)).toEqual(base.sort());
    expect(namesOf(enterprise)).toEqual([...base, "Neo4jSlowQueries", "Neo4jTooManyConnections"].sort());
  });

  it("give every alert a severity, a summary, a templated description and its runbook section", () => {
    for (const rule of alertsOf(enterprise)) {
      expect(["critical", "warning", "none"], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toMatch(/\{\{ \$(labels\.\w+|value)/);
      expect(rule.annotations.runbook_url, rule.alert).toMatch(new RegExp(`/docs/runbook\\.md#${rule.alert.toLowerCase()}$`));
    }
  });

  it("read only metrics the stack's sources export, or series the same file records", () => {
    const known = new Set([...exportedMetrics(), ...recordsOf(enterprise).map((r) => r.record!)]);
    const rules = (parse(enterprise) as RuleFile).groups.flatMap((g) => g.rules);
    for (const rule of rules) for (const name of metricNames(rule.expr)) expect(known, `${rule.alert ?? rule.record}: ${name}`).toContain(name);
  });

  it("record the hub's series from the upstream hub's histogram, probes left out", () => {
    const hub = '{job="mcp-hub",route!~"/live|/ready",method!="HEAD"}';
    const le = (v: string) => `{job="mcp-hub",le="${v}",route!~"/live|/ready",method!="HEAD"}`;
    const bucket = (v: string) => `sum by (job) (rate(mcp_hub_http_request_duration_seconds_bucket${le(v)}[5m]))`;
    expect(recordsOf(community).map((r) => [r.record, r.expr])).toEqual([
      ["job:mcp_hub_requests:rate5m", `sum by (job) (rate(mcp_hub_http_request_duration_seconds_count${hub}[5m]))`],
      ["instance:mcp_hub_requests:rate5m", `sum by (job, instance) (rate(mcp_hub_http_request_duration_seconds_count${hub}[5m]))`],
      [
        "job:mcp_hub_request_errors:rate5m",
        'sum by (job) (rate(mcp_hub_http_request_duration_seconds_count{job="mcp-hub",status_code=~"5..",route!~"/live|/ready",method!="HEAD"}[5m]))' +
          ` or 0 * sum by (job) (rate(mcp_hub_http_request_duration_seconds_count${hub}[5m]))`,
      ],
      ["job:mcp_hub_request_errors:ratio_rate5m", "job:mcp_hub_request_errors:rate5m / job:mcp_hub_requests:rate5m"],
      ["job:mcp_hub_requests_slower_than_1000ms:ratio_rate5m", `1 - ${bucket("1")} / ${bucket("+Inf")}`],
      ["job:mcp_hub_requests_slower_than_5000ms:ratio_rate5m", `1 - ${bucket("5")} / ${bucket("+Inf")}`],
    ]);
  });

  it("record the runbook's names instead under hub.metricsContract runbook", () => {
    const runbook = prometheusFiles({ hub: { metricsContract: "runbook" } })["alert-rules.yml"];
    expect(recordsOf(runbook).find((r) => r.record === "job:mcp_hub_request_errors:rate5m")!.expr).toBe(
      'sum by (job) (rate(mcp_requests_total{job="mcp-hub",status=~"5.."}[5m])) or 0 * sum by (job) (rate(mcp_requests_total{job="mcp-hub"}[5m]))',
    );
    expect(promtoolCheckRules(runbook).status).toBe(0);
  });

  it("watch every service with a memory limit", () => {
    const services = new Set(alertsOf(community).filter((r) => r.alert === "CriticalMemoryUsage").map((r) => r.labels.service));
    expect([...services].sort()).toEqual(
      ["alertmanager", "backup", "backup-docker-api", "blackbox-exporter", "cadvisor", "grafana", "mcp-hub", "minio", "neo4j", "nginx", "nginx-exporter", "node-exporter", "ollama", "prometheus"].sort(),
    );
  });
});

describe("promtool test rules", () => {
  it("has a firing and a quiet case for every alert (Watchdog cannot be quiet)", () => {
    const all = [...COMMUNITY_CASES, ...ENTERPRISE_CASES, ...PLATFORM_CASES];
    for (const alert of namesOf(enterprise)) {
      const cases = all.filter((c) => c.alert === alert);
      expect(cases.some((c) => c.expected.length > 0), `${alert} fires`).toBe(true);
      if (alert !== "Watchdog") expect(cases.some((c) => c.expected.length === 0), `${alert} stays quiet`).toBe(true);
    }
  });

  it.each(namesOf(community))("%s behaves as its cases say (community rules)", async (alert) => {
    const r = await promtoolTest(
      "community.yml",
      [...COMMUNITY_CASES, ...PLATFORM_CASES].filter((c) => c.alert === alert),
      `community-${alert}`,
    );
    expect(r.output).toContain("SUCCESS");
    expect(r.status, r.output).toBe(0);
  });

  it("Neo4j query alerts behave as their cases say (enterprise rules)", async () => {
    const r = await promtoolTest("enterprise.yml", ENTERPRISE_CASES, "enterprise");
    expect(r.output).toContain("SUCCESS");
    expect(r.status, r.output).toBe(0);
  });

  it("a wrong expectation fails promtool (the cases are not vacuous)", async () => {
    const [firing] = COMMUNITY_CASES.filter((c) => c.alert === "HighErrorRate" && c.expected.length);
    const wrong = { ...firing, expected: [{ ...firing.expected[0], description: "something else" }] };
    const r = await promtoolTest("community.yml", [wrong], "wrong");
    expect(r.status).not.toBe(0);
  });
});
