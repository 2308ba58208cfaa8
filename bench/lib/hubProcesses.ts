/** Stub hubs for the benchmark, each in its own process so they do not share the load generator's CPU time. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { StubHubOptions } from "../../test/support/stubHub";

const REPO = join(__dirname, "..", "..");
const MAIN = join(REPO, "test", "support", "stubHubMain.ts");

export interface HubProcesses {
  ports: number[];
  stop(): Promise<void>;
}

function startOne(options: StubHubOptions): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, JSON.stringify(options)], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stub hub ${options.name} exited (${code}) before listening`)));
    child.stdout!.once("data", (d: Buffer) => resolve({ child, port: (JSON.parse(d.toString("utf8")) as { port: number }).port }));
  });
}

export async function startHubProcesses(options: StubHubOptions[]): Promise<HubProcesses> {
  const started = await Promise.all(options.map(startOne));
  return {
    ports: started.map((s) => s.port),
    stop: async () => {
      await Promise.all(
        started.map(({ child }) => {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          return exited;
        }),
      );
    },
  };
}
