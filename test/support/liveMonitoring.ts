/**
 * The monitoring pipeline for real on 127.0.0.1: Debian's prometheus, prometheus-alertmanager
 * and prometheus-blackbox-exporter run the files the renderers produce, with every address and
 * interval passed through the renderers' inputs. Around them: a stand-in of the upstream hub,
 * stand-ins for Neo4j's Bolt port and Ollama's API (which the hub's /health checks), and a
 * webhook receiver.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { durationSeconds } from "../../components/config/primitives";
import { parseStackConfig } from "../../components/config/parse";
import { pendingFor, renderAlertRules, type AlertTiming } from "../../components/render/alertRules";
import { renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { renderBlackboxConfig } from "../../components/render/blackbox";
import { renderPrometheusConfig } from "../../components/render/prometheus";
import { monitoringFiles } from "../../components/workloads/monitoringTargets";
import { SERVICE } from "../../components/workloads/types";
import { HUB_METRICS_CONTRACTS } from "../../components/contracts/hub";
import { closeNow, freePort, startDaemon, waitFor, type Daemon } from "./processes";
import { UpstreamHubStandIn } from "./upstreamHub";
import { WebhookReceiver } from "./webhookReceiver";

export interface LiveTiming {
  scrapeInterval: string;
  evaluationInterval: string;
  rules: AlertTiming;
  groupWait: string;
}

/** Seconds instead of minutes: the same rules, a shorter rate window and scaled `for`. */
export const FAST_TIMING: LiveTiming = {
  scrapeInterval: "1s",
  evaluationInterval: "1s",
  rules: { rateWindow: "10s", pendingScale: 0.05 },
  groupWait: "1s",
};

/**
 * Worst case from a hub stopping to Alertmanager sending MCPHubDown: the next scrape fails,
 * the next evaluation sees it, `for` passes, the evaluation after that fires, the group waits.
 */
export function hubDownDetectionBoundSeconds(t: LiveTiming): number {
  const s = durationSeconds;
  return s(t.scrapeInterval) + 2 * s(t.evaluationInterval) + s(pendingFor("1m", t.rules)) + s(t.groupWait);
}

export interface LiveMonitoring {
  hub: UpstreamHubStandIn;
  /** Stops the Bolt stand-in: Neo4j is down for the hub's /health and for blackbox. */
  stopNeo4j: () => Promise<void>;
  webhooks: WebhookReceiver;
  prometheusUrl: string;
  /** Instant query against the running Prometheus. */
  query: (expr: string) => Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop: () => Promise<void>;
}

async function listening<T extends HttpServer | TcpServer>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

