/**
 * The real tools from Debian's packages, as validators of rendered files. Each returns the
 * tool's verdict and output so a failing test shows what the tool said.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runTool, tempFiles, type ToolResult } from "./exec";
import { prepareNginxPrefix } from "./nginxPrefix";

/**
 * `nginx -t` with a private prefix, so no system path is read or written. Its output goes to a
 * file: the config logs to /dev/stderr (as containers do), which nginx cannot open on a pipe.
 * `hosts` are upstream names to resolve, as Docker's network would.
 */
export function nginxTest(conf: string, hosts: string[] = []): ToolResult {
  const t = tempFiles({ "nginx.conf": conf, hosts: `127.0.0.1 localhost ${hosts.join(" ")}\n` });
  try {
    mkdirSync(path.join(t.dir, "logs"), { recursive: true });
    prepareNginxPrefix(t.dir);
    const out = openSync(t.file("output"), "w");
    const nginx = ["nginx", "-t", "-p", t.dir, "-c", t.file("nginx.conf"), "-e", t.file("logs/error.log")];
    // Service names (mcp-hub-1, ...) resolve to loopback through a private /etc/hosts, in a
    // mount namespace of this command alone.
    const [command, ...args] = hosts.length
      ? ["unshare", "--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, t.file("hosts"), ...nginx]
      : nginx;
    const r = spawnSync(command, args, { stdio: ["ignore", out, out], timeout: 60_000 });
    closeSync(out);
    if (r.error) throw r.error;
    const output = readFileSync(t.file("output"), "utf8");
    return { status: r.status, stdout: output, stderr: "", output };
  } finally {
    t.cleanup();
  }
}

/** `promtool check config` with the rule files placed where prometheus.yml expects them. */
export function promtoolCheckConfig(config: string, rules: Record<string, string>): ToolResult {
  const t = tempFiles({});
  try {
    let text = config;
    for (const [mountPath, content] of Object.entries(rules)) {
      const local = path.join(t.dir, path.basename(mountPath));
      writeFileSync(local, content);
      text = text.split(mountPath).join(local);
    }
    writeFileSync(t.file("prometheus.yml"), text);
    return runTool("promtool", ["check", "config", t.file("prometheus.yml")]);
  } finally {
    t.cleanup();
  }
}

function checkFile(name: string, content: string, command: string, args: (file: string) => string[]): ToolResult {
  const t = tempFiles({ [name]: content });
  try {
    return runTool(command, args(t.file(name)));
  } finally {
    t.cleanup();
  }
}

export const promtoolCheckRules = (rules: string) => checkFile("rules.yml", rules, "promtool", (f) => ["check", "rules", f]);

export const amtoolCheckConfig = (config: string) => checkFile("alertmanager.yml", config, "amtool", (f) => ["check-config", f]);

export const blackboxCheckConfig = (config: string) =>
  checkFile("blackbox.yml", config, "prometheus-blackbox-exporter", (f) => ["--config.check", `--config.file=${f}`]);

/** `sh -n`: the script parses in a POSIX shell. */
export const shellSyntax = (script: string) => checkFile("script.sh", script, "sh", (f) => ["-n", f]);
