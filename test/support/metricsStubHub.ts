/**
 * A stand-in for the MCP hub that serves only its metrics contract (the load-balancer tests'
 * StubHub serves its tool calls):
 * `mcp_requests_total{server,status}` and `mcp_request_duration_seconds_bucket{server,le}`.
 * Traffic is simulated from the clock, so every scrape sees counters grow at a steady rate;
 * `setErrorRatio` injects 5xx answers for one server.
 */
import { createServer, type Server } from "node:http";
import { closeNow } from "./processes";

const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Every simulated request takes 50 ms: well under the latency alerts. */
const LATENCY_SECONDS = 0.05;

interface ServerCounters {
  ok: number;
  errors: number;
  errorRatio: number;
}

export class MetricsStubHub {
  private readonly counters = new Map<string, ServerCounters>();
  private lastTick = Date.now();
  private server?: Server;

  constructor(
    servers: string[],
    private readonly requestsPerSecond = 50,
  ) {
    for (const s of servers) this.counters.set(s, { ok: 0, errors: 0, errorRatio: 0 });
  }

  /** Share of requests to `server` answered 5xx from now on. */
  setErrorRatio(server: string, ratio: number): void {
    this.tick();
    this.counters.get(server)!.errorRatio = ratio;
  }

  private tick(): void {
    const now = Date.now();
    const requests = ((now - this.lastTick) / 1000) * this.requestsPerSecond;
    this.lastTick = now;
    for (const c of this.counters.values()) {
      c.errors += requests * c.errorRatio;
      c.ok += requests * (1 - c.errorRatio);
    }
  }

  metrics(): string {
    this.tick();
    const lines = ["# TYPE mcp_requests_total counter"];
    for (const [server, c] of this.counters) {
      lines.push(`mcp_requests_total{server="${server}",status="200"} ${c.ok}`);
      lines.push(`mcp_requests_total{server="${server}",status="500"} ${c.errors}`);
    }
    lines.push("# TYPE mcp_request_duration_seconds histogram");
    for (const [server, c] of this.counters) {
      const total = c.ok + c.errors;
      for (const le of LATENCY_BUCKETS) {
        lines.push(`mcp_request_duration_seconds_bucket{server="${server}",le="${le}"} ${LATENCY_SECONDS <= le ? total : 0}`);
      }
      lines.push(`mcp_request_duration_seconds_bucket{server="${server}",le="+Inf"} ${total}`);
      lines.push(`mcp_request_duration_seconds_sum{server="${server}"} ${total * LATENCY_SECONDS}`);
      lines.push(`mcp_request_duration_seconds_count{server="${server}"} ${total}`);
    }
    return `${lines.join("\n")}\n`;
  }

  /** Listens on 127.0.0.1 (port 0: any free port); returns host:port. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      if (req.url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(this.metrics());
      } else if (req.url === "/health") {
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else if (req.url === "/health/live" || req.url === "/health/ready") {
        // The real hub answers both with 200 and no dependency check.
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    return `127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  /** Stops answering at once, as a crashed hub would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeNow(server);
  }
}
