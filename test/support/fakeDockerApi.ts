/**
 * A stand-in for dockerd's Engine API on a unix socket: it records every call and answers the
 * ones the backup makes the way dockerd does (Docker Engine API v1.47 reference): `/_ping` with
 * the API-Version header the CLI negotiates from, 201 + {Id} for container and exec create, 409
 * Conflict for a container name in use, 404 {"message":"No such container: X"} for an unknown
 * container or volume, 204 for start/stop/delete, hijacked streams (101 UPGRADED, then stdout in
 * the multiplexed framing of a non-TTY container: 8-byte header [stream, 0, 0, 0, size BE32])
 * for attach and exec start, wait's headers at once and {"StatusCode":0} once the container has run (a one-off
 * container with a command of its own exits at start, and `--rm` removes it then) and
 * {"ExitCode":0} for exec inspect.
 * Anything else: 404 {"message":"page not found"}, as dockerd's router answers.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { Duplex } from "node:stream";

export const FAKE_API_VERSION = "1.47";

export interface RecordedCall {
  method: string;
  url: string;
  body: string;
}

interface Container {
  id: string;
  name: string;
  image: string;
  running: boolean;
  /** A container with a command of its own (neo4j-admin, aws) exits as soon as it starts; the image's server keeps running. */
  exitsAtStart: boolean;
  autoRemove: boolean;
  started: boolean;
  waiters: (() => void)[];
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json", "Api-Version": FAKE_API_VERSION });
  res.end(body === undefined ? "" : JSON.stringify(body));
};
const id = () => randomBytes(32).toString("hex");

