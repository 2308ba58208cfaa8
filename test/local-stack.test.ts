/**
 * `npm run up` / `npm run down` wiring, with the Pulumi CLI and the workspace replaced by
 * recorders (no CLI can be downloaded here): state and passphrase stay in the project, the
 * pinned CLI is installed only when none is found, and the same program runs as `pulumi up`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PASSPHRASE_FILE, PULUMI_CLI_VERSION } from "../scripts/lib/localStack";
import { runStack, type StackDeps } from "../scripts/stack";

let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(path.join(tmpdir(), "mcp-up-"));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

const CLI = { command: "pulumi" } as PulumiCommand;

function recorder(opts: { cliOnPath: boolean; env?: NodeJS.ProcessEnv; failUp?: boolean }) {
  const calls: { get: unknown[]; install: unknown[]; stacks: unknown[]; ops: string[] } = { get: [], install: [], stacks: [], ops: [] };
  let out = "";
  const deps: StackDeps = {
    env: opts.env ?? {},
    write: (t) => {
      out += t;
    },
    finder: {
      async get(o) {
        calls.get.push(o ?? null);
        if (!o && opts.cliOnPath) return CLI;
        throw new Error("no pulumi");
      },
      async install(o) {
        calls.install.push(o);
        return CLI;
      },
    },
    async createOrSelectStack(args, o) {
      calls.stacks.push({ args, envVars: o.envVars, cli: o.pulumiCommand });
      return {
        async up() {
          calls.ops.push("up");
          if (opts.failUp) throw new Error("docker daemon unreachable");
          return { outputs: { loadBalancerUrl: { value: "http://127.0.0.1:3000", secret: false }, neo4jPassword: { value: "s3cr3t", secret: true } } } as any;
        },
        async destroy() {
          calls.ops.push("destroy");
          return {} as any;
        },
      };
    },
  };
  return { deps, calls, output: () => out };
}

describe("npm run up", () => {
  it("runs the project's program as the dev stack with a file backend inside the project", async () => {
    const r = recorder({ cliOnPath: true, env: { PULUMI_CONFIG_PASSPHRASE: "from-env" } });
    expect(await runStack("up", workDir, r.deps)).toBe(0);
    expect(r.calls.stacks).toEqual([
      {
        args: { stackName: "dev", workDir },
        envVars: { PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi")}`, PULUMI_CONFIG_PASSPHRASE: "from-env" },
        cli: CLI,
      },
    ]);
    expect(r.calls.ops).toEqual(["up"]);
    expect(r.calls.install).toEqual([]);
  });

  it("prints outputs but never a secret one", async () => {
    const r = recorder({ cliOnPath: true });
    await runStack("up", workDir, r.deps);
    expect(r.output()).toContain("loadBalancerUrl: http://127.0.0.1:3000");
    expect(r.output()).not.toContain("s3cr3t");
  });

  it("generates a passphrase once, owner-only, and reuses it", async () => {
    const first = recorder({ cliOnPath: true });
    await runStack("up", workDir, first.deps);
    const file = path.join(workDir, PASSPHRASE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const passphrase = readFileSync(file, "utf8").trim();
    expect(passphrase.length).toBeGreaterThanOrEqual(32);
    const second = recorder({ cliOnPath: true });
    await runStack("down", workDir, second.deps);
    expect((second.calls.stacks[0] as any).envVars.PULUMI_CONFIG_PASSPHRASE).toBe(passphrase);
    expect(second.calls.ops).toEqual(["destroy"]);
  });

  it("installs the pinned CLI into the project when none is found", async () => {
    const r = recorder({ cliOnPath: false });
    await runStack("up", workDir, r.deps);
    expect(r.calls.install).toHaveLength(1);
    const install = r.calls.install[0] as { root: string; version: { version: string } };
    expect(install.root).toBe(path.join(workDir, ".pulumi-cli"));
    expect(install.version.version).toBe(PULUMI_CLI_VERSION);
    expect(r.output()).toContain(`installing ${PULUMI_CLI_VERSION}`);
  });

  it("passes a failed deployment on as an error", async () => {
    const r = recorder({ cliOnPath: true, failUp: true });
    await expect(runStack("up", workDir, r.deps)).rejects.toThrow("docker daemon unreachable");
  });

  it("refuses an unknown action", async () => {
    const r = recorder({ cliOnPath: true });
    expect(await runStack("deploy", workDir, r.deps)).toBe(2);
    expect(r.calls.stacks).toEqual([]);
  });

  it("pins the CLI to the SDK the project installs", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(PULUMI_CLI_VERSION);
  });
});
