/**
 * alertmanager.yml as rendered: amtool accepts it, `amtool config routes test` proves where each
 * alert of the rendered rules goes, and a real Alertmanager proves the inhibitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { alertmanagerConfig } from "../../components/workloads/monitoring";
import { kubernetesPrometheusFiles, prometheusFiles } from "../support/stackFiles";
import { freePort, startDaemon, waitFor, type Daemon } from "../support/processes";
import { runTool, tempFiles } from "../support/exec";
import { amtoolCheckConfig } from "../support/validators";

const cfg = parseStackConfig({});
const RECEIVERS = {
  paging: "https://pager.example.com/hook/token-1",
  chat: "https://chat.example.com/hook/token-2",
  watchdog: "https://deadman.example.com/ping/token-3",
};
const dir = tempFiles({
  "with-receivers.yml": alertmanagerConfig(cfg, RECEIVERS),
  "without-receivers.yml": alertmanagerConfig(cfg, {}),
});
afterAll(() => dir.cleanup());

interface RuleFile {
  groups: { rules: { alert?: string; labels: Record<string, string> }[] }[];
}
const rules = (parse(prometheusFiles({ neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" } })["alert-rules.yml"]) as RuleFile).groups
  .flatMap((g) => g.rules)
  .filter((r) => r.alert !== undefined);

/** The receiver each severity must reach; the Watchdog has its own. */
const EXPECTED_RECEIVER: Record<string, string> = { critical: "paging", warning: "chat", none: "watchdog" };
/** Alerts saying a receiver may be failing go to chat and paging both. */
const BOTH = "chat,paging";

