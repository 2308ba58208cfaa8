/**
 * End to end on 127.0.0.1 with the real daemons running the rendered configs: stopping the hub
 * delivers MCPHubDown to the paging webhook, 10% of 5xx delivers HighErrorRate to chat, and the
 * Watchdog reaches its own receiver. Intervals are seconds (through the renderers' inputs), the
 * whole run is bounded and leaves no process or directory behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST_TIMING, startLiveMonitoring, type LiveMonitoring } from "./support/liveMonitoring";
import { waitFor } from "./support/processes";

const RUNBOOK = "https://github.com/mcp-superserver/mcp-superserver-infra/blob/main/docs/runbook.md";

describe("live monitoring pipeline", () => {
  let live: LiveMonitoring;
  beforeAll(async () => {
    live = await startLiveMonitoring(FAST_TIMING);
  });
  afterAll(async () => live?.stop());

  it("scrapes the hub contract and probes Neo4j and Ollama through blackbox_exporter", async () => {
    const probes = await waitFor(
      "first scrapes",
      async () => {
        const up = await live.query('up{job="mcp-hub"} == 1');
        const probed = await live.query("probe_success == 1");
        const requests = await live.query("mcp_requests_total");
        return up.length === 1 && probed.length === 2 && requests.length === 4 ? probed : undefined;
      },
      15_000,
    );
    expect(probes.map((p) => p.metric.job).sort()).toEqual(["probe-neo4j", "probe-ollama"]);
  });

  it("delivers the Watchdog to its own receiver", async () => {
    const { alert } = await live.webhooks.firing("/watchdog", "Watchdog", 0, 15_000);
    expect(alert.labels.severity).toBe("none");
  });

  it("delivers HighErrorRate (and not CriticalErrorRate) to chat when 10% of requests fail", async () => {
    const since = Date.now();
    live.hub.setErrorRatio("neo4j-memory", 0.1);
    const { alert } = await live.webhooks.firing("/chat", "HighErrorRate", since, 45_000);
    expect(alert.labels).toMatchObject({ alertname: "HighErrorRate", severity: "warning", server: "neo4j-memory", stack: "live-test" });
    expect(alert.annotations.summary).toBe("MCP hub error rate is high");
    expect(alert.annotations.description).toMatch(/^More than 5% of requests to server neo4j-memory fail with 5xx \(now (9\.\d+|10(\.\d+)?)%\)\.$/);
    expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#higherrorrate`);
    const critical = live.webhooks.deliveries.flatMap((d) => d.alerts).filter((a) => a.labels.alertname === "CriticalErrorRate");
    expect(critical).toEqual([]);
  });

  it("delivers MCPHubDown to paging when the hub stops", async () => {
    const since = Date.now();
    await live.hub.stop();
    const { alert } = await live.webhooks.firing("/paging", "MCPHubDown", since, 30_000);
    expect(alert.labels).toMatchObject({ alertname: "MCPHubDown", severity: "critical", job: "mcp-hub" });
    expect(alert.annotations.description).toBe("0 replicas of mcp-hub answer scrapes; every CLI client is failing.");
    expect(alert.annotations.runbook_url).toBe(`${RUNBOOK}#mcphubdown`);
  });
});
