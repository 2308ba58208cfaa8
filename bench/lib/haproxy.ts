/**
 * The peer: HAProxy (Debian's 2.6) with the configuration closest to the rendered nginx.conf,
 * over the same hubs, for `npm run bench:lb`. Where the two cannot match, the comment says so.
 * Directives: https://docs.haproxy.org/2.6/configuration.html
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { durationSeconds } from "../../components/config/primitives";
import type { NginxInput } from "../../components/render/nginx";
import { nextUpstreamTries } from "../../components/render/nginxUpstream";
import { httpRequest } from "../../test/support/httpClient";
import { freePort } from "../../test/support/processes";

const ms = (d: string) => `${Math.round(durationSeconds(d) * 1000)}ms`;

/** haproxy.cfg equivalent to the nginx settings `s` (ports and servers from the same inputs). */
export function haproxyConfig(s: Omit<NginxInput, "listenPort" | "statusPort" | "runDir">, port: number, servers: number[]): string {
  const tries = nextUpstreamTries(s.upstreams);
  return [
    "global",
    // As many threads as nginx has workers: the same CPU budget.
    `  nbthread ${s.workerProcesses}`,
    `  maxconn ${s.workerConnections}`,
    "defaults",
    "  mode http",
    // nginx's proxy_connect_timeout / proxy_read_timeout / upstream keepalive_timeout.
    `  timeout connect ${ms(s.connectTimeout)}`,
    `  timeout server ${ms(s.readTimeout)}`,
    `  timeout client ${ms(s.readTimeout)}`,
    `  timeout http-keep-alive ${ms(s.keepaliveTimeout)}`,
    // nginx: proxy_next_upstream error timeout http_502 http_503 http_504, `tries` hubs at most,
    // each try on another hub; POSTs only when no hub received them (below).
    `  retries ${tries - 1}`,
    "  option redispatch 1",
    "  retry-on conn-failure empty-response response-timeout 502 503 504",
    // No access log, as HAProxy runs without a syslog target here (nginx writes one line per request).
    "frontend fe",
    `  bind 127.0.0.1:${port}`,
    "  default_backend hubs",
    "backend hubs",
    "  balance leastconn",
    // Never replay a request with a body once a hub may have received it (nginx's non-idempotent rule).
    "  http-request disable-l7-retry if METH_POST",
    // Session affinity the HAProxy way: the id a hub answers with is remembered in a table
    // (one HAProxy's memory, unlike nginx's signed ids), and later requests follow it.
    "  stick-table type string len 128 size 100k expire 30m",
    "  stick store-response res.hdr(mcp-session-id)",
    "  stick match req.hdr(mcp-session-id)",
    // nginx's keepalive pool to the hubs.
    "  http-reuse always",
    // Passive health like max_fails/fail_timeout: `observe layer7` marks a server down after
    // max_fails errors; HAProxy then needs health checks to bring it back (nginx retries it after
    // fail_timeout), so a check every fail_timeout on /health/live stands in for that.
    ...servers.map(
      (p, k) =>
        `  server hub${k + 1} 127.0.0.1:${p} check inter ${ms(s.failTimeout)} rise 1 fall ${s.maxFails} observe layer7 error-limit ${s.maxFails} on-error mark-down`,
    ),
    "  option httpchk GET /health/live",
    "",
  ].join("\n");
}

export class HaproxyProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(settings: Omit<NginxInput, "listenPort" | "statusPort" | "runDir">, servers: number[]): Promise<HaproxyProcess> {
    const dir = mkdtempSync(join(tmpdir(), "lb-haproxy-"));
    chmodSync(dir, 0o755);
    const port = await freePort();
    writeFileSync(join(dir, "haproxy.cfg"), haproxyConfig(settings, port, servers));
    const child = spawn("haproxy", ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const reap = () => child.kill("SIGKILL");
    process.once("exit", reap);
    child.once("exit", () => process.removeListener("exit", reap));
    const proxy = new HaproxyProcess(port, dir, child);
    for (let k = 0; k < 100; k++) {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
      if (await httpRequest(`${proxy.url}/health/live`, { timeoutMs: 500 }).then(() => true, () => false)) return proxy;
      await new Promise((r) => setTimeout(r, 50));
    }
    await proxy.stop();
    throw new Error(`haproxy did not start: ${stderr}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
