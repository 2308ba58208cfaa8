/**
 * A stand-in MCP hub for load-balancer tests and the benchmark: answers `GET /health`, runs
 * `POST /tools/call` (counting executions per call id, so a replayed call shows), echoes the
 * headers it received on `GET /echo`, and can hold, slow down, drain or crash on command.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo, Socket } from "node:net";

export interface StubHubOptions {
  name: string;
  /** Every answer waits this long first (a slow replica). */
  delayMs?: number;
  /**
   * Requests worked on at once (a hub's capacity); more wait their turn, so a slow hub's delay
   * grows with the load it is given. Unlimited when absent.
   */
  workers?: number;
  /** Port to listen on; a free one when absent. */
  port?: number;
}

export class StubHub {
  readonly name: string;
  delayMs: number;
  port = 0;
  /** Requests received, by `METHOD path`. */
  readonly received = new Map<string, number>();
  /** Executions per tool-call id. */
  readonly executions = new Map<string, number>();
  /** TCP connections accepted (keep-alive shows as far fewer connections than requests). */
  connectionsAccepted = 0;
  /** Connections whose peer (nginx) closed them first. */
  connectionsClosedByPeer = 0;
  inFlight = 0;
  private readonly workers: number;
  private busy = 0;
  private readonly queued: (() => void)[] = [];
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  private held: (() => void)[] = [];
  private holding = false;
  private draining = false;

  constructor(options: StubHubOptions) {
    this.name = options.name;
    this.delayMs = options.delayMs ?? 0;
    this.port = options.port ?? 0;
    this.workers = options.workers ?? Infinity;
    this.server = this.createServer();
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on("connection", (socket: Socket) => {
      this.connectionsAccepted++;
      this.sockets.add(socket);
      socket.on("end", () => this.connectionsClosedByPeer++);
      socket.on("close", () => this.sockets.delete(socket));
    });
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  count(what: string): number {
    return this.received.get(what) ?? 0;
  }

  get totalReceived(): number {
    return [...this.received.values()].reduce((a, b) => a + b, 0);
  }

  async start(): Promise<this> {
    if (this.server.listening) return this;
    this.server = this.createServer();
    this.draining = false;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Whether requests that arrive from now on wait for `release()`; those already held keep waiting. */
  hold(on = true): void {
    this.holding = on;
  }

  /** Answer every held request and stop holding new ones. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /**
   * A graceful stop, as a hub does on SIGTERM: stop accepting connections, finish what arrives on
   * the open ones and close each after its answer, and resolve once the last one is closed (idle
   * ones are left for nginx to close, so no request is ever written to a closing connection).
   */
  async stop(): Promise<void> {
    this.draining = true;
    // net.Server's close: http.Server's would also cut idle keep-alive connections.
    await new Promise<void>((resolve) => net.Server.prototype.close.call(this.server, () => resolve()));
  }

  /** A crash: the listener and every connection, in flight or idle, go away at once. */
  async crash(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.held = [];
    this.holding = false;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    const what = `${req.method} ${path}`;
    this.received.set(what, this.count(what) + 1);
    this.inFlight++;
    res.on("close", () => this.inFlight--);
    const body = await readBody(req);
    let answer: unknown;
    if (what === "POST /tools/call") {
      const id = String(JSON.parse(body || "{}").id);
      this.executions.set(id, (this.executions.get(id) ?? 0) + 1);
      answer = { replica: this.name, id };
    } else if (what === "GET /echo") {
      answer = { replica: this.name, headers: req.headers };
    } else {
      answer = { replica: this.name, status: "ok" };
    }
    if (this.delayMs > 0) await this.work();
    if (this.holding) await new Promise<void>((r) => this.held.push(r));
    if (res.destroyed) return;
    if (this.draining) res.setHeader("Connection", "close");
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
  }


  /** Occupy one worker for `delayMs`, after waiting for a free one. */
  private async work(): Promise<void> {
    while (this.busy >= this.workers) await new Promise<void>((r) => this.queued.push(r));
    this.busy++;
    try {
      await new Promise((r) => setTimeout(r, this.delayMs));
    } finally {
      this.busy--;
      this.queued.shift()?.();
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Start `n` hubs on free ports of 127.0.0.1. */
export async function startStubHubs(n: number, delays: number[] = []): Promise<StubHub[]> {
  return Promise.all(Array.from({ length: n }, (_, k) => new StubHub({ name: `hub-${k}`, delayMs: delays[k] }).start()));
}
