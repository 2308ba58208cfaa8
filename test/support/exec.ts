import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for error messages. */
  output: string;
}

type ToolOptions = { cwd?: string; env?: NodeJS.ProcessEnv };

const TOOL_TIMEOUT_MS = 60_000;

const result = (status: number | null, stdout: string, stderr: string): ToolResult => ({ status, stdout, stderr, output: `${stdout}\n${stderr}` });

/** Runs a real tool (promtool, amtool, nginx, ...) and returns what it said. */
export function runTool(command: string, args: string[], options: ToolOptions = {}): ToolResult {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: TOOL_TIMEOUT_MS, ...options });
  if (r.error) throw r.error;
  return result(r.status, r.stdout, r.stderr);
}

/**
 * The same, without blocking the test worker while the tool runs: for runs that take seconds
 * each (`promtool test rules` over days of series), one after the other. A worker blocked for
 * a minute misses vitest's own calls to it ("Timeout calling onTaskUpdate", vitest-dev/vitest#6479).
 */
export function runToolAsync(command: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: "utf8", timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 ** 2, ...options }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve(result(error ? (error.code as number) : 0, stdout, stderr));
    });
  });
}

/** A temporary directory with the given files; removed by the returned cleanup. */
export function tempFiles(files: Record<string, string>): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-test-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
