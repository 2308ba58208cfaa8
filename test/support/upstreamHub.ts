/**
 * A stand-in for the upstream MCP-SUPERSERVER hub (Docker/mcp-hub at the commit pinned in
 * components/contracts/hub.ts) that behaves as the real one was observed to, so probes, alerts,
 * dashboard queries and the load balancer are tested against its behaviour rather than ours.
 * Each fact names the upstream file it comes from. Its expectations are literals from that
 * source, never the project's renderers.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { randomUUID } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

/** src/routes/metrics.js: `buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]`. */
export const UPSTREAM_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
/** src/utils/graceful-shutdown.js: `SHUTDOWN_TIMEOUT = 30000`. */
export const UPSTREAM_SHUTDOWN_MS = 30_000;

export interface UpstreamHubOptions {
  /** host:port of Neo4j: /health runs `RETURN 1` there (src/services/neo4j-client.js checkHealth); here a Bolt handshake. */
  neo4j: string;
  /**
   * Base URL of Ollama: /health lists models there (src/services/ollama-router.js checkHealth).
   * The real hub always calls http://127.0.0.1:11434 whatever its env says; tests pass their own port.
   */
  ollamaUrl: string;
  /** Shutdown limit; the real hub's is 30 s. */
  shutdownMs?: number;
}

interface Observation {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export class UpstreamHubStandIn {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly observations = new Map<string, { labels: Omit<Observation, "seconds">; buckets: number[]; count: number; sum: number }>();
  /** Requests being answered now. */
  inFlight = 0;
  /** Extra time every request of a path takes (a slow hub). */
  readonly delays = new Map<string, number>();
  exited?: Promise<void>;

  constructor(private readonly options: UpstreamHubOptions) {}

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    return this;
  }

  /**
   * src/routes/metrics.js httpMetricsMiddleware: observed on `finish` with
   * `req.route ? req.route.path : req.path`, and routes are router-relative (src/server.js mounts
   * the health and metrics routers): `/`, `/health` and `/metrics` are all `route="/"`.
   */
  static route(path: string): string {
    if (path === "/" || path === "/health" || path === "/metrics") return "/";
    if (path === "/health/live") return "/live";
    if (path === "/health/ready") return "/ready";
    return path;
  }

  private observe(o: Observation): void {
    const key = `${o.method} ${o.route} ${o.status}`;
    const entry = this.observations.get(key) ?? { labels: { method: o.method, route: o.route, status: o.status }, buckets: UPSTREAM_BUCKETS.map(() => 0), count: 0, sum: 0 };
    UPSTREAM_BUCKETS.forEach((le, i) => {
      if (o.seconds <= le) entry.buckets[i]++;
    });
    entry.count++;
    entry.sum += o.seconds;
    this.observations.set(key, entry);
  }

  /** prom-client's text format: the default metrics carry the `mcp_hub_` prefix (collectDefaultMetrics). */
  metricsText(): string {
    const lines = [
      "# HELP mcp_hub_process_cpu_user_seconds_total Total user CPU time spent in seconds.",
      "# TYPE mcp_hub_process_cpu_user_seconds_total counter",
      `mcp_hub_process_cpu_user_seconds_total ${process.cpuUsage().user / 1e6}`,
      "# HELP mcp_hub_http_request_duration_seconds Duration of HTTP requests in seconds",
      "# TYPE mcp_hub_http_request_duration_seconds histogram",
    ];
    for (const { labels, buckets, count, sum } of this.observations.values()) {
      const l = `method="${labels.method}",route="${labels.route}",status_code="${labels.status}"`;
      UPSTREAM_BUCKETS.forEach((le, i) => lines.push(`mcp_hub_http_request_duration_seconds_bucket{le="${le}",${l}} ${buckets[i]}`));
      lines.push(`mcp_hub_http_request_duration_seconds_bucket{le="+Inf",${l}} ${count}`);
      lines.push(`mcp_hub_http_request_duration_seconds_sum{${l}} ${sum}`);
      lines.push(`mcp_hub_http_request_duration_seconds_count{${l}} ${count}`);
    }
    // Declared in src/routes/metrics.js but never incremented: HELP and TYPE only.
    for (const [name, type] of [["mcp_hub_tool_calls_total", "counter"], ["mcp_hub_active_connections", "gauge"]]) {
      lines.push(`# HELP ${name} declared`, `# TYPE ${name} ${type}`);
    }
    return `${lines.join("\n")}\n`;
  }

