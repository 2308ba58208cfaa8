/**
 * One command to restore Neo4j from a backup, on either target, driven by the stack's outputs
 * (read through the Automation API):
 *
 *   npm run restore -- --stack dev|prod [--backup KEY] [--list]
 *
 * Docker: runs `mcp-restore [KEY]` in the backup scheduler container (lock, fetch, checksum, stop
 * Neo4j, load, start it, RETURN 1 and a node count). Kubernetes: creates a Job from the
 * suspended `neo4j-restore` CronJob with BACKUP_KEY set, follows it, then checks that Neo4j
 * answers `RETURN 1` and counts its nodes. Both refuse while a backup or drill holds the lock.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { RestoreTarget } from "../components/backup/restoreTarget";
import { findPulumiCli, planLocalStack } from "./lib/localStack";


export interface Run {
  code: number;
  stdout: string;
}

export interface RestoreDeps {
  /** The stack's outputs (Automation API). */
  outputs: (stack: string) => Promise<Record<string, { value: unknown }>>;
  /** Runs a command; its output is streamed to `write` as well as returned. */
  run: (command: string, args: string[], input?: string) => Promise<Run>;
  write: (text: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface RestoreArgs {
  stack: string;
  backup?: string;
  list: boolean;
}

export function parseRestoreArgs(argv: string[]): RestoreArgs | string {
  const args: RestoreArgs = { stack: "", list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--stack") args.stack = argv[++i] ?? "";
    else if (a === "--backup") args.backup = argv[++i] ?? "";
    else if (a === "--list") args.list = true;
    else return `unknown argument ${a}; usage: npm run restore -- --stack <dev|prod> [--backup KEY] [--list]`;
  }
  if (args.stack !== "dev" && args.stack !== "prod") return `--stack is "${args.stack}"; use dev or prod`;
  if (args.backup === "") return "--backup needs a key, e.g. neo4j/20260101T020000Z/neo4j.dump (see --list)";
  return args;
}

export async function restore(args: RestoreArgs, deps: RestoreDeps): Promise<number> {
  const say = (line: string) => deps.write(`restore: ${line}\n`);
  const outputs = await deps.outputs(args.stack);
  const target = outputs.restoreTarget?.value as RestoreTarget | undefined;
  if (!target) {
    say(`stack ${args.stack} has no restoreTarget output; run \`npm run up\` (dev) or \`pulumi up\` (prod) first`);
    return 1;
  }
  return target.target === "docker" ? onDocker(target, args, deps, say) : onKubernetes(target, args, deps, say);
}

async function onDocker(t: Extract<RestoreTarget, { target: "docker" }>, args: RestoreArgs, deps: RestoreDeps, say: (l: string) => void): Promise<number> {
  if (args.list) return (await deps.run("docker", ["exec", t.container, t.restoreCommand, "--list"])).code;
  say(`running ${t.restoreCommand} in ${t.container}${args.backup ? ` for ${args.backup}` : " for the newest backup"}`);
  const r = await deps.run("docker", ["exec", t.container, t.restoreCommand, ...(args.backup ? [args.backup] : [])]);
  say(r.code === 0 ? "done" : `failed (exit ${r.code}); the lines above say at which step`);
  return r.code;
}

async function onKubernetes(t: Extract<RestoreTarget, { target: "kubernetes" }>, args: RestoreArgs, deps: RestoreDeps, say: (l: string) => void): Promise<number> {
  if (args.list) return (await deps.run("aws", ["s3", "ls", `s3://${t.bucket}/${t.prefix}`, "--recursive"])).code;
  const kubectl = (...a: string[]) => deps.run("kubectl", ["-n", t.namespace, ...a]);
  const job = `neo4j-restore-${Math.floor(deps.now() / 1000)}`;
  const template = await kubectl("create", "job", `--from=cronjob/${t.cronJob}`, job, "--dry-run=client", "-o", "json");
  if (template.code !== 0) return template.code;
  const manifest = JSON.parse(template.stdout);
  const aws = manifest.spec.template.spec.containers.find((c: { name: string }) => c.name === "aws");
  aws.env = [...(aws.env ?? []).filter((e: { name: string }) => e.name !== "BACKUP_KEY"), { name: "BACKUP_KEY", value: args.backup ?? "" }];
  say(`creating job ${job}${args.backup ? ` for ${args.backup}` : " for the newest backup"}`);
  const applied = await deps.run("kubectl", ["-n", t.namespace, "apply", "-f", "-"], JSON.stringify(manifest));
  if (applied.code !== 0) return applied.code;
  say(`following job ${job} (lease, fetch, checksum, stop Neo4j, load, start Neo4j)`);
  await kubectl("wait", "--for=condition=Ready", `pod`, "-l", `job-name=${job}`, "--timeout=600s");
  await kubectl("logs", "-f", `job/${job}`, "--all-containers", "--prefix");
  const status = await kubectl("get", "job", job, "-o", "jsonpath={.status.succeeded}/{.status.failed}");
  if (status.stdout.trim() !== "1/") {
    say(`job ${job} did not succeed (${status.stdout.trim()}); its log above says at which step`);
    return 1;
  }
  say("waiting for Neo4j to answer");
  const query = (cypher: string) =>
    kubectl("exec", `${t.statefulSet}-0`, "-c", t.statefulSet, "--", "sh", "-c", 'cypher-shell -u neo4j -p "${NEO4J_AUTH#neo4j/}" --format plain "$0"', cypher);
  for (let i = 0; ; i++) {
    if ((await query("RETURN 1")).code === 0) break;
    if (i >= 60) {
      say("Neo4j does not answer RETURN 1 after 300s");
      return 1;
    }
    await deps.sleep(5000);
  }
  const count = (await query("MATCH (n) RETURN count(n) AS nodes")).stdout.trim().split("\n").pop();
  say(`Neo4j answers RETURN 1 and holds ${count} nodes; done`);
  return 0;
}

/** Runs a command with its stdout streamed to `write` and returned, stderr passed through. */
export function runCommand(write: (t: string) => void, env: NodeJS.ProcessEnv = process.env) {
  return (command: string, args: string[], input?: string) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"], env });
      let stdout = "";
      child.stdout.on("data", (d) => {
        stdout += d;
        write(String(d));
      });
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code: code ?? 1, stdout }));
      // A command that exits without reading its input closes the pipe (EPIPE): its exit code
      // says what happened, so the write error is not the restore's to report.
      child.stdin.on("error", () => undefined);
      child.stdin.end(input ?? "");
    });
}

if (require.main === module) {
  const workDir = path.resolve(__dirname, "..");
  const parsed = parseRestoreArgs(process.argv.slice(2));
  if (typeof parsed === "string") {
    console.error(parsed);
    process.exit(2);
  }
  const write = (text: string) => process.stdout.write(text);
  const deps: RestoreDeps = {
    // dev keeps its state in the project (as `npm run up`); prod uses the backend the CLI is logged in to.
    outputs: async (stack) => {
      const envVars = stack === "dev" ? planLocalStack(workDir, process.env, stack).envVars : {};
      const pulumiCommand = await findPulumiCli(PulumiCommand, path.join(workDir, ".pulumi-cli"), () => undefined);
      return (await LocalWorkspace.selectStack({ stackName: stack, workDir }, { envVars, pulumiCommand })).outputs();
    },
    run: runCommand(write),
    write,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
  };
  restore(parsed, deps).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
