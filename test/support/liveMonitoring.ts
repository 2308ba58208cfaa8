/**
 * The monitoring pipeline for real on 127.0.0.1: Debian's prometheus, prometheus-alertmanager
 * and prometheus-blackbox-exporter run the files the renderers produce, with every address and
 * interval passed through the renderers' inputs. Around them: a stand-in of the upstream hub
 * behind a real nginx (the client path), stand-ins for Neo4j's Bolt port and Ollama's API (which
 * blackbox probes, and the hub's /health checks), and a webhook receiver.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { durationSeconds } from "../../components/config/primitives";
import { parseStackConfig } from "../../components/config/parse";
import { RUNBOOK_TIMING, pendingFor, renderAlertRules, type AlertTiming } from "../../components/render/alertRules";
import { PAGING_GROUP_WAIT, renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { ollamaTagName, renderBlackboxConfig } from "../../components/render/blackbox";
import { renderPrometheusConfig } from "../../components/render/prometheus";
import { monitoringFiles } from "../../components/workloads/monitoringTargets";
import { SERVICE } from "../../components/workloads/types";
import { HUB_METRICS_CONTRACTS, HUB_PATH } from "../../components/contracts/hub";
import { BoltStandIn } from "./boltStandIn";
import { closeNow, freePort, listenOnLoopback, startDaemon, waitFor, type Daemon } from "./processes";
import { NginxProcess } from "./nginxProcess";
import { UpstreamHubStandIn } from "./upstreamHub";
import { WebhookReceiver } from "./webhookReceiver";

export interface LiveTiming {
  scrapeInterval: string;
  evaluationInterval: string;
  rules: AlertTiming;
  /** The root route's group_wait and group_interval (the paging route has its own group_wait). */
  groupWait: string;
  groupInterval: string;
}

/** Seconds instead of minutes: the same rules, a shorter rate window and scaled `for`. */
export const FAST_TIMING: LiveTiming = {
  scrapeInterval: "1s",
  evaluationInterval: "1s",
  rules: { rateWindow: "10s", pendingScale: 0.05 },
  groupWait: "1s",
  groupInterval: "1s",
};

/** The stack's defaults, as deployed: what the detection benchmark measures. */
export function defaultTiming(): LiveTiming {
  const cfg = parseStackConfig({});
  return {
    scrapeInterval: cfg.prometheus.scrapeInterval,
    evaluationInterval: cfg.prometheus.evaluationInterval,
    rules: RUNBOOK_TIMING,
    groupWait: cfg.alertmanager.groupWait,
    groupInterval: cfg.alertmanager.groupInterval,
  };
}

/**
 * Worst case from a failure to the paging webhook receiving a critical alert: the next scrape
 * (or probe, which also waits for its answer, up to the probe's timeout) sees it, the next
 * evaluation makes the alert pending, it fires at the first evaluation `for` later (evaluations
 * are `evaluation_interval` apart, so `for` rounds up to a whole number of them), Prometheus
 * sends at once, and the paging route waits its group_wait.
 */
export function detectionBoundSeconds(t: LiveTiming, runbookFor: string, probeSeconds = 0): number {
  const s = durationSeconds;
  const evaluation = s(t.evaluationInterval);
  const pending = Math.ceil(s(pendingFor(runbookFor, t.rules)) / evaluation) * evaluation;
  return s(t.scrapeInterval) + probeSeconds + evaluation + pending + s(PAGING_GROUP_WAIT);
}

export interface LiveMonitoring {
  hub: UpstreamHubStandIn;
  bolt: BoltStandIn;
  /** Models the Ollama stand-in lists on /api/tags. */
  ollamaModels: string[];
  webhooks: WebhookReceiver;
  prometheusUrl: string;
  /** Instant query against the running Prometheus. */
  query: (expr: string) => Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop: () => Promise<void>;
}

export async function startLiveMonitoring(timing: LiveTiming): Promise<LiveMonitoring> {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-live-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const cfg = parseStackConfig({});
    const bolt = new BoltStandIn();
    const boltAddress = await bolt.start();
    cleanups.push(() => bolt.stop());
    // Ollama's GET /api/tags: {"models":[{"name":"llama3.2:3b","model":"llama3.2:3b",...}]}.
    const ollamaModels = cfg.ollama.models.map(ollamaTagName);
    const ollama = createHttpServer((req, res) => {
      if (req.url !== "/api/tags") return void res.writeHead(404).end("404 page not found");
      const models = ollamaModels.map((name) => ({ name, model: name, modified_at: "2026-01-01T00:00:00Z", size: 2019393189 }));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ models }));
    });
    const ollamaPort = await listenOnLoopback(ollama);
    cleanups.push(() => closeNow(ollama));
    const hub = await new UpstreamHubStandIn({ neo4j: boltAddress, ollamaUrl: `http://127.0.0.1:${ollamaPort}`, shutdownMs: 1000 }).start();
    const hubAddress = hub.address;
    cleanups.push(() => hub.kill().catch(() => undefined));
    const nginx = await NginxProcess.start({ upstreams: { kind: "static", servers: [{ host: "127.0.0.1", port: hub.port }] } });
    cleanups.push(() => nginx.stop());
    const webhooks = new WebhookReceiver();
    await webhooks.start();
    cleanups.push(() => webhooks.stop());

    const [promPort, amPort, bbPort] = [await freePort(), await freePort(), await freePort()];
    const [prom, am, bb] = [promPort, amPort, bbPort].map((p) => `127.0.0.1:${p}`);
    const files = monitoringFiles(
      {
        hubReplicas: [hubAddress],
        neo4jBolt: boltAddress,
        ollamaUrl: `http://127.0.0.1:${ollamaPort}/api/tags`,
        hubThroughLoadBalancer: `${nginx.url}${HUB_PATH.ready}`,
        blackbox: bb,
        alertmanager: am,
        others: { [SERVICE.prometheus]: [prom], [SERVICE.alertmanager]: [am], [SERVICE.blackbox]: [bb] },
      },
      { containers: [], containerLabel: "name", diskSelector: 'mountpoint="/"', workloadHealth: { kind: "docker", containerSelector: 'name=~"mcp-.+"' } },
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
        groupInterval: timing.groupInterval,
        repeatInterval: "1h",
      }),
    );
    writeFileSync(path.join(dir, "blackbox.yml"), renderBlackboxConfig(cfg.ollama.models));

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
    const calm = ["MCPHubDown", "MCPHubUnreachable", "BlackboxExporterDown"];
    await waitFor(
      "the hub to be scraped, probed through nginx, and no page to be pending",
      async () => {
        const up = await query(`up{job="${files.rules.hubJob}"} == 1`);
        const throughNginx = await query(`probe_success{job="${files.rules.probes!.clientProbeJob}"} == 1`);
        const pending = await query(`ALERTS{alertname=~"${calm.join("|")}"}`);
        const filter = encodeURIComponent(`alertname=~"${calm.join("|")}"`);
        const inAlertmanager = (await (await fetch(`http://${am}/api/v2/alerts?filter=${filter}`)).json()) as unknown[];
        return up.length === 1 && throughNginx.length === 1 && pending.length === 0 && inAlertmanager.length === 0 ? true : undefined;
      },
      // At the default 15 s intervals the first scrapes and probes take up to two intervals.
      Math.max(30_000, 3 * durationSeconds(timing.scrapeInterval) * 1000),
    );
    return { hub, bolt, ollamaModels, webhooks, prometheusUrl, query, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