  /** A Bolt handshake: magic 60 60 B0 17 and a 5.x proposal, answered by a version (not 00 00 00 00). */
  private async neo4jUp(): Promise<boolean> {
    const [host, port] = this.options.neo4j.split(":");
    return new Promise((resolve) => {
      const s = connect(Number(port), host);
      const done = (up: boolean) => (s.destroy(), resolve(up));
      s.setTimeout(2000, () => done(false));
      s.on("connect", () => s.write(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0])));
      s.on("data", (d: Buffer) => done(d.length >= 4 && d.readUInt32BE(0) !== 0));
      s.on("close", () => resolve(false));
      s.on("error", () => resolve(false));
    });
  }

  private async ollamaUp(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = httpRequest(`${this.options.ollamaUrl}/api/tags`, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("timeout", () => (req.destroy(), resolve(false)));
      req.on("error", () => resolve(false));
      req.end();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? "/", "http://hub").pathname;
    this.inFlight++;
    // src/middleware/request-logger.js sets X-Request-ID on every response.
    res.setHeader("X-Request-ID", String(req.headers["x-request-id"] ?? randomUUID()));
    res.on("finish", () => {
      this.inFlight--;
      this.observe({ method: req.method ?? "GET", route: UpstreamHubStandIn.route(path), status: res.statusCode, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
    res.on("close", () => {
      if (!res.writableFinished) this.inFlight--;
    });
    const delay = this.delays.get(path);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    // express 4 routes HEAD to the GET handlers; the histogram keeps `method="HEAD"` (observed).
    const get = req.method === "GET" || req.method === "HEAD";
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    if (get && path === "/") return json(200, { name: "MCP Hub", version: "1.0.0", endpoints: { health: "/health", metrics: "/metrics", mcp: "/mcp/*" } });
    // src/routes/health.js: 200 "healthy" only when both dependencies answer, else 503 "degraded".
    if (get && path === "/health") {
      const [neo4j, ollama] = await Promise.all([this.neo4jUp(), this.ollamaUp()]);
      const status = neo4j && ollama ? "healthy" : "degraded";
      const dep = (up: boolean) => ({ status: up ? "healthy" : "unhealthy" });
      return json(status === "healthy" ? 200 : 503, { status, dependencies: { neo4j: dep(neo4j), ollama: dep(ollama) } });
    }
    if (get && path === "/health/live") return json(200, { status: "alive" });
    if (get && path === "/health/ready") return json(200, { status: "ready" });
    if (get && path === "/metrics") {
      return void res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }).end(this.metricsText());
    }
    // src/middleware/error-handler.js notFoundHandler: `/mcp/*`, `/tools/call` and the rest.
    return json(404, { error: "Not Found", path });
  }

  /**
   * SIGTERM (src/utils/graceful-shutdown.js, server.js): stop listening at once, let in-flight
   * requests finish, exit; whatever still runs after the shutdown limit is cut.
   */
  terminate(): Promise<void> {
    const server = this.server!;
    const limit = this.options.shutdownMs ?? UPSTREAM_SHUTDOWN_MS;
    this.exited = new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        for (const s of this.sockets) s.destroy();
        resolve();
      }, limit);
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
    return this.exited;
  }

  /** A crash (kill -9): every connection goes at once. */
  async kill(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/**
 * Client traffic as a CLI would send it to the real hub at the pinned commit, which has no MCP
 * route yet: the info page, and the deep health check (503 while a dependency is down).
 * One request in `1 / errorShare` goes to /health; at most `seconds` long, or until stopped.
 */
export function driveTraffic(baseUrl: string, o: { perSecond: number; seconds: number; errorShare: number }) {
  const statuses: Record<number, number> = {};
  let stopped = false;
  const every = o.errorShare > 0 ? Math.max(1, Math.round(1 / o.errorShare)) : Infinity;
  const done = (async () => {
    const end = Date.now() + o.seconds * 1000;
    for (let i = 0; !stopped && Date.now() < end; i++) {
      const res = await fetch(`${baseUrl}${i % every === 0 ? "/health" : "/"}`).catch(() => undefined);
      if (res) {
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        await res.arrayBuffer();
      }
      await new Promise((r) => setTimeout(r, 1000 / o.perSecond));
    }
    return statuses;
  })();
  return {
    statuses,
    done,
    stop: async () => {
      stopped = true;
      return done;
    },
  };
}