export async function startLiveMonitoring(timing: LiveTiming): Promise<LiveMonitoring> {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-live-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const cfg = parseStackConfig({});
    const bolt = createTcpServer((socket) => socket.end());
    const boltPort = await listening(bolt);
    cleanups.push(() => closeNow(bolt));
    const ollama = createHttpServer((req, res) =>
      req.url === "/api/tags" ? res.writeHead(200, { "content-type": "application/json" }).end('{"models":[]}') : res.writeHead(200).end("Ollama is running"),
    );
    const ollamaPort = await listening(ollama);
    cleanups.push(() => closeNow(ollama));
    const hub = await new UpstreamHubStandIn({ neo4j: `127.0.0.1:${boltPort}`, ollamaUrl: `http://127.0.0.1:${ollamaPort}`, shutdownMs: 1000 }).start();
    const hubAddress = hub.address;
    cleanups.push(() => hub.kill().catch(() => undefined));
    const webhooks = new WebhookReceiver();
    await webhooks.start();
    cleanups.push(() => webhooks.stop());

    const [promPort, amPort, bbPort] = [await freePort(), await freePort(), await freePort()];
    const [prom, am, bb] = [promPort, amPort, bbPort].map((p) => `127.0.0.1:${p}`);
    const files = monitoringFiles(
      {
        hubReplicas: [hubAddress],
        neo4jBolt: `127.0.0.1:${boltPort}`,
        ollamaUrl: `http://127.0.0.1:${ollamaPort}/`,
        blackbox: bb,
        alertmanager: am,
        others: { [SERVICE.prometheus]: [prom], [SERVICE.alertmanager]: [am], [SERVICE.blackbox]: [bb] },
      },
      { containers: [], containerLabel: "name", diskSelector: 'mountpoint="/"' },
      { stack: "live-test" },
    );
    const rulesFile = path.join(dir, "alert-rules.yml");
    writeFileSync(
      rulesFile,
      renderAlertRules({
        ...files.rules,
        thresholds: cfg.prometheus.alerts,
        runbookUrl: cfg.prometheus.runbookUrl,
        hubContract: HUB_METRICS_CONTRACTS[cfg.hub.metricsContract],
        timing: timing.rules,
      }),
    );
    writeFileSync(
      path.join(dir, "prometheus.yml"),
      renderPrometheusConfig({
        ...files.prometheus,
        scrapeInterval: timing.scrapeInterval,
        evaluationInterval: timing.evaluationInterval,
        ruleFiles: [rulesFile],
      }),
    );
    writeFileSync(
      path.join(dir, "alertmanager.yml"),
      renderAlertmanagerConfig({
        receivers: { paging: `${webhooks.url}/paging`, chat: `${webhooks.url}/chat`, watchdog: `${webhooks.url}/watchdog` },
        groupWait: timing.groupWait,
        groupInterval: timing.groupWait,
        repeatInterval: "1h",
      }),
    );
    writeFileSync(path.join(dir, "blackbox.yml"), renderBlackboxConfig());

    const started: Daemon[] = [];
    cleanups.push(async () => {
      for (const d of started.reverse()) await d.stop();
    });
    started.push(
      await startDaemon(
        "blackbox_exporter",
        "prometheus-blackbox-exporter",
        [`--config.file=${dir}/blackbox.yml`, `--web.listen-address=${bb}`],
        `http://${bb}/-/healthy`,
      ),
    );
    started.push(
      await startDaemon(
        "alertmanager",
        "prometheus-alertmanager",
        [
          `--config.file=${dir}/alertmanager.yml`,
          `--storage.path=${dir}/alertmanager`,
          `--web.listen-address=${am}`,
          // One instance: no gossip port to open.
          "--cluster.listen-address=",
        ],
        `http://${am}/-/ready`,
      ),
    );
    started.push(
      await startDaemon(
        "prometheus",
        "prometheus",
        [
          `--config.file=${dir}/prometheus.yml`,
          `--storage.tsdb.path=${dir}/prometheus`,
          `--web.listen-address=${prom}`,
          // Alerts that fire before Alertmanager is discovered (the Watchdog) are resent only after
          // this delay, 1m by default: scale it with the rest.
          `--rules.alert.resend-delay=${timing.evaluationInterval}`,
        ],
        `http://${prom}/-/ready`,
      ),
    );
    const prometheusUrl = `http://${prom}`;
    const query = async (expr: string) => {
      const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== "success") throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data.result;
    };
    // Prometheus discovers its targets a few seconds after it starts; with `for` scaled to
    // seconds, MCPHubDown can fire (absent hub) before the first scrape. Start from a calm state.
    await waitFor(
      "the hub to be scraped and MCPHubDown to be clear",
      async () => {
        const up = await query(`up{job="${files.rules.hubJob}"} == 1`);
        const pending = await query('ALERTS{alertname="MCPHubDown"}');
        const inAlertmanager = (await (await fetch(`http://${am}/api/v2/alerts?filter=alertname%3D%22MCPHubDown%22`)).json()) as unknown[];
        return up.length === 1 && pending.length === 0 && inAlertmanager.length === 0 ? true : undefined;
      },
      30_000,
    );
    return { hub, stopNeo4j: () => closeNow(bolt), webhooks, prometheusUrl, query, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
