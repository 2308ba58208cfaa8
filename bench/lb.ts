/**
 * Load-balancer benchmark on 127.0.0.1 (`npm run bench:lb`): real nginx rendered by the stack's
 * renderer in front of stub hubs, each comparison measured side by side in one run and printed
 * as ratios. Figures depend on the machine; the ratios are what to compare between runs.
 *
 * 1. Through the load balancer (3 hubs) vs straight to one hub, 64 connections.
 * 2. least_conn vs round-robin when one of 3 hubs is 10x slower (each hub works on 4 requests
 *    at a time, so a hub given more than it can take queues them).
 * 3. Upstream keepalive on vs off.
 * 4. nginx against HAProxy (bench/lib/peer.ts): healthy, MCP sessions, faults.
 * `BENCH_ONLY=peer` runs only the last.
 */
import { cpus } from "node:os";
import { parseStackConfig } from "../components/config";
import { NginxProcess } from "../test/support/nginxProcess";
import type { StubHubOptions } from "../test/support/stubHub";
import { startHubProcesses } from "./lib/hubProcesses";
import type { Measurement } from "./lib/measure";
import { stackNginxSettings, WITHOUT_CLIENT_AUTH } from "../test/support/stackNginx";
import { peerComparison, peerTables } from "./lib/peer";
import { CONNECTIONS, DURATION_MS, ROUNDS, sideBySide, type Row } from "./lib/sideBySide";

const FAST_MS = 2;
const HUB_WORKERS = 4;

/** The round-robin baseline: the same config without `least_conn` (nginx's default then). */
function roundRobin(conf: string): string {
  const edited = conf.replace(/^\s*least_conn;\n/m, "");
  if (edited === conf) throw new Error("the rendered config has no least_conn line to remove");
  return edited;
}

async function startNginx(ports: number[], overrides: { keepalive?: number } = {}, edit?: (conf: string) => string) {
  return NginxProcess.start({ ...stackNginxSettings(ports, WITHOUT_CLIENT_AUTH), ...overrides }, edit);
}

/** Runs `compare` against hubs in their own processes and nginx instances started for it, then stops them all. */
async function withHubs(
  hubs: StubHubOptions[],
  nginx: (ports: number[]) => Promise<NginxProcess>[],
  compare: (ports: number[], lbs: NginxProcess[]) => Promise<{ b: Measurement; c: Measurement }>,
) {
  const processes = await startHubProcesses(hubs);
  const lbs = await Promise.all(nginx(processes.ports));
  try {
    return await compare(processes.ports, lbs);
  } finally {
    await Promise.all(lbs.map((lb) => lb.stop()));
    await processes.stop();
  }
}

const plainHubs = () => [0, 1, 2].map((k) => ({ name: `hub-${k}` }));

async function overhead(): Promise<Row> {
  const r = await withHubs(
    plainHubs(),
    (ports) => [startNginx(ports)],
    (ports, [lb]) => sideBySide(`http://127.0.0.1:${ports[0]}`, lb.url),
  );
  return { comparison: "through LB vs direct", baseline: "direct to 1 hub", candidate: "nginx, 3 hubs", ...r };
}

async function slowReplica(): Promise<Row> {
  const delays = [FAST_MS, FAST_MS, FAST_MS * 10];
  const r = await withHubs(
    delays.map((delayMs, k) => ({ name: `hub-${k}`, delayMs, workers: HUB_WORKERS })),
    (ports) => [startNginx(ports, {}, roundRobin), startNginx(ports)],
    (_, [rr, lc]) => sideBySide(rr.url, lc.url),
  );
  return { comparison: "1 of 3 hubs 10x slower", baseline: "round-robin", candidate: "least_conn", ...r };
}

async function keepalive(): Promise<Row> {
  const r = await withHubs(
    plainHubs(),
    (ports) => [startNginx(ports, { keepalive: 0 }), startNginx(ports)],
    (_, [off, on]) => sideBySide(off.url, on.url),
  );
  const pool = parseStackConfig({}).loadBalancer.keepalive;
  return { comparison: "upstream keepalive", baseline: "keepalive off", candidate: `keepalive ${pool}`, ...r };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

function table(rows: Row[]): string {
  const header = ["comparison", "baseline", "candidate", "req/s (b / c)", "ratio", "p50 ms (b / c)", "ratio", "p99 ms (b / c)", "ratio", "errors"];
  const body = rows.map((r) => [
    r.comparison,
    r.baseline,
    r.candidate,
    `${fmt(r.b.requestsPerSecond, 0)} / ${fmt(r.c.requestsPerSecond, 0)}`,
    fmt(r.c.requestsPerSecond / r.b.requestsPerSecond, 2),
    `${fmt(r.b.p50Ms)} / ${fmt(r.c.p50Ms)}`,
    fmt(r.c.p50Ms / r.b.p50Ms, 2),
    `${fmt(r.b.p99Ms)} / ${fmt(r.c.p99Ms)}`,
    fmt(r.c.p99Ms / r.b.p99Ms, 2),
    `${r.b.errors} / ${r.c.errors}`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const rows = process.env.BENCH_ONLY === "peer" ? [] : [await overhead(), await slowReplica(), await keepalive()];
  const cpu = cpus();
  console.log(
    `nginx load balancer on 127.0.0.1: ${CONNECTIONS} connections; baseline and candidate alternate ${ROUNDS} rounds of ${DURATION_MS / 1000} s (after 1 s warm-up each), medians shown`,
  );
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model.trim()}, Node ${process.version}`);
  console.log("ratio = candidate / baseline (c / b)\n");
  console.log(table(rows));
  console.log("\nnginx against HAProxy 2.6 over the same hubs (ratio = nginx / HAProxy)");
  console.log(peerTables(await peerComparison()));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
