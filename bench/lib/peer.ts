/**
 * nginx (the stack's rendered config) against its peer HAProxy 2.6 (bench/lib/haproxy.ts) over the
 * same hub processes in the same run: healthy throughput and latency, MCP session success with the
 * official SDK client, and a fault table. Also nginx variants, to show what costs it throughput.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { httpRequest, runLoad, toolCall } from "../../test/support/httpClient";
import { startMcpHubs, type McpHubOptions, type McpHubProcess } from "../../test/support/mcpHubs";
import { NginxProcess } from "../../test/support/nginxProcess";
import { stackNginxSettings, WITHOUT_CLIENT_AUTH } from "../../test/support/stackNginx";
import { HaproxyProcess } from "./haproxy";
import type { Measurement } from "./measure";
import { sideBySide } from "./sideBySide";

type Lb = { url: string; stop(): Promise<void> };
type Edit = (conf: string) => string;

async function startBoth(ports: number[], edit?: Edit): Promise<{ nginx: Lb; haproxy: Lb }> {
  const settings = stackNginxSettings(ports, WITHOUT_CLIENT_AUTH);
  return { nginx: await NginxProcess.start(settings, edit), haproxy: await HaproxyProcess.start({ ...settings, bindAddress: "127.0.0.1" }, ports) };
}

const replace = (from: RegExp, to: string): Edit => (conf) => {
  const edited = conf.replace(from, to);
  if (edited === conf) throw new Error(`the rendered config has no ${from}`);
  return edited;
};

/** nginx variants measured against HAProxy: what each change to the shipped config buys. */
const VARIANTS: { name: string; edit?: Edit }[] = [
  { name: "nginx as shipped" },
  { name: "access_log off", edit: replace(/access_log \/dev\/stdout mcp_json;/, "access_log off;") },
  { name: "access_log buffered (64k, flush 1s)", edit: replace(/access_log \/dev\/stdout mcp_json;/, "access_log /dev/stdout mcp_json buffer=64k flush=1s;") },
  { name: "no njs on the request path", edit: replace(/proxy_pass http:\/\/\$mcp_route;/, "proxy_pass http://mcp_hub;") },
];

export interface PeerRow {
  variant: string;
  nginx: Measurement;
  haproxy: Measurement;
}

async function withHubs<T>(count: number, options: (k: number) => Partial<McpHubOptions>, kind: "mcp" | "stub", run: (hubs: McpHubProcess[]) => Promise<T>): Promise<T> {
  const hubs = await startMcpHubs(count, options, kind);
  try {
    return await run(hubs);
  } finally {
    await Promise.all(hubs.map((h) => h.kill()));
  }
}

async function healthy(): Promise<PeerRow[]> {
  return withHubs(3, () => ({}), "stub", async (hubs) => {
    const rows: PeerRow[] = [];
    for (const v of VARIANTS) {
      const { nginx, haproxy } = await startBoth(hubs.map((h) => h.port), v.edit);
      try {
        const { b, c } = await sideBySide(haproxy.url, nginx.url);
        rows.push({ variant: v.name, nginx: c, haproxy: b });
      } finally {
        await nginx.stop();
        await haproxy.stop();
      }
    }
    return rows;
  });
}

export interface SessionResult {
  sessions: number;
  calls: number;
  ok: number;
}

/** 20 SDK clients, 5 tool calls each: a call succeeds when answered, by the session's replica. */
async function sessionRun(url: string): Promise<SessionResult> {
  const result = { sessions: 20, calls: 20 * 5, ok: 0 };
  await Promise.all(
    Array.from({ length: result.sessions }, async () => {
      const client = new Client({ name: "bench", version: "1.0.0" });
      const answers: string[] = [];
      try {
        await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
        for (let k = 0; k < 5; k++) {
          const r = await client.callTool({ name: "whoami", arguments: {} }).catch(() => undefined);
          if (r) answers.push((r.content as { text: string }[])[0].text);
        }
      } catch {
        // The session could not start: its calls count as failed.
      } finally {
        await client.close().catch(() => undefined);
      }
      result.ok += answers.filter((a) => a === answers[0]).length;
    }),
  );
  return result;
}

async function sessions(): Promise<{ nginx: SessionResult; haproxy: SessionResult }> {
  return withHubs(3, () => ({}), "mcp", async (hubs) => {
    const { nginx, haproxy } = await startBoth(hubs.map((h) => h.port));
    try {
      return { nginx: await sessionRun(nginx.url), haproxy: await sessionRun(haproxy.url) };
    } finally {
      await nginx.stop();
      await haproxy.stop();
    }
  });
}

export interface FaultResult {
  total: number;
  failed: number;
  /** Requests that took over 1 s (met a hung replica). */
  slow: number;
  /** From the fault to the last request that failed or was slow; 0 when none was. */
  ejectMs: number;
}

interface Fault {
  name: string;
  kind: "mcp" | "stub";
  hub: (k: number) => Partial<McpHubOptions>;
  request: (url: string, k: number) => Promise<number>;
  inject: (victim: McpHubProcess) => void | Promise<void>;
}

const TOTAL = 2000;
const CONCURRENCY = 20;
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1.0.0" } },
});
const status = (p: Promise<{ status: number }>) => p.then((r) => r.status, () => 0);
const getLive = (url: string) => status(httpRequest(`${url}/health/live`, { timeoutMs: 30_000 }));
const postInitialize = (url: string) =>
  status(httpRequest(`${url}/mcp`, { method: "POST", body: INITIALIZE, headers: { accept: "application/json, text/event-stream" }, timeoutMs: 30_000 }));

