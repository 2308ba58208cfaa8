/**
 * Load-balancer benchmark on 127.0.0.1 (`npm run bench:lb`): real nginx rendered by the stack's
 * renderer in front of stub hubs, each comparison measured side by side in one run and printed
 * as ratios. Figures depend on the machine; the ratios are what to compare between runs.
 *
 * 1. Through the load balancer (3 hubs) vs straight to one hub, 64 connections.
 * 2. least_conn vs round-robin when one of 3 hubs is 10x slower (each hub works on 4 requests
 *    at a time, so a hub given more than it can take queues them).
 * 3. Upstream keepalive on vs off.
 */
import { cpus } from "node:os";
import { parseStackConfig } from "../components/config";
import { nginxInput } from "../components/workloads/loadBalancer";
import { NginxProcess } from "../test/support/nginxProcess";
import { startHubProcesses } from "./lib/hubProcesses";
import { measure, type Measurement } from "./lib/measure";

const CONNECTIONS = 64;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const FAST_MS = 2;
const HUB_WORKERS = 4;

/** The stack's default load-balancer settings, as the stack hands them to the renderer. */
function stackDefaults(ports: number[]) {
  const servers = ports.map((port) => ({ host: "127.0.0.1", port }));
  const { listenPort, statusPort, bindAddress, runDir, ...settings } = nginxInput(parseStackConfig({}), { kind: "static", servers });
  return settings;
}

/** The round-robin baseline: the same config without `least_conn` (nginx's default then). */
const roundRobin = (conf: string) => conf.replace(/^\s*least_conn;\n/m, "");

async function withNginx<T>(
  ports: number[],
  overrides: { keepalive?: number },
  edit: ((conf: string) => string) | undefined,
  run: (url: string) => Promise<T>,
): Promise<T> {
  const nginx = await NginxProcess.start({ ...stackDefaults(ports), ...overrides }, edit);
  try {
    return await run(nginx.url);
  } finally {
    await nginx.stop();
  }
}

interface Row {
  comparison: string;
  baseline: string;
  candidate: string;
  b: Measurement;
  c: Measurement;
}

async function overhead(): Promise<Row> {
  const hubs = await startHubProcesses([0, 1, 2].map((k) => ({ name: `hub-${k}` })));
  try {
    const direct = await measure(`http://127.0.0.1:${hubs.ports[0]}`, CONNECTIONS, DURATION_MS);
    const viaLb = await withNginx(hubs.ports, {}, undefined, (url) => measure(url, CONNECTIONS, DURATION_MS));
    return { comparison: "through LB vs direct", baseline: "direct to 1 hub", candidate: "nginx, 3 hubs", b: direct, c: viaLb };
  } finally {
    await hubs.stop();
  }
}

async function slowReplica(): Promise<Row> {
  const delays = [FAST_MS, FAST_MS, FAST_MS * 10];
  const hubs = await startHubProcesses(delays.map((delayMs, k) => ({ name: `hub-${k}`, delayMs, workers: HUB_WORKERS })));
  try {
    const rr = await withNginx(hubs.ports, {}, roundRobin, (url) => measure(url, CONNECTIONS, DURATION_MS));
    const lc = await withNginx(hubs.ports, {}, undefined, (url) => measure(url, CONNECTIONS, DURATION_MS));
    return { comparison: "1 of 3 hubs 10x slower", baseline: "round-robin", candidate: "least_conn", b: rr, c: lc };
  } finally {
    await hubs.stop();
  }
}

async function keepalive(): Promise<Row> {
  const hubs = await startHubProcesses([0, 1, 2].map((k) => ({ name: `hub-${k}` })));
  try {
    const off = await withNginx(hubs.ports, { keepalive: 0 }, undefined, (url) => measure(url, CONNECTIONS, DURATION_MS));
    const on = await withNginx(hubs.ports, {}, undefined, (url) => measure(url, CONNECTIONS, DURATION_MS));
    return { comparison: "upstream keepalive", baseline: "keepalive off", candidate: `keepalive ${stackDefaults(hubs.ports).keepalive}`, b: off, c: on };
  } finally {
    await hubs.stop();
  }
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
  const rows = [await overhead(), await slowReplica(), await keepalive()];
  const cpu = cpus();
  console.log(`nginx load balancer on 127.0.0.1: ${CONNECTIONS} connections, ${DURATION_MS / 1000} s per measurement after 1 s warm-up`);
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model.trim()}, Node ${process.version}`);
  console.log("ratio = candidate / baseline (c / b)\n");
  console.log(table(rows));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
