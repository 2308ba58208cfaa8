/**
 * The Grafana dashboard and its provisioning as the Docker stack renders them: every query
 * parses (promtool), reads only metrics the stack's sources export, and the panels cover the
 * runbook's key metrics against the provisioned datasource.
 */
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { describeDockerStack } from "../../components/docker/stack";
import { RATE_INTERVAL, type Panel } from "../../components/render/grafanaDashboard";
import { exportedMetrics, metricNames } from "../support/metricCatalog";
import { promtoolCheckRules } from "../support/validators";
import { prometheusFiles } from "../support/stackFiles";

function grafanaFiles(raw: Record<string, unknown> = {}) {
  const w = describeDockerStack(parseStackConfig(raw), "dev").services.grafana;
  const byName = Object.fromEntries(w.files.map((f) => [f.name, f]));
  return {
    workload: w,
    dashboard: JSON.parse(byName["mcp-superserver-overview.json"].content) as { uid: string; panels: Panel[] },
    datasources: parse(byName["grafana-datasources.yml"].content) as { datasources: { uid: string; type: string; url: string }[] },
    provider: parse(byName["grafana-dashboards.yml"].content) as { providers: { options: { path: string } }[] },
    dashboardPath: byName["mcp-superserver-overview.json"].mountPath,
  };
}

const { workload, dashboard, datasources, provider, dashboardPath } = grafanaFiles();
const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

describe("Grafana overview dashboard", () => {
  it("has only queries promtool parses", () => {
    // Each query as a recording rule: promtool runs Prometheus' own parser over it.
    const rules = {
      groups: [
        {
          name: "dashboard",
          rules: queries.map((q, i) => ({ record: `dashboard:panel_${i + 1}`, expr: q.expr.replaceAll(RATE_INTERVAL, "5m") })),
        },
      ],
    };
    const r = promtoolCheckRules(stringify(rules));
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it("reads only metrics the stack's sources export, or series the alert rules record", () => {
    const recorded = (parse(prometheusFiles()["alert-rules.yml"]) as { groups: { rules: { record?: string }[] }[] }).groups
      .flatMap((g) => g.rules)
      .flatMap((r) => (r.record ? [r.record] : []));
    const known = new Set([...exportedMetrics(), ...recorded]);
    for (const q of queries) {
      const names = metricNames(q.expr);
      expect(names.length, q.panel).toBeGreaterThan(0);
      for (const name of names) expect(known, `${q.panel}: ${name}`).toContain(name);
    }
  });

  it("finds a misspelt metric (the name check is not vacuous)", () => {
    expect(metricNames('sum by (server) (rate(mcp_request_total{job="mcp-hub"}[5m]))')).toEqual(["mcp_request_total"]);
    expect(exportedMetrics()).not.toContain("mcp_request_total");
  });

  it("covers the runbook's key metrics", () => {
    const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
    for (const metric of [
      "instance:mcp_hub_requests:rate5m",
      "job:mcp_hub_request_errors:ratio_rate5m",
      "job:mcp_hub_requests_slower_than_1000ms:ratio_rate5m",
      "job:mcp_hub_requests_slower_than_5000ms:ratio_rate5m",
      "container_memory_working_set_bytes",
      "container_spec_memory_limit_bytes",
      "container_cpu_usage_seconds_total",
      "container_spec_cpu_quota",
      "probe_success",
      "mcp_backup_last_success_timestamp_seconds",
    ]) {
      expect(used, metric).toContain(metric);
    }
    const probes = queries.filter((q) => q.expr.includes("probe_success")).map((q) => q.expr);
    expect(probes.some((e) => e.includes('job="probe-neo4j"'))).toBe(true);
    expect(probes.some((e) => e.includes('job="probe-ollama"'))).toBe(true);
  });

  it("draws the configured alert thresholds", () => {
    const steps = (d: typeof dashboard, title: string) =>
      ((d.panels.find((p) => p.title === title)!.fieldConfig.defaults.thresholds as { steps: { value: number | null }[] }).steps).map((s) => s.value);
    expect(steps(dashboard, "5xx error rate")).toEqual([null, 0.05, 0.15]);
    const tuned = grafanaFiles({ prometheus: { alerts: { errorRateWarningPercent: 7, errorRateCriticalPercent: 20 } } }).dashboard;
    expect(steps(tuned, "5xx error rate")).toEqual([null, 0.07, 0.2]);
    expect(steps(dashboard, "Share of requests slower than the latency thresholds")).toEqual([null, 0.05]);
  });
});

describe("Grafana provisioning", () => {
  it("points every panel at the provisioned Prometheus datasource", () => {
    const [ds] = datasources.datasources;
    expect(ds).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    for (const p of dashboard.panels) expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: ds.uid });
  });

  it("loads the dashboard from the directory the provider watches", () => {
    expect(dashboardPath.startsWith(`${provider.providers[0].options.path}/`)).toBe(true);
    const mounts = workload.files.map((f) => f.mountPath);
    expect(mounts.filter((m) => m.startsWith("/etc/grafana/provisioning/datasources/"))).toHaveLength(1);
    expect(mounts.filter((m) => m.startsWith("/etc/grafana/provisioning/dashboards/"))).toHaveLength(1);
  });

  it("takes the admin password from a secret file (GF_SECURITY_ADMIN_PASSWORD__FILE), never from env", () => {
    expect(workload.env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/run/secrets/grafana-admin-password");
    expect(workload.secretFiles).toContainEqual({ name: "grafana-admin-password", mountPath: "/run/secrets/grafana-admin-password", secret: "grafana-admin-password" });
    expect(workload.secretEnv).toEqual({});
    expect(Object.keys(workload.env)).not.toContain("GF_SECURITY_ADMIN_PASSWORD");
  });
});