/** One stdout frame of Docker's multiplexed stream. */
function stdoutFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export class FakeDockerApi {
  readonly calls: RecordedCall[] = [];
  private readonly containers = new Map<string, Container>();
  private readonly volumes = new Set<string>();
  private readonly execs = new Map<string, string>();
  private readonly server: http.Server;
  private readonly hijacked = new Set<Duplex>();

  constructor(
    private readonly images: string[],
    running: { name: string; image: string }[],
  ) {
    for (const c of running) Object.assign(this.add(c.name, c.image, { exitsAtStart: false, autoRemove: false }), { running: true, started: true });
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString("utf8")));
      req.on("end", () => {
        this.calls.push({ method: req.method ?? "", url: req.url ?? "", body });
        this.answer(req.method ?? "", new URL(req.url ?? "/", "http://docker"), body, res);
      });
    });
    this.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex) => this.hijack(req, socket));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve) => this.server.listen(socketPath, resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    // Upgraded (hijacked) sockets leave the server's books: closeAllConnections does not see them.
    for (const socket of this.hijacked) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  private add(name: string, image: string, o: { exitsAtStart: boolean; autoRemove: boolean }): Container {
    const c: Container = { id: id(), name, image, running: false, started: false, waiters: [], ...o };
    this.containers.set(c.id, c);
    return c;
  }

  /** dockerd resolves a full id, a name, or an unambiguous id prefix. */
  private find(ref: string): Container | undefined {
    return [...this.containers.values()].find((c) => c.id === ref || c.name === ref || (ref.length >= 12 && c.id.startsWith(ref)));
  }

  private hijack(req: http.IncomingMessage, socket: Duplex): void {
    // The client may close its end first (the CLI does once it has read the stream).
    socket.on("error", () => undefined);
    this.hijacked.add(socket);
    socket.on("close", () => this.hijacked.delete(socket));
    this.calls.push({ method: req.method ?? "", url: req.url ?? "", body: "" });
    const url = new URL(req.url ?? "/", "http://docker");
    const m = url.pathname.match(/^\/v1\.\d+\/(containers|exec)\/([^/]+)\/(attach|start)$/);
    const known = m && (m[1] === "exec" ? this.execs.has(m[2]) : this.find(m[2]));
    if (!known) {
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 34\r\n\r\n{"message":"No such container: x"}`);
      return;
    }
    socket.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    const answer = () => void socket.end(stdoutFrame(m![1] === "exec" ? "nodes\n42\n" : "done\n"));
    if (url.searchParams.get("stdin") !== "1") return answer();
    // Attached stdin (docker run --interactive): like dockerd, read the client's input to its end
    // before the stream closes; closing with unread input would reset the connection.
    socket.resume();
    const done = setTimeout(answer, 2000);
    socket.once("end", () => {
      clearTimeout(done);
      answer();
    });
  }

  private answer(method: string, url: URL, body: string, res: http.ServerResponse): void {
    const path = url.pathname;
    if (path === "/_ping") {
      res.writeHead(200, { "Api-Version": FAKE_API_VERSION, Ostype: "linux", "Docker-Experimental": "false", "Content-Type": "text/plain" });
      res.end(method === "HEAD" ? undefined : "OK");
      return;
    }
    const v = path.match(/^\/v1\.\d+(\/.*)$/);
    if (!v) return json(res, 404, { message: "page not found" });
    const p = v[1];
    const nosuch = (ref: string) => json(res, 404, { message: `No such container: ${ref}` });
    if (method === "POST" && p === "/containers/create") {
      const spec = JSON.parse(body || "{}") as { Image?: string; Cmd?: string[] | null; Entrypoint?: string[] | null; HostConfig?: { AutoRemove?: boolean } };
      const name = url.searchParams.get("name") ?? "";
      const taken = name ? this.find(name) : undefined;
      if (taken)
        return json(res, 409, {
          message: `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        });
      if (!spec.Image || !this.images.includes(spec.Image)) return json(res, 404, { message: `No such image: ${spec.Image}` });
      const created = this.add(name || id().slice(0, 12), spec.Image, {
        exitsAtStart: Boolean(spec.Cmd?.length || spec.Entrypoint?.length),
        autoRemove: spec.HostConfig?.AutoRemove ?? false,
      });
      return json(res, 201, { Id: created.id, Warnings: [] });
    }
    const c = p.match(/^\/containers\/([^/]+)(?:\/([a-z]+))?$/);
    if (c) {
      const container = this.find(c[1]);
      if (!container) return nosuch(c[1]);
      switch (`${method} ${c[2] ?? ""}`) {
        case "POST start":
          container.started = true;
          container.running = !container.exitsAtStart;
          json(res, 204, undefined);
          if (container.exitsAtStart) {
            if (container.autoRemove) this.containers.delete(container.id);
            container.waiters.splice(0).forEach((w) => w());
          }
          return;
        case "POST stop":
          container.running = false;
          return json(res, 204, undefined);
        case "POST wait": {
          // dockerd sends the headers at once and the status when the container exits; the
          // client returns from the POST on the headers and starts the container only then.
          res.writeHead(200, { "Content-Type": "application/json", "Api-Version": FAKE_API_VERSION });
          res.flushHeaders();
          const done = () => void res.end(JSON.stringify({ StatusCode: 0, Error: null }));
          if (container.started && !container.running) return done();
          container.waiters.push(done);
          return;
        }
        case "DELETE ":
          this.containers.delete(container.id);
          return json(res, 204, undefined);
        case "GET json":
          return json(res, 200, {
            Id: container.id,
            Name: `/${container.name}`,
            Image: container.image,
            State: { Status: container.running ? "running" : "exited", Running: container.running, ExitCode: 0 },
            Config: { Image: container.image, Tty: false },
            HostConfig: {},
          });
        case "POST exec": {
          if (!container.running) return json(res, 409, { message: `container ${container.id} is not running` });
          const exec = id();
          this.execs.set(exec, container.id);
          return json(res, 201, { Id: exec });
        }
      }
    }
    const e = p.match(/^\/exec\/([^/]+)\/json$/);
    if (e && method === "GET") {
      if (!this.execs.has(e[1])) return json(res, 404, { message: `No such exec instance: ${e[1]}` });
      return json(res, 200, { ID: e[1], Running: false, ExitCode: 0, ContainerID: this.execs.get(e[1]) });
    }
    if (method === "POST" && p === "/volumes/create") {
      const { Name } = JSON.parse(body || "{}") as { Name: string };
      this.volumes.add(Name);
      return json(res, 201, { Name, Driver: "local", Mountpoint: `/var/lib/docker/volumes/${Name}/_data`, Labels: {}, Options: null, Scope: "local" });
    }
    const vol = p.match(/^\/volumes\/([^/]+)$/);
    if (vol && method === "DELETE") {
      if (!this.volumes.delete(vol[1])) return json(res, 404, { message: `get ${vol[1]}: no such volume` });
      return json(res, 204, undefined);
    }
    return json(res, 404, { message: "page not found" });
  }
}
