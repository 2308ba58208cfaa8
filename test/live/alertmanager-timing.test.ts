/**
 * Alertmanager timing measured in a real Alertmanager running the rendered config at the stack's
 * default timings: the Watchdog (the dead-man's switch) is re-sent every minute, not every
 * group_interval of the root route (5m), and a page leaves without the root's 30s group_wait.
 * Alerts are posted as Prometheus posts them (`endsAt` ahead, re-posted), deliveries land on a
 * webhook receiver on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { alertmanagerConfig } from "../../components/workloads/monitoring";
import { tempFiles } from "../support/exec";
import { freePort, startDaemon, waitFor, type Daemon } from "../support/processes";
import { WebhookReceiver } from "../support/webhookReceiver";

const webhooks = new WebhookReceiver();
let am: Daemon;
let url: string;
let dir: ReturnType<typeof tempFiles>;
let repost: NodeJS.Timeout | undefined;

async function post(labels: Record<string, string>): Promise<void> {
  // Prometheus sends endsAt = now + 4 x max(resend delay, evaluation interval), and re-sends every minute.
  const alert = { labels, annotations: {}, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 5 * 60_000).toISOString() };
  const res = await fetch(`${url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([alert]) });
  expect(res.ok).toBe(true);
}

beforeAll(async () => {
  await webhooks.start();
  const cfg = parseStackConfig({});
  dir = tempFiles({
    "alertmanager.yml": alertmanagerConfig(cfg, { paging: `${webhooks.url}/paging`, chat: `${webhooks.url}/chat`, watchdog: `${webhooks.url}/watchdog` }),
  });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  am = await startDaemon(
    "alertmanager",
    "prometheus-alertmanager",
    [`--config.file=${dir.file("alertmanager.yml")}`, `--storage.path=${dir.dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="],
    `${url}/-/ready`,
  );
});
afterAll(async () => {
  if (repost) clearInterval(repost);
  await am?.stop();
  await webhooks.stop();
  dir?.cleanup();
});

describe("Alertmanager timing at the stack defaults", () => {
  it("sends a page at once: the paging route has no group_wait (the root's is 30s)", async () => {
    const since = Date.now();
    await post({ alertname: "MCPHubDown", severity: "critical", job: "mcp-hub" });
    const { delivery } = await webhooks.firing("/paging", "MCPHubDown", since, 10_000);
    expect(delivery.receivedAt - since).toBeLessThan(5_000);
  });

  it("re-sends the Watchdog every minute", async () => {
    const labels = { alertname: "Watchdog", severity: "none" };
    await post(labels);
    repost = setInterval(() => void post(labels), 60_000);
    const arrivals = (n: number) =>
      waitFor(
        `${n} Watchdog deliveries`,
        async () => {
          const at = webhooks.deliveries.filter((d) => d.path === "/watchdog").map((d) => d.receivedAt);
          return at.length >= n ? at : undefined;
        },
        (n - 1) * 75_000 + 10_000,
        500,
      );
    const at = await arrivals(3);
    const gaps = at.slice(1, 3).map((t, i) => (t - at[i]) / 1000);
    console.log(`Watchdog intervals measured: ${gaps.map((g) => g.toFixed(1)).join(" s, ")} s`);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(55);
      expect(gap).toBeLessThan(65);
    }
  }, 180_000);
});
