/** Runs the real Prometheus tools (Debian's promtool and amtool) on files in a temporary directory. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface ToolResult {
  code: number;
  stdout: string;
  /** stdout and stderr, for failure messages. */
  output: string;
}

export function runTool(binary: string, args: string[], cwd?: string): ToolResult {
  const r = spawnSync(binary, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}

/** A temporary directory holding `files`; call `cleanup()` when done. */
export function tempFiles(files: Record<string, string>): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-monitoring-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
