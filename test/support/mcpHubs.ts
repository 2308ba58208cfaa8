/**
 * Hub replicas as real processes on 127.0.0.1, so a test can hang one (SIGSTOP), crash it
 * (SIGKILL) and start it again on the same port: the MCP SDK hub (mcpHubMain.ts) or the stub hub
 * (stubHubMain.ts, for tool calls that take a set time). Every process is reaped when the test
 * process exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./repo";

const MAIN = { mcp: "mcpHubMain.ts", stub: "stubHubMain.ts" } as const;

export interface McpHubOptions {
  name: string;
  fault?: "503";
  port?: number;
  /** stub only: every answer waits this long. */
  delayMs?: number;
}

export class McpHubProcess {
  private constructor(
    readonly options: McpHubOptions,
    private child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(options: McpHubOptions, kind: keyof typeof MAIN = "mcp"): Promise<McpHubProcess> {
    const main = join(ROOT, "test", "support", MAIN[kind]);
    const child = spawn(process.execPath, ["--import", "tsx", main, JSON.stringify(options)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const reap = () => child.kill("SIGKILL");
    process.once("exit", reap);
    child.once("exit", () => process.removeListener("exit", reap));
    const port = await new Promise<number>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`MCP hub ${options.name} exited (${code}) before listening`)));
      child.stdout!.once("data", (d: Buffer) => resolve((JSON.parse(d.toString("utf8")) as { port: number }).port));
    });
    return new McpHubProcess(options, child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: "SIGSTOP" | "SIGCONT"): void {
    this.child.kill(sig);
  }

  /** Ends the process with `sig` (SIGKILL: a crash) and waits until it is gone. */
  async kill(sig: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGCONT");
    this.child.kill(sig);
    await exited;
  }
}

export async function startMcpHubs(
  count: number,
  options: (k: number) => Partial<McpHubOptions> = () => ({}),
  kind: keyof typeof MAIN = "mcp",
): Promise<McpHubProcess[]> {
  return Promise.all(Array.from({ length: count }, (_, k) => McpHubProcess.start({ name: `hub-${k + 1}`, ...options(k) }, kind)));
}