const FAULTS: Fault[] = [
  { name: "one replica answers 503 (GET)", kind: "mcp", hub: () => ({}), request: getLive, inject: () => undefined },
  { name: "one replica answers 503 (POST initialize)", kind: "mcp", hub: () => ({}), request: postInitialize, inject: () => undefined },
  { name: "one replica hung, SIGSTOP (GET)", kind: "mcp", hub: () => ({}), request: getLive, inject: (v) => v.signal("SIGSTOP") },
  { name: "kill -9 (GET)", kind: "mcp", hub: () => ({}), request: getLive, inject: (v) => v.kill("SIGKILL") },
  {
    name: "kill -9 with tool calls in flight (POST, 20 ms each)",
    kind: "stub",
    hub: () => ({ delayMs: 20 }),
    request: (url, k) => status(toolCall(url, `bench-${k}`, { timeoutMs: 30_000 })),
    inject: (v) => v.kill("SIGKILL"),
  },
];
// The 503 replica answers 503 from its start: no injection needed.
FAULTS[0].hub = FAULTS[1].hub = (k) => (k === 1 ? { fault: "503" } : {});

async function faultRun(f: Fault, which: "nginx" | "haproxy"): Promise<FaultResult> {
  return withHubs(3, f.hub, f.kind, async (hubs) => {
    const both = await startBoth(hubs.map((h) => h.port));
    const lb = both[which];
    await (which === "nginx" ? both.haproxy : both.nginx).stop();
    try {
      let faultAt = 0;
      const affected: number[] = [];
      let failed = 0;
      let slow = 0;
      await runLoad(
        TOTAL,
        CONCURRENCY,
        async (k) => {
          const t0 = performance.now();
          const s = await f.request(lb.url, k);
          const t1 = performance.now();
          if (s !== 200) failed++;
          if (t1 - t0 > 1000) slow++;
          if (faultAt && (s !== 200 || t1 - t0 > 1000)) affected.push(t1);
        },
        (_, k) => {
          if (!faultAt && k >= TOTAL / 4) {
            faultAt = performance.now();
            void f.inject(hubs[1]);
          }
        },
      );
      return { total: TOTAL, failed, slow, ejectMs: affected.length ? Math.round(Math.max(...affected) - faultAt) : 0 };
    } finally {
      await lb.stop();
    }
  });
}

export interface PeerReport {
  load: string;
  healthy: PeerRow[];
  sessions: { nginx: SessionResult; haproxy: SessionResult };
  faults: { name: string; nginx: FaultResult; haproxy: FaultResult }[];
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" / ");

export async function peerComparison(): Promise<PeerReport> {
  const before = load();
  const healthyRows = await healthy();
  const sessionResults = await sessions();
  const faults = [];
  for (const f of FAULTS) faults.push({ name: f.name, nginx: await faultRun(f, "nginx"), haproxy: await faultRun(f, "haproxy") });
  return { load: `load average (1/5/15 min) ${before} before, ${load()} after`, healthy: healthyRows, sessions: sessionResults, faults };
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
const tableOf = (header: string[], rows: string[][]) => [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? "1.00" : "inf") : fmt(a / b, 2));

export function peerTables(r: PeerReport): string {
  const healthyTable = tableOf(
    ["nginx variant", "req/s nginx / HAProxy", "ratio", "p50 ms", "ratio", "p99 ms", "ratio", "errors"],
    r.healthy.map((h) => [
      h.variant,
      `${fmt(h.nginx.requestsPerSecond, 0)} / ${fmt(h.haproxy.requestsPerSecond, 0)}`,
      ratio(h.nginx.requestsPerSecond, h.haproxy.requestsPerSecond),
      `${fmt(h.nginx.p50Ms)} / ${fmt(h.haproxy.p50Ms)}`,
      ratio(h.nginx.p50Ms, h.haproxy.p50Ms),
      `${fmt(h.nginx.p99Ms)} / ${fmt(h.haproxy.p99Ms)}`,
      ratio(h.nginx.p99Ms, h.haproxy.p99Ms),
      `${h.nginx.errors} / ${h.haproxy.errors}`,
    ]),
  );
  const s = r.sessions;
  const sessionTable = tableOf(
    ["MCP sessions (SDK client)", "nginx", "HAProxy", "ratio"],
    [["tool calls answered by their session's replica", `${s.nginx.ok} / ${s.nginx.calls}`, `${s.haproxy.ok} / ${s.haproxy.calls}`, ratio(s.nginx.ok, s.haproxy.ok)]],
  );
  const faultTable = tableOf(
    ["fault", "failed nginx / HAProxy", "slow (>1 s) nginx / HAProxy", "last affected after fault, ms nginx / HAProxy"],
    r.faults.map((f) => [
      `${f.name}, ${f.nginx.total} requests`,
      `${f.nginx.failed} / ${f.haproxy.failed}`,
      `${f.nginx.slow} / ${f.haproxy.slow}`,
      `${f.nginx.ejectMs} / ${f.haproxy.ejectMs}`,
    ]),
  );
  return [r.load, "", healthyTable, "", sessionTable, "", faultTable].join("\n");
}