function routesTo(labels: Record<string, string>): string {
  const args = ["config", "routes", "test", `--config.file=${dir.file("with-receivers.yml")}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = runTool("amtool", args);
  expect(r.status, r.output).toBe(0);
  return r.stdout.trim();
}

describe("alertmanager.yml", () => {
  it("passes amtool check-config with and without receivers", () => {
    for (const config of [alertmanagerConfig(cfg, RECEIVERS), alertmanagerConfig(cfg, {})]) {
      const r = amtoolCheckConfig(config);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toContain("SUCCESS");
      expect(r.output).toContain("3 receivers");
    }
  });

  it.each(rules.filter((r) => r.alert !== "AlertmanagerFailedToSendAlerts").map((r) => [r.alert!, r.labels] as const))(
    "routes %s by its severity",
    (alert, labels) => {
      expect(routesTo({ alertname: alert, ...labels })).toBe(EXPECTED_RECEIVER[labels.severity]);
    },
  );

  it("routes AlertmanagerFailedToSendAlerts to chat and paging, so a failing receiver does not swallow it", () => {
    expect(routesTo({ alertname: "AlertmanagerFailedToSendAlerts", severity: "critical", integration: "webhook" })).toBe(BOTH);
  });

  it("routes an unlabelled alert to chat and a critical Watchdog still to the watchdog receiver", () => {
    expect(routesTo({ alertname: "SomethingNew" })).toBe("chat");
    expect(routesTo({ alertname: "Watchdog", severity: "critical" })).toBe("watchdog");
  });

  it("--verify.receivers rejects a wrong expectation (the route tests are not vacuous)", () => {
    const r = runTool("amtool", [
      "config",
      "routes",
      "test",
      `--config.file=${dir.file("with-receivers.yml")}`,
      "--verify.receivers=chat",
      "alertname=MCPHubDown",
      "severity=critical",
    ]);
    expect(r.status).not.toBe(0);
  });
});

/** The inhibitions the domains own, written out: source alert, target alerts, labels that must be equal. */
const EXPECTED_INHIBITIONS: [source: string, targets: string[], equal?: string[]][] = [
  ["BlackboxExporterDown", ["TargetDown"], ["job"]],
  ["CriticalDiskSpace", ["LowDiskSpace"], ["instance", "mountpoint"]],
  ["CriticalErrorRate", ["HighErrorRate"], ["job"]],
  ["CriticalMemoryUsage", ["HighMemoryUsage"], ["service", "name", "pod"]],
  ["MCPHubDown", ["HighErrorRate", "CriticalErrorRate", "HighResponseTime", "VeryHighResponseTime", "MCPHubDegraded", "MCPHubMetricsMissing"]],
  ["MCPHubDown", ["TargetDown"], ["job"]],
  ["Neo4jDown", ["MCPHubDegraded"]],
  ["OllamaDown", ["MCPHubDegraded"]],
  ["VeryHighResponseTime", ["HighResponseTime"], ["job"]],
];

describe("inhibit_rules", () => {
  const rendered = (parse(alertmanagerConfig(cfg, {})) as { inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[] }).inhibit_rules;

  it("are the domains' inhibitions, each once", () => {
    const expected = EXPECTED_INHIBITIONS.map(([source, targets, equal]) => ({
      source_matchers: [`alertname="${source}"`],
      target_matchers: [`alertname=~"${targets.join("|")}"`],
      ...(equal ? { equal } : {}),
    }));
    const key = (r: object) => JSON.stringify(r);
    expect(rendered.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it("name only alerts the stacks render, as sources and as targets", () => {
    const docker = (parse(prometheusFiles()["alert-rules.yml"]) as RuleFile).groups.flatMap((g) => g.rules);
    const prod = (parse(kubernetesPrometheusFiles()["alert-rules.yml"]) as RuleFile).groups.flatMap((g) => g.rules);
    for (const [name, stackRules] of [["dev", docker], ["prod", prod]] as const) {
      const alerts = new Set(stackRules.map((r) => r.alert));
      for (const [source, targets] of EXPECTED_INHIBITIONS) for (const a of [source, ...targets]) expect(alerts, `${name}: ${a}`).toContain(a);
    }
  });
});

describe("inhibitions in a real Alertmanager", () => {
  let am: Daemon;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    am = await startDaemon(
      "alertmanager",
      "prometheus-alertmanager",
      [
        `--config.file=${dir.file("without-receivers.yml")}`,
        `--storage.path=${dir.dir}/am-data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      `${url}/-/ready`,
    );
  });
  afterAll(async () => am?.stop());

  const alert = (labels: Record<string, string>) => ({ labels, annotations: {}, startsAt: new Date().toISOString() });

  it("suppresses warnings under their critical pair, and the hub's degraded health under a dependency's outage, nothing else", async () => {
    const sent: Record<string, string>[] = [
      { alertname: "CriticalErrorRate", severity: "critical", job: "mcp-hub" },
      { alertname: "HighErrorRate", severity: "warning", job: "mcp-hub" },
      { alertname: "HighErrorRate", severity: "warning", job: "mcp-hub-canary" },
      { alertname: "VeryHighResponseTime", severity: "critical", job: "mcp-hub" },
      { alertname: "HighResponseTime", severity: "warning", job: "mcp-hub" },
      { alertname: "HighResponseTime", severity: "warning", job: "mcp-hub-canary" },
      { alertname: "Neo4jDown", severity: "critical", job: "probe-neo4j", instance: "neo4j:7687" },
      { alertname: "MCPHubDegraded", severity: "warning", job: "probe-hub-health", instance: "http://mcp-hub-1:3000/health" },
      { alertname: "CriticalMemoryUsage", severity: "critical", service: "neo4j", name: "mcp-neo4j" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "neo4j", name: "mcp-neo4j" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "mcp-hub", name: "mcp-hub-1" },
      { alertname: "CriticalDiskSpace", severity: "critical", instance: "node-exporter:9100", mountpoint: "/data" },
      { alertname: "LowDiskSpace", severity: "warning", instance: "node-exporter:9100", mountpoint: "/data" },
      { alertname: "LowDiskSpace", severity: "warning", instance: "node-exporter:9100", mountpoint: "/" },
    ];
    const post = await fetch(`${url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sent.map(alert)),
    });
    expect(post.ok).toBe(true);
    const suppressed = await waitFor(
      "the inhibitions to apply",
      async () => {
        const got = (await (await fetch(`${url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string } }[];
        const names = got.filter((a) => a.status.state === "suppressed").map((a) => `${a.labels.alertname}/${a.labels.job ?? a.labels.service ?? a.labels.mountpoint}`);
        return got.length === sent.length && names.length >= 5 ? names.sort() : undefined;
      },
      10_000,
    );
    expect(suppressed).toEqual(["HighErrorRate/mcp-hub", "HighMemoryUsage/neo4j", "HighResponseTime/mcp-hub", "LowDiskSpace//data", "MCPHubDegraded/probe-hub-health"]);
  });

  it("lets one replica's CriticalMemoryUsage mute its own warning only, not another replica's (Docker name, Kubernetes pod)", async () => {
    const sent: Record<string, string>[] = [
      { alertname: "CriticalMemoryUsage", severity: "critical", service: "mcp-hub", name: "mcp-hub-1" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "mcp-hub", name: "mcp-hub-1" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "mcp-hub", name: "mcp-hub-2" },
      { alertname: "CriticalMemoryUsage", severity: "critical", service: "mcp-hub", pod: "mcp-hub-7d9f-abcde" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "mcp-hub", pod: "mcp-hub-7d9f-abcde" },
      { alertname: "HighMemoryUsage", severity: "warning", service: "mcp-hub", pod: "mcp-hub-7d9f-fghij" },
    ];
    await fetch(`${url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(sent.map(alert)) });
    const states = await waitFor(
      "the memory inhibition to apply",
      async () => {
        const filter = encodeURIComponent('alertname="HighMemoryUsage"');
        const got = (await (await fetch(`${url}/api/v2/alerts?filter=${filter}&filter=${encodeURIComponent('service="mcp-hub"')}`)).json()) as {
          labels: Record<string, string>;
          status: { state: string };
        }[];
        const mine = got.filter((a) => a.labels.name?.startsWith("mcp-hub-") || a.labels.pod?.startsWith("mcp-hub-"));
        return mine.length === 4 && mine.some((a) => a.status.state === "suppressed")
          ? Object.fromEntries(mine.map((a) => [a.labels.name ?? a.labels.pod, a.status.state]))
          : undefined;
      },
      10_000,
    );
    expect(states).toEqual({
      "mcp-hub-1": "suppressed",
      "mcp-hub-2": "active",
      "mcp-hub-7d9f-abcde": "suppressed",
      "mcp-hub-7d9f-fghij": "active",
    });
  });

  it("lets MCPHubDown suppress the hub's error, latency and down-target alerts only", async () => {
    const sent: Record<string, string>[] = [
      { alertname: "MCPHubDown", severity: "critical", job: "mcp-hub" },
      { alertname: "CriticalErrorRate", severity: "critical", job: "mcp-hub", case: "hub-down" },
      { alertname: "VeryHighResponseTime", severity: "critical", job: "mcp-hub", case: "hub-down" },
      { alertname: "TargetDown", severity: "warning", job: "mcp-hub", instance: "mcp-hub-1:3000" },
      { alertname: "TargetDown", severity: "warning", job: "node-exporter", instance: "node-exporter:9100" },
    ];
    await fetch(`${url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sent.map(alert)),
    });
    const states = await waitFor(
      "MCPHubDown to inhibit",
      async () => {
        const got = (await (await fetch(`${url}/api/v2/alerts?filter=case%3D%22hub-down%22`)).json()) as unknown[];
        const targets = (await (await fetch(`${url}/api/v2/alerts?filter=alertname%3D%22TargetDown%22`)).json()) as {
          labels: Record<string, string>;
          status: { state: string };
        }[];
        const all = [...(got as typeof targets), ...targets];
        return all.length === 4 && all.some((a) => a.status.state === "suppressed")
          ? Object.fromEntries(all.map((a) => [`${a.labels.alertname}/${a.labels.case ?? a.labels.job}`, a.status.state]))
          : undefined;
      },
      10_000,
    );
    expect(states).toEqual({
      "CriticalErrorRate/hub-down": "suppressed",
      "VeryHighResponseTime/hub-down": "suppressed",
      "TargetDown/mcp-hub": "suppressed",
      "TargetDown/node-exporter": "active",
    });
  });
});
