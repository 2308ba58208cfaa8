/**
 * The deep probes in a real blackbox_exporter running the rendered modules: Neo4j must answer a
 * Bolt handshake (a stand-in that answers like Neo4j 5 and refuses like it), Ollama must list
 * every configured model, and the hub must answer through a real nginx. Each shows first what
 * the previous shallow probe (TCP connect, `GET /`) reported for the same broken service.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BLACKBOX_MODULE, renderBlackboxConfig } from "../../components/render/blackbox";
import { HUB_PATH } from "../../components/contracts/hub";
import { BoltStandIn } from "../support/boltStandIn";
import { tempFiles } from "../support/exec";
import { UpstreamHubStandIn } from "../support/upstreamHub";
import { NginxProcess } from "../support/nginxProcess";
import { closeNow, freePort, listenOnLoopback, startDaemon, type Daemon } from "../support/processes";
import { blackboxCheckConfig } from "../support/validators";

const MODELS = ["llama3.2:3b", "nomic-embed-text"];
/** The modules the stack rendered before the deep probes, for the "before" half of each case. */
const SHALLOW = stringify({
  modules: { tcp_connect: { prober: "tcp", timeout: "5s" }, http_root: { prober: "http", timeout: "5s", http: { valid_status_codes: [200] } } },
});

const dir = tempFiles({ "blackbox.yml": renderBlackboxConfig(MODELS), "shallow.yml": SHALLOW });
let deep: Daemon;
let shallow: Daemon;
let deepUrl: string;
let shallowUrl: string;
const servers: (HttpServer | TcpServer)[] = [];

async function listen(server: HttpServer | TcpServer): Promise<string> {
  servers.push(server);
  return `127.0.0.1:${await listenOnLoopback(server)}`;
}

async function blackbox(config: string): Promise<[Daemon, string]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const d = await startDaemon("blackbox_exporter", "prometheus-blackbox-exporter", [`--config.file=${dir.file(config)}`, `--web.listen-address=127.0.0.1:${port}`], `${url}/-/healthy`);
  return [d, url];
}

/** probe_success of one probe, as Prometheus would scrape it. */
async function probe(base: string, module: string, target: string): Promise<number> {
  const text = await (await fetch(`${base}/probe?module=${module}&target=${encodeURIComponent(target)}`)).text();
  const m = /^probe_success (\d)$/m.exec(text);
  if (!m) throw new Error(`no probe_success in:\n${text}`);
  return Number(m[1]);
}

/** Ollama's GET /api/tags body for a list of models (name and model are `name:tag`). */
const tags = (names: string[]) => JSON.stringify({ models: names.map((name) => ({ name, model: name, size: 1 })) });

beforeAll(async () => {
  [deep, deepUrl] = await blackbox("blackbox.yml");
  [shallow, shallowUrl] = await blackbox("shallow.yml");
});
afterAll(async () => {
  await deep?.stop();
  await shallow?.stop();
  for (const s of servers) await closeNow(s);
  dir.cleanup();
});

describe("rendered blackbox modules", () => {
  it("pass blackbox_exporter --config.check", () => {
    const r = blackboxCheckConfig(renderBlackboxConfig(MODELS));
    expect(r.status, r.output).toBe(0);
  });
});

describe("Neo4j Bolt handshake probe", () => {
  const bolt = new BoltStandIn();
  let address: string;
  beforeAll(async () => {
    address = await bolt.start();
  });
  afterAll(async () => bolt.stop());

  it("succeeds against a server answering like Neo4j 5, which negotiated a version", async () => {
    bolt.offline = false;
    const before = bolt.handshakes;
    expect(await probe(deepUrl, BLACKBOX_MODULE.bolt, address)).toBe(1);
    expect(bolt.handshakes).toBe(before + 1);
  });

  it("fails on an open port that speaks no Bolt, which a TCP connect called up", async () => {
    bolt.offline = true;
    expect(await probe(shallowUrl, "tcp_connect", address)).toBe(1);
    expect(await probe(deepUrl, BLACKBOX_MODULE.bolt, address)).toBe(0);
  });

  it("fails on an HTTP server on the Bolt port (it answers, but not 00 00 xx 05)", async () => {
    const http = await listen(createHttpServer((_req, res) => res.writeHead(400).end("bad request")));
    expect(await probe(deepUrl, BLACKBOX_MODULE.bolt, http)).toBe(0);
  });

  it("fails on a Bolt server that speaks only 4.x (answers 00 00 00 00)", async () => {
    const old = await listen(
      createTcpServer((socket) => {
        socket.once("data", () => socket.end(Buffer.alloc(4)));
      }),
    );
    expect(await probe(deepUrl, BLACKBOX_MODULE.bolt, old)).toBe(0);
  });
});

describe("Ollama model list probe", () => {
  let models: string[] = [];
  let address: string;
  beforeAll(async () => {
    address = await listen(
      createHttpServer((req, res) => {
        if (req.url === "/") return void res.writeHead(200).end("Ollama is running");
        if (req.url === "/api/tags") return void res.writeHead(200, { "content-type": "application/json" }).end(tags(models));
        res.writeHead(404).end("404 page not found");
      }),
    );
  });

  it("succeeds when every configured model is listed (a model without a tag is listed as :latest)", async () => {
    models = ["llama3.2:3b", "nomic-embed-text:latest", "qwq:latest"];
    expect(await probe(deepUrl, BLACKBOX_MODULE.ollamaModels, `http://${address}/api/tags`)).toBe(1);
  });

  it("fails when one configured model is missing, which GET / called up", async () => {
    models = ["llama3.2:3b"];
    expect(await probe(shallowUrl, "http_root", `http://${address}/`)).toBe(1);
    expect(await probe(deepUrl, BLACKBOX_MODULE.ollamaModels, `http://${address}/api/tags`)).toBe(0);
  });

  it("does not take another tag of the same model for it", async () => {
    models = ["llama3.2:1b", "nomic-embed-text:latest"];
    expect(await probe(deepUrl, BLACKBOX_MODULE.ollamaModels, `http://${address}/api/tags`)).toBe(0);
  });
});

describe("client-path probe through nginx", () => {
  it("succeeds while a hub answers behind nginx, even with its dependencies down, and fails once none does", async () => {
    // Neo4j and Ollama at addresses nobody serves: the hub is degraded, its readiness still 200.
    const hub = await new UpstreamHubStandIn({ neo4j: "127.0.0.1:1", ollamaUrl: "http://127.0.0.1:1" }).start();
    const nginx = await NginxProcess.start({ upstreams: { kind: "static", servers: [{ host: "127.0.0.1", port: hub.port }] } });
    try {
      const target = `${nginx.url}${HUB_PATH.ready}`;
      expect(await probe(deepUrl, BLACKBOX_MODULE.http, target)).toBe(1);
      await hub.kill();
      // nginx itself still answers (its status port is up): only the client path is broken.
      expect((await fetch(`${nginx.statusUrl}/healthz`)).status).toBe(200);
      expect(await probe(deepUrl, BLACKBOX_MODULE.http, target)).toBe(0);
    } finally {
      await hub.kill().catch(() => undefined);
      await nginx.stop();
    }
  });
});
