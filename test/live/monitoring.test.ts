/**
 * End to end on 127.0.0.1 with the real daemons running the rendered configs and a stand-in that
 * behaves like the upstream hub: stopping the hub delivers MCPHubDown to the paging webhook,
 * 8% of client requests failing with 5xx delivers HighErrorRate to chat, Neo4j down turns the
 * hub's deep probe red while its probe routes stay 200, and the Watchdog reaches its own receiver. Intervals are seconds (through the renderers' inputs), the
 * whole run is bounded and leaves no process or directory behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { RUNBOOK_TIMING } from "../../components/render/alertRules";
import { RATE_INTERVAL, grafanaDashboard } from "../../components/render/grafanaDashboard";
import { JOB } from "../../components/workloads/monitoringTargets";
import { FAST_TIMING, startLiveMonitoring, type LiveMonitoring } from "../support/liveMonitoring";
import { waitFor } from "../support/processes";
import { driveTraffic } from "../support/upstreamHub";

const RUNBOOK = "https://github.com/mcp-superserver/mcp-superserver-infra/blob/main/docs/runbook.md";

describe("live monitoring pipeline", () => {
  let live: LiveMonitoring;
  beforeAll(async () => {
    live = await startLiveMonitoring(FAST_TIMING);
  });
  afterAll(async () => live?.stop());

  it("scrapes the hub contract, and probes Neo4j (Bolt), Ollama (models) and the hub through nginx via blackbox_exporter", async () => {
    const probes = await waitFor(
      "first scrapes",
      async () => {
        const up = await live.query('up{job="mcp-hub"} == 1');
        const probed = await live.query("probe_success == 1");
        // After two scrapes the hub's histogram has counted the first one (route "/", 200).
        const requests = await live.query('mcp_hub_http_request_duration_seconds_count{method="GET",route="/",status_code="200"}');
        return up.length === 1 && probed.length === 4 && requests.length === 1 ? probed : undefined;
      },
      15_000,
    );
    expect(probes.map((p) => p.metric.job).sort()).toEqual(["probe-hub-health", "probe-hub-lb", "probe-neo4j", "probe-ollama"]);
    expect(live.bolt.handshakes).toBeGreaterThan(0);
  });

  it("answers every dashboard query, with data for the hub and availability panels", async () => {
    const dashboard = grafanaDashboard({
      datasourceUid: "live",
      thresholds: parseStackConfig({}).prometheus.alerts,
      hubJob: JOB.hub,
      neo4jProbeJob: JOB.neo4jProbe,
      ollamaProbeJob: JOB.ollamaProbe,
      containerLabel: "name",
      containerSelector: 'name=~"mcp-.+"',
    });
    // Container and backup metrics come from cAdvisor and the backup job, which do not run here.
    const withData = ["Hub replicas up", "Neo4j up", "Ollama up", "Request rate by replica", "Share of requests slower than the latency thresholds", "5xx error rate"];
    const results = await waitFor(
      "rates over a full window",
      async () => {
        const answers = await Promise.all(
          dashboard.panels.map(async (p) => [p.title, await live.query(p.targets[0].expr.replaceAll(RATE_INTERVAL, FAST_TIMING.rules.rateWindow).replaceAll(`rate${RUNBOOK_TIMING.rateWindow}`, `rate${FAST_TIMING.rules.rateWindow}`))] as const),
        );
        return answers.every(([title, r]) => !withData.includes(title) || r.length > 0) ? Object.fromEntries(answers) : undefined;
      },
      20_000,
    );
    expect(Object.keys(results).sort()).toEqual(dashboard.panels.map((p) => p.title).sort());
    expect(results["Request rate by replica"].map((r) => r.metric.instance)).toEqual([live.hub.address]);
    expect(results["Share of requests slower than the latency thresholds"].map((r) => r.metric.over).sort()).toEqual(["1s", "5s"]);
    expect(Number(results["Neo4j up"][0].value[1])).toBe(1);
  });

  it("delivers the Watchdog to its own receiver", async () => {
    const { alert } = await live.webhooks.firing("/watchdog", "Watchdog", 0, 15_000);
    expect(alert.labels.severity).toBe("none");
  });

  it("keeps the probe routes at 200 while Neo4j is down, and delivers HighErrorRate (not CriticalErrorRate) at 8% client 5xx", async () => {
    const since = Date.now();
    live.bolt.offline = true;
    const base = `http://${live.hub.address}`;
    expect((await fetch(`${base}/health`)).status).toBe(503);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    // One request in 13 is /health (503 now), the rest the info page: 7.7% of client requests
    // fail. blackbox's HEAD /health probe fails too, once a second, and must not count.
    const traffic = driveTraffic(base, { perSecond: 40, seconds: 60, errorShare: 0.08 });
    try {
      const { alert } = await live.webhooks.firing("/chat", "HighErrorRate", since, 50_000);
      expect(alert.labels).toMatchObject({ alertname: "HighErrorRate", severity: "warning", job: "mcp-hub", stack: "live-test" });
      expect(alert.annotations.summary).toBe("MCP hub error rate is high");
      expect(alert.annotations.description).toMatch(/^More than 5% of requests to mcp-hub fail with 5xx \(now (6|7|8)(\.\d+)?%\); probes excluded, at 0\.5 req\/s or more\.$/);
      expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#higherrorrate`);
      const critical = live.webhooks.deliveries.flatMap((d) => d.alerts).filter((a) => a.labels.alertname === "CriticalErrorRate");
      expect(critical).toEqual([]);
      const restarts = await live.query('up{job="mcp-hub"} == 1');
      expect(restarts).toHaveLength(1);
    } finally {
      const statuses = await traffic.stop();
      live.bolt.offline = false;
      expect(statuses[503]).toBeGreaterThan(0);
    }
  });

  it("delivers OllamaDown to paging when a configured model disappears from /api/tags", async () => {
    const since = Date.now();
    const models = live.ollamaModels.splice(0);
    try {
      const { alert } = await live.webhooks.firing("/paging", "OllamaDown", since, 30_000);
      expect(alert.labels).toMatchObject({ alertname: "OllamaDown", severity: "critical", job: "probe-ollama" });
    } finally {
      live.ollamaModels.push(...models);
    }
  });

  it("tells chat when the paging receiver fails: AlertmanagerFailedToSendAlerts from Alertmanager's own metrics", async () => {
    // A fresh page is needed: wait until the previous test's OllamaDown has resolved.
    await waitFor("OllamaDown to resolve", async () => ((await live.query('ALERTS{alertname="OllamaDown"}')).length === 0 ? true : undefined), 30_000);
    const since = Date.now();
    live.webhooks.failing.add("/paging");
    const models = live.ollamaModels.splice(0);
    try {
      // OllamaDown (critical) goes to paging, which answers 500; Alertmanager counts each failed
      // notification once its retries time out, and the rule reads that from its /metrics.
      const { alert } = await live.webhooks.firing("/chat", "AlertmanagerFailedToSendAlerts", since, 90_000);
      expect(alert.labels).toMatchObject({ alertname: "AlertmanagerFailedToSendAlerts", severity: "critical", job: "alertmanager", integration: "webhook" });
      expect(alert.annotations.description).toMatch(/^Alertmanager 127\.0\.0\.1:\d+ failed to send \d+(\.\d+)?% of notifications to webhook\.$/);
    } finally {
      live.ollamaModels.push(...models);
      live.webhooks.failing.delete("/paging");
    }
  });

  it("delivers MCPHubDown and MCPHubUnreachable to paging when the hub stops", async () => {
    const since = Date.now();
    await live.hub.kill();
    const { alert } = await live.webhooks.firing("/paging", "MCPHubDown", since, 30_000);
    expect(alert.labels).toMatchObject({ alertname: "MCPHubDown", severity: "critical", job: "mcp-hub" });
    expect(alert.annotations.description).toBe("0 replicas of mcp-hub answer scrapes; every CLI client is failing.");
    expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#mcphubdown`);
    const unreachable = await live.webhooks.firing("/paging", "MCPHubUnreachable", since, 30_000);
    expect(unreachable.alert.labels).toMatchObject({ alertname: "MCPHubUnreachable", severity: "critical", job: "probe-hub-lb", service: "nginx" });
    expect(unreachable.alert.annotations.runbook_url).toBe(`${RUNBOOK}#mcphubunreachable`);
  });
});
