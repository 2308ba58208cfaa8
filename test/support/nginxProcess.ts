/**
 * Real nginx on 127.0.0.1 for tests and the benchmark: renders a config through the renderer's
 * inputs into a temp dir, starts nginx in the foreground on free ports, and removes everything
 * on stop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNginxConf, type NginxInput } from "../../components/render/nginx";
import { httpRequest } from "./httpClient";
import { clientTokensFile } from "../../components/render/nginxAuth";
import { prepareNginxPrefix, TEST_CLIENT_TOKENS } from "./nginxPrefix";

/** Inputs a test leaves to the defaults: ports, bind address and run dir are filled in per run. */
export type NginxOverrides = Partial<Omit<NginxInput, "listenPort" | "statusPort" | "bindAddress" | "runDir">> &
  Pick<NginxInput, "upstreams">;

export const TEST_NGINX_DEFAULTS: Omit<NginxInput, "listenPort" | "statusPort" | "runDir" | "upstreams"> = {
  bindAddress: "127.0.0.1",
  workerProcesses: 2,
  workerConnections: 1024,
  keepalive: 32,
  keepaliveTimeout: "1s",
  maxFails: 1,
  failTimeout: "30s",
  connectTimeout: "2s",
  readTimeout: "60s",
  sendTimeout: "60s",
  healthTimeout: "5s",
  sessionStartTimeout: "5s",
  clientMaxBodySize: "1m",
};

/** nginx logs requests to /dev/stdout, which it cannot open on a pipe (a socket): a file takes its place. */
const ACCESS_LOG = "access.log";
/** With auth, the tokens file (TEST_CLIENT_TOKENS) in the run dir takes the place of the stack's secret file. */
const CLIENT_TOKENS = "client-tokens";

/** The header a client sends its test token in. */
export function bearer(client = Object.keys(TEST_CLIENT_TOKENS)[0]): Record<string, string> {
  return { Authorization: `Bearer ${TEST_CLIENT_TOKENS[client]}` };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A temp dir nginx's workers (which drop root to `nobody`) can enter. */
function runDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lb-nginx-"));
  chmodSync(dir, 0o755);
  return dir;
}

export class NginxProcess {
  stderr = "";
  private constructor(
    readonly input: NginxInput,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString("utf8")));
  }

  /** `edit` changes the rendered text before nginx reads it (the benchmark's round-robin baseline). */
  static async start(overrides: NginxOverrides, edit: (conf: string) => string = (c) => c): Promise<NginxProcess> {
    const dir = runDir();
    const input: NginxInput = {
      ...TEST_NGINX_DEFAULTS,
      ...overrides,
      listenPort: await freePort(),
      statusPort: await freePort(),
      runDir: dir,
      ...(overrides.auth ? { auth: { ...overrides.auth, tokensFile: join(dir, CLIENT_TOKENS) } } : {}),
    };
    if (input.auth) writeFileSync(join(dir, CLIENT_TOKENS), clientTokensFile(TEST_CLIENT_TOKENS));
    writeFileSync(join(dir, "nginx.conf"), edit(renderNginxConf(input)));
    prepareNginxPrefix(dir);
    const accessLog = openSync(join(dir, ACCESS_LOG), "w");
    const child = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"], {
      stdio: ["ignore", accessLog, "pipe"],
    });
    closeSync(accessLog);
    const nginx = new NginxProcess(input, dir, child);
    await nginx.waitReady();
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.input.listenPort}`;
  }

  get statusUrl(): string {
    return `http://127.0.0.1:${this.input.statusPort}`;
  }

  /** Parsed access-log entries so far (each line must be one JSON object). */
  entries(): Record<string, unknown>[] {
    const lines = readFileSync(join(this.dir, ACCESS_LOG), "utf8").split("\n").filter(Boolean);
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  private async waitReady(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (this.child.exitCode !== null) throw new Error(`nginx exited (${this.child.exitCode}): ${this.stderr}`);
      try {
        if ((await httpRequest(`${this.statusUrl}/healthz`, { timeoutMs: 1000 })).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    throw new Error(`nginx did not start: ${this.stderr}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
