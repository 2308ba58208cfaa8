/**
 * `npm run up` / `down` / `pulumi` wiring, with the Pulumi CLI, the workspace and the machine
 * probes replaced by recorders (no CLI can be downloaded here): state and passphrase stay in
 * the project, the preflight runs before anything is created, user mistakes end in a message.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CommandError, type PulumiCommand } from "@pulumi/pulumi/automation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { PULUMI_CLI_VERSION } from "../../scripts/lib/localStack";
import type { PreflightResult } from "../../scripts/lib/preflight";
import { runStack, type StackDeps } from "../../scripts/stack";

let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(path.join(tmpdir(), "mcp-up-"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) copyFileSync(path.join(ROOT, f), path.join(workDir, f));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

const CLI = { command: "pulumi" } as PulumiCommand;
const URN = (type: string, name: string) => `urn:pulumi:dev::mcp-superserver::mcp-superserver:backup:BackupBucket$${type}::${name}`;
const STATE = {
  resources: [
    { urn: URN("aws:s3/bucket:Bucket", "mcp-backup-bucket"), type: "aws:s3/bucket:Bucket" },
    { urn: URN("aws:s3/bucketVersioning:BucketVersioning", "mcp-backup-versioning"), type: "aws:s3/bucketVersioning:BucketVersioning" },
    { urn: URN("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "mcp-backup-lifecycle"), type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" },
    { urn: "urn:pulumi:dev::mcp-superserver::docker:index/container:Container::mcp-neo4j-container", type: "docker:index/container:Container" },
  ],
};

interface Options {
  cliOnPath?: boolean;
  env?: NodeJS.ProcessEnv;
  failUp?: boolean;
  checks?: PreflightResult;
  confirm?: boolean;
}

function recorder(opts: Options = {}) {
  const calls = { get: [] as unknown[], install: [] as unknown[], stacks: [] as any[], ops: [] as unknown[], cli: [] as string[][], volumes: [] as string[][], cliEnv: [] as unknown[] };
  let out = "";
  const deps: StackDeps = {
    env: opts.env ?? {},
    write: (t) => {
      out += t;
    },
    finder: {
      async get(o) {
        calls.get.push(o ?? null);
        if (!o && (opts.cliOnPath ?? true)) return CLI;
        throw new Error("no pulumi");
      },
      async install(o) {
        calls.install.push(o);
        return CLI;
      },
    },
    async preflight() {
      calls.ops.push("preflight");
      return opts.checks ?? { notes: ["docker: Docker Engine 27.3.1 at unix:///var/run/docker.sock, 4 CPUs, 15.5 GiB of memory"], problems: [] };
    },
    async confirm() {
      return opts.confirm ?? false;
    },
    async runCli(_cli, args, env) {
      calls.cli.push(args);
      calls.cliEnv.push(env);
      return 0;
    },
    async removeVolumes(names) {
      calls.volumes.push(names);
      return 0;
    },
    async createOrSelectStack(args, o) {
      calls.stacks.push({ args, envVars: o.envVars, cli: o.pulumiCommand });
      return {
        async up() {
          calls.ops.push("up");
          if (opts.failUp) throw new (CommandError as any)({ toString: () => "code: 255\nstderr: docker daemon unreachable" });
          return {
            outputs: {
              loadBalancerUrl: { value: "http://127.0.0.1:3000", secret: false },
              grafanaUrl: { value: "http://127.0.0.1:3001", secret: false },
              neo4jPassword: { value: "s3cr3t", secret: true },
              grafanaAdminPassword: { value: "s3cr3t-too", secret: true },
            },
          } as any;
        },
        async destroy(o) {
          calls.ops.push({ destroy: { excludeProtected: o?.excludeProtected ?? false } });
          return {} as any;
        },
        async exportStack() {
          calls.ops.push("exportStack");
          return { version: 3, deployment: STATE };
        },
      };
    },
  };
  return { deps, calls, output: () => out };
}

describe("npm run up", () => {
  it("checks the machine, then runs the project's program as the dev stack with a file backend inside the project", async () => {
    const r = recorder({ env: { PULUMI_CONFIG_PASSPHRASE: "from-env" } });
    expect(await runStack(["up"], workDir, r.deps)).toBe(0);
    expect(r.calls.stacks).toEqual([
      {
        args: { stackName: "dev", workDir },
        envVars: { PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi")}`, PULUMI_CONFIG_PASSPHRASE: "from-env" },
        cli: CLI,
      },
    ]);
    expect(r.calls.ops).toEqual(["preflight", "up"]);
    expect(r.calls.install).toEqual([]);
  });

  it("prints every URL and the command that shows each password, never a password", async () => {
    const r = recorder();
    await runStack(["up"], workDir, r.deps);
    expect(r.output()).toContain("loadBalancerUrl: http://127.0.0.1:3000\ngrafanaUrl: http://127.0.0.1:3001\n");
    expect(r.output()).toContain("neo4jPassword: (secret) npm run pulumi -- stack output neo4jPassword --show-secrets --stack dev\n");
    expect(r.output()).toContain("grafanaAdminPassword: (secret) npm run pulumi -- stack output grafanaAdminPassword --show-secrets --stack dev\n");
    expect(r.output()).not.toContain("s3cr3t");
  });

  it("stops before any resource (and before installing a CLI) when the preflight finds problems", async () => {
    const problem = "cpu: Docker has 2 CPUs and refuses a container limit above that; ollama.resources.limits.cpu is 4 (ollama). Give Docker 4 CPUs";
    const r = recorder({ cliOnPath: false, checks: { notes: [], problems: [problem] } });
    expect(await runStack(["up"], workDir, r.deps)).toBe(1);
    expect(r.calls.stacks).toEqual([]);
    expect(r.calls.install).toEqual([]);
    expect(r.output()).toContain(`Not started, nothing was changed (1 problem):\n  - ${problem}\n`);
  });

  it("generates a passphrase once, owner-only, and reuses it", async () => {
    const first = recorder();
    await runStack(["up"], workDir, first.deps);
    const file = path.join(workDir, ".pulumi-passphrase");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const passphrase = readFileSync(file, "utf8").trim();
    expect(passphrase.length).toBeGreaterThanOrEqual(32);
    const second = recorder();
    await runStack(["down"], workDir, second.deps);
    expect(second.calls.stacks[0].envVars.PULUMI_CONFIG_PASSPHRASE).toBe(passphrase);
  });

  it("installs the pinned CLI into the project when none is found", async () => {
    const r = recorder({ cliOnPath: false });
    await runStack(["up"], workDir, r.deps);
    expect(r.calls.install).toHaveLength(1);
    const install = r.calls.install[0] as { root: string; version: { version: string } };
    expect(install.root).toBe(path.join(workDir, ".pulumi-cli"));
    // The version package.json pins for @pulumi/pulumi.
    expect(install.version.version).toBe("3.248.0");
    expect(r.output()).toContain("installing 3.248.0");
  });

  it("ends a failed deployment with exit 1 and one short line, not the CLI's output a second time", async () => {
    const r = recorder({ failUp: true });
    expect(await runStack(["up"], workDir, r.deps)).toBe(1);
    expect(r.output()).toContain("pulumi up failed; the error is above.");
    expect(r.output()).not.toContain("docker daemon unreachable");
  });

  it("pins the CLI to the SDK the project installs", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(PULUMI_CLI_VERSION);
  });
});

describe("--stack and user mistakes: a message, no stack trace, nothing run", () => {
  it.each([
    [["up", "--stack", "prod"], "Pulumi.prod.yaml targets kubernetes: npm run up and down run Docker stacks on this machine only; deploy it with the Pulumi CLI (docs/prod.md)"],
    [["up", "--stack", "staging"], "Pulumi.staging.yaml: no such stack file; stacks here: dev, prod"],
    [["deploy"], "usage: npm run up [-- --stack <name>]"],
    [["up", "--force"], "unknown option --force"],
    [["down", "--yes"], "--yes only confirms --purge"],
  ])("%j", async (argv, message) => {
    const r = recorder();
    expect(await runStack(argv, workDir, r.deps)).toBeGreaterThan(0);
    expect(r.output()).toContain(message);
    expect(r.calls.stacks).toEqual([]);
  });

  it("honours --stack for another Docker stack file", async () => {
    copyFileSync(path.join(workDir, "Pulumi.dev.yaml"), path.join(workDir, "Pulumi.laptop.yaml"));
    const r = recorder();
    expect(await runStack(["up", "--stack", "laptop"], workDir, r.deps)).toBe(0);
    expect(r.calls.stacks[0].args.stackName).toBe("laptop");
    expect(r.output()).toContain("--show-secrets --stack laptop");
  });

  it("names file and line of a YAML error", async () => {
    writeFileSync(path.join(workDir, "Pulumi.dev.yaml"), "config:\n  mcp-superserver:hub:\n    replicas: 2\n   port: 3\n");
    const r = recorder();
    expect(await runStack(["up"], workDir, r.deps)).toBe(1);
    expect(r.output()).toContain(`${path.join(workDir, "Pulumi.dev.yaml")}:4:1: not valid YAML: All mapping items must start at the same column`);
  });

  it("lists a bad config's problems", async () => {
    writeFileSync(path.join(workDir, "Pulumi.dev.yaml"), "config:\n  mcp-superserver:hub:\n    replicas: 0\n");
    const r = recorder();
    expect(await runStack(["up"], workDir, r.deps)).toBe(1);
    expect(r.output()).toContain("Pulumi.dev.yaml: Invalid stack config (1 problem):\n  mcp-superserver:hub.replicas: 0 is too small; the minimum is 1");
  });
});

describe("npm run down", () => {
  it("keeps the protected backup bucket (and MinIO under it) and the data volumes", async () => {
    const r = recorder();
    expect(await runStack(["down"], workDir, r.deps)).toBe(0);
    expect(r.calls.ops).toEqual([{ destroy: { excludeProtected: true } }]);
    expect(r.calls.volumes).toEqual([]);
    expect(r.output()).toContain("Kept: volumes mcp-neo4j-data, mcp-ollama-models, mcp-backup-objects and the backup bucket in MinIO");
  });

  it("--purge without a confirmation deletes nothing", async () => {
    const r = recorder({ confirm: false });
    expect(await runStack(["down", "--purge"], workDir, r.deps)).toBe(1);
    expect(r.calls.stacks).toEqual([]);
    expect(r.output()).toContain("Nothing was deleted. (Without a terminal, confirm with --yes.)");
  });

  it("--purge --yes deletes containers, bucket, volumes, state and the generated passphrase", async () => {
    const r = recorder();
    await runStack(["up"], workDir, r.deps);
    expect(existsSync(path.join(workDir, ".pulumi-passphrase"))).toBe(true);
    const purge = recorder();
    expect(await runStack(["down", "--purge", "--yes"], workDir, purge.deps)).toBe(0);
    expect(purge.calls.ops).toEqual([{ destroy: { excludeProtected: true } }, "exportStack", { destroy: { excludeProtected: false } }]);
    const tail = ["--force", "--stack", "dev", "--yes", "--non-interactive"];
    expect(purge.calls.cli).toEqual([
      ["state", "delete", STATE.resources[2].urn, ...tail],
      ["state", "delete", STATE.resources[1].urn, ...tail],
      ["state", "delete", STATE.resources[0].urn, ...tail],
      ["stack", "rm", "--stack", "dev", "--yes", "--non-interactive"],
    ]);
    expect(purge.calls.volumes).toEqual([["mcp-neo4j-data", "mcp-ollama-models", "mcp-backup-objects"]]);
    expect(existsSync(path.join(workDir, ".pulumi-passphrase"))).toBe(false);
  });
});

describe("npm run pulumi", () => {
  it("runs the CLI with the arguments untouched and the wrapper's backend and passphrase", async () => {
    const r = recorder({ env: { PULUMI_CONFIG_PASSPHRASE: "from-env" } });
    expect(await runStack(["pulumi", "stack", "output", "neo4jPassword", "--show-secrets"], workDir, r.deps)).toBe(0);
    expect(r.calls.cli).toEqual([["stack", "output", "neo4jPassword", "--show-secrets"]]);
    expect(r.calls.cliEnv).toEqual([{ PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi")}`, PULUMI_CONFIG_PASSPHRASE: "from-env" }]);
  });
});
