/**
 * The hub's companion script, run as it runs in the container (`node -e <script>` with its env):
 * it forwards the loopback address the upstream hub's Ollama client always calls to the Ollama
 * service, and keeps the hub's file log and per-request notes under their byte budget.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HUB_SIDECAR_SCRIPT, hubSidecarEnv } from "../../components/workloads/hubSidecar";
import { closeNow, freePort, waitFor } from "../support/processes";

const running: ChildProcess[] = [];
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  for (const s of servers.splice(0)) await closeNow(s);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sidecar(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["-e", HUB_SIDECAR_SCRIPT], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  running.push(child);
  return { child, output: () => output };
}

describe("hub sidecar", () => {
  it("forwards the hub's loopback Ollama address to the Ollama service, and exits 0 on SIGTERM", async () => {
    const ollama = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ models: [{ name: "llama3.2:3b" }], path: req.url })));
    await new Promise<void>((r) => ollama.listen(0, "127.0.0.1", r));
    servers.push(ollama);
    const listen = `127.0.0.1:${await freePort()}`;
    const dir = mkdtempSync(path.join(tmpdir(), "sidecar-"));
    dirs.push(dir);
    const { child, output } = sidecar(hubSidecarEnv({ forwardTo: `127.0.0.1:${(ollama.address() as { port: number }).port}`, listen, prunePaths: [], pruneMaxBytes: 1024, pruneEverySeconds: 1 }));
    await waitFor("the forwarder to listen", async () => (output().includes("forwarding") ? true : undefined), 5000);
    const body = (await (await fetch(`http://${listen}/api/tags`)).json()) as { models: { name: string }[]; path: string };
    expect(body).toEqual({ models: [{ name: "llama3.2:3b" }], path: "/api/tags" });
    const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("closes the connection when Ollama is down, so the hub's call fails as against a stopped Ollama", async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const { output } = sidecar(hubSidecarEnv({ forwardTo: `127.0.0.1:${await freePort()}`, listen, prunePaths: [], pruneMaxBytes: 1024, pruneEverySeconds: 1 }));
    await waitFor("the forwarder to listen", async () => (output().includes("forwarding") ? true : undefined), 5000);
    await expect(fetch(`http://${listen}/api/tags`)).rejects.toThrow();
  });

  it("truncates an appended log over budget in place and drops the oldest notes first", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sidecar-"));
    dirs.push(dir);
    const log = path.join(dir, "mcp-hub.log");
    writeFileSync(log, "x".repeat(5000));
    const notes = path.join(dir, "vault", "MCP Logs");
    mkdirSync(notes, { recursive: true });
    for (let i = 0; i < 5; i++) {
      const note = path.join(notes, `note-${i}.md`);
      writeFileSync(note, "y".repeat(1000));
      utimesSync(note, 1_700_000_000 + i, 1_700_000_000 + i);
    }
    sidecar(hubSidecarEnv({ listen: "127.0.0.1:0", prunePaths: [log, notes], pruneMaxBytes: 2500, pruneEverySeconds: 1 }));
    await waitFor("pruning", async () => (statSync(log).size === 0 && readdirSync(notes).length === 2 ? true : undefined), 5000);
    expect(readdirSync(notes).sort()).toEqual(["note-3.md", "note-4.md"]);
  });

  it("empties a day's note file in place when it alone is over budget", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sidecar-"));
    dirs.push(dir);
    const today = path.join(dir, "2026-12-01.md");
    writeFileSync(today, "z".repeat(4000));
    sidecar(hubSidecarEnv({ listen: "127.0.0.1:0", prunePaths: [dir], pruneMaxBytes: 2500, pruneEverySeconds: 1 }));
    await waitFor("truncation", async () => (statSync(today).size === 0 ? true : undefined), 5000);
    expect(readdirSync(dir)).toEqual(["2026-12-01.md"]);
  });
});
