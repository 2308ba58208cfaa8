/**
 * Real daemons (prometheus, alertmanager, blackbox_exporter) on 127.0.0.1 for tests and the
 * bench: free ports, readiness by HTTP, and a stop that always reaps the process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Server as HttpServer } from "node:http";
import { createServer, type Server as TcpServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

export interface Daemon {
  name: string;
  process: ChildProcess;
  /** Everything it printed, for failure messages. */
  log: () => string;
  stop: () => Promise<void>;
}

export async function startDaemon(name: string, binary: string, args: string[], readyUrl: string): Promise<Daemon> {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  // If the test process itself dies, take the daemon with it.
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      process.removeListener("exit", reap);
      resolve();
    }),
  );
  const daemon: Daemon = {
    name,
    process: child,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
        if (!killed) child.kill("SIGKILL");
      }
      await exited;
    },
  };
  try {
    await waitFor(
      `${name} at ${readyUrl}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
        return (await fetch(readyUrl)).ok ? true : undefined;
      },
      20_000,
    );
  } catch (error) {
    await daemon.stop();
    throw new Error(`${String(error)}\n${output}`);
  }
  return daemon;
}

/** Closes a server at once: open keep-alive connections are cut too, as a crashed process would. */
export async function closeNow(server: HttpServer | TcpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if ("closeAllConnections" in server) server.closeAllConnections();
  await closed;
}

/** Listens on 127.0.0.1 at a free port; returns the port. */
export async function listenOnLoopback(server: HttpServer | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}
