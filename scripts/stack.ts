/**
 * One command for a Docker stack, through Pulumi's Automation API: runs this project's index.ts
 * exactly as `pulumi up` would, with state and secrets kept in the project.
 *
 *   npm run up [-- --stack dev]        # check the machine, then create or update the stack
 *   npm run down [-- --stack dev]      # remove the containers; data volumes and backups are kept
 *   npm run down -- --purge [--yes]    # also delete volumes, backups, state and passphrase
 *   npm run pulumi -- <args>           # the Pulumi CLI with this project's state and passphrase
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline/promises";
import { CommandError, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { ConfigError } from "../components/config/errors";
import type { StackConfig } from "../components/config/schema";
import { dockerBudget } from "../components/docker/budget";
import { PRECIOUS_VOLUMES, dockerVolumeName } from "../components/docker/naming";
import { PASSPHRASE_FILE, findPulumiCli, planLocalStack, type CliFinder, type LocalStackPlan } from "./lib/localStack";
import { PROJECT } from "./lib/mockEngine";
import { preflight, providerDockerHost, type PreflightResult } from "./lib/preflight";
import { probeCli, probeDocker, probePorts } from "./lib/preflightProbe";
import { StackFileError, readStackConfig } from "./lib/stackConfigFile";

export interface StackDeps {
  finder: CliFinder;
  createOrSelectStack: (
    args: { stackName: string; workDir: string },
    opts: { envVars: Record<string, string>; pulumiCommand: PulumiCommand },
  ) => Promise<Pick<Stack, "up" | "destroy" | "exportStack">>;
  write: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Gathers the machine's facts and judges them (scripts/lib/preflight.ts). */
  preflight: (cfg: StackConfig, cliRoot: string, stackFile: string) => Promise<PreflightResult>;
  /** Asks a yes/no question on the terminal; false when there is no terminal. */
  confirm: (question: string) => Promise<boolean>;
  /** Runs the Pulumi CLI with the terminal attached; resolves to its exit code. */
  runCli: (cli: PulumiCommand, args: string[], env: Record<string, string>, cwd: string) => Promise<number>;
  /** `docker volume rm` on the engine the provider uses. */
  removeVolumes: (names: string[], dockerHost: string) => Promise<number>;
}

export const USAGE = [
  "usage: npm run up [-- --stack <name>]",
  "       npm run down [-- --stack <name>] [--purge [--yes]]",
  "       npm run pulumi -- <pulumi arguments>",
].join("\n");

export interface Command {
  action: "up" | "down" | "pulumi";
  stack: string;
  purge: boolean;
  yes: boolean;
  /** `npm run pulumi` arguments, passed on untouched. */
  rest: string[];
}

export function parseCommand(argv: string[]): Command | string {
  const [action, ...args] = argv;
  if (action === "pulumi") return { action, stack: "dev", purge: false, yes: false, rest: args };
  if (action !== "up" && action !== "down") return USAGE;
  const command: Command = { action, stack: "dev", purge: false, yes: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--stack" || arg === "-s") {
      const name = args[++i];
      if (!name || !/^[a-zA-Z0-9_.-]+$/.test(name)) return `--stack needs a stack name (letters, digits, - _ .)\n${USAGE}`;
      command.stack = name;
    } else if (arg.startsWith("--stack=")) {
      command.stack = arg.slice("--stack=".length);
    } else if (action === "down" && arg === "--purge") command.purge = true;
    else if (action === "down" && arg === "--yes") command.yes = true;
    else return `unknown option ${arg}\n${USAGE}`;
  }
  if (command.yes && !command.purge) return `--yes only confirms --purge\n${USAGE}`;
  return command;
}

/** What `npm run pulumi` prints a secret output with. */
export function showSecretCommand(output: string, stack: string): string {
  return `npm run pulumi -- stack output ${output} --show-secrets --stack ${stack}`;
}

/** The stack file's config, or the message that says what to fix (no stack trace). */
function loadStack(workDir: string, stack: string): StackConfig | string {
  const file = path.join(workDir, `Pulumi.${stack}.yaml`);
  try {
    const cfg = readStackConfig(file, PROJECT);
    if (cfg.target !== "docker") {
      return `${path.basename(file)} targets ${cfg.target}: npm run up and down run Docker stacks on this machine only; deploy it with the Pulumi CLI (docs/prod.md)`;
    }
    return cfg;
  } catch (error) {
    if (error instanceof StackFileError) return error.message;
    if (error instanceof ConfigError) return `${path.basename(file)}: ${error.message}`;
    throw error;
  }
}

/** The backup bucket's resources in a stack's state, dependents first (the order to drop them in). */
export function bucketUrns(deployment: { resources?: { urn: string; type: string }[] }): string[] {
  const order = ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucket:Bucket"];
  return order.flatMap((type) => (deployment.resources ?? []).filter((r) => r.type === type).map((r) => r.urn));
}

/** Stacks left in the file backend (`<backend>/.pulumi/stacks/<project>/<stack>.json`). */
function stacksInBackend(plan: LocalStackPlan): string[] {
  const dir = path.join(plan.backendDir, ".pulumi", "stacks", PROJECT);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

async function operate(what: string, deps: StackDeps, op: () => Promise<unknown>): Promise<boolean> {
  try {
    await op();
    return true;
  } catch (error) {
    // The CLI's output already streamed to the terminal; its error carries it all again.
    if (error instanceof CommandError) {
      deps.write(`\n${what} failed; the error is above.\n`);
      return false;
    }
    throw error;
  }
}

async function up(command: Command, plan: LocalStackPlan, deps: StackDeps, pulumiCommand: PulumiCommand): Promise<number> {
  const stack = await deps.createOrSelectStack({ stackName: plan.stackName, workDir: plan.workDir }, { envVars: plan.envVars, pulumiCommand });
  let outputs: Awaited<ReturnType<Stack["up"]>>["outputs"] = {};
  const ok = await operate("pulumi up", deps, async () => {
    outputs = (await stack.up({ onOutput: deps.write })).outputs;
  });
  if (!ok) return 1;
  deps.write("\n");
  for (const [key, output] of Object.entries(outputs)) {
    deps.write(`${key}: ${output.secret ? `(secret) ${showSecretCommand(key, command.stack)}` : String(output.value)}\n`);
  }
  deps.write(`\nStop it: npm run down${command.stack === "dev" ? "" : ` -- --stack ${command.stack}`} (data and backups are kept)\n`);
  return 0;
}

async function down(command: Command, plan: LocalStackPlan, deps: StackDeps, pulumiCommand: PulumiCommand): Promise<number> {
  const volumes = [...PRECIOUS_VOLUMES].map(dockerVolumeName);
  if (command.purge && !command.yes) {
    const sure = await deps.confirm(
      `Delete stack "${command.stack}" with its data: volumes ${volumes.join(", ")} (the Neo4j database, the models, every backup), its state and passphrase? [y/N] `,
    );
    if (!sure) {
      deps.write("Nothing was deleted. (Without a terminal, confirm with --yes.)\n");
      return 1;
    }
  }
  const stack = await deps.createOrSelectStack({ stackName: plan.stackName, workDir: plan.workDir }, { envVars: plan.envVars, pulumiCommand });
  // Protected resources (the backup bucket) and what they need (MinIO, its network) stay.
  if (!(await operate("pulumi destroy", deps, () => stack.destroy({ onOutput: deps.write, excludeProtected: true })))) return 1;
  if (!command.purge) {
    deps.write(`\nKept: volumes ${volumes.join(", ")} and the backup bucket in MinIO (still running). Delete them too: npm run down -- --purge\n`);
    return 0;
  }
  const cli = (args: string[]) => deps.runCli(pulumiCommand, [...args, "--stack", plan.stackName, "--yes", "--non-interactive"], plan.envVars, plan.workDir);
  // The bucket cannot be emptied through S3 once its store is gone; it goes with MinIO's volume.
  for (const urn of bucketUrns((await stack.exportStack()).deployment)) {
    if ((await cli(["state", "delete", urn, "--force"])) !== 0) {
      deps.write(`Could not drop ${urn} from the state; nothing more was deleted.\n`);
      return 1;
    }
  }
  if (!(await operate("pulumi destroy", deps, () => stack.destroy({ onOutput: deps.write })))) return 1;
  if ((await deps.removeVolumes(volumes, providerDockerHost({ dockerHostEnv: deps.env.DOCKER_HOST || undefined }))) !== 0) {
    deps.write(`Could not delete every volume; remove them with: docker volume rm ${volumes.join(" ")}\n`);
    return 1;
  }
  if ((await cli(["stack", "rm"])) !== 0) return 1;
  const passphraseFile = path.join(plan.workDir, PASSPHRASE_FILE);
  if (plan.passphraseSource === passphraseFile && stacksInBackend(plan).length === 0) {
    rmSync(passphraseFile, { force: true });
    deps.write(`Deleted ${passphraseFile}.\n`);
  }
  deps.write(`Purged stack "${command.stack}".\n`);
  return 0;
}

export async function runStack(argv: string[], workDir: string, deps: StackDeps): Promise<number> {
  const command = parseCommand(argv);
  if (typeof command === "string") {
    deps.write(`${command}\n`);
    return 2;
  }
  if (command.action === "pulumi") {
    const plan = planLocalStack(workDir, deps.env, command.stack);
    const cli = await findPulumiCli(deps.finder, plan.cliRoot, (line) => deps.write(`${line}\n`));
    return deps.runCli(cli, command.rest, plan.envVars, workDir);
  }
  const cfg = loadStack(workDir, command.stack);
  if (typeof cfg === "string") {
    deps.write(`${cfg}\n`);
    return 1;
  }
  const plan = planLocalStack(workDir, deps.env, command.stack);
  deps.write(`state: ${plan.backendDir}\nsecrets passphrase: ${plan.passphraseSource}\n`);
  if (command.action === "up") {
    const checked = await deps.preflight(cfg, plan.cliRoot, `Pulumi.${command.stack}.yaml`);
    for (const note of checked.notes) deps.write(`${note}\n`);
    if (checked.problems.length) {
      deps.write(`\nNot started, nothing was changed (${checked.problems.length} problem${checked.problems.length === 1 ? "" : "s"}):\n`);
      for (const problem of checked.problems) deps.write(`  - ${problem}\n`);
      return 1;
    }
  }
  const pulumiCommand = await findPulumiCli(deps.finder, plan.cliRoot, (line) => deps.write(`${line}\n`));
  return command.action === "up" ? up(command, plan, deps, pulumiCommand) : down(command, plan, deps, pulumiCommand);
}

export const realDeps: StackDeps = {
  finder: PulumiCommand,
  createOrSelectStack: (args, opts) => LocalWorkspace.createOrSelectStack(args, opts),
  write: (text) => process.stdout.write(text),
  env: process.env,
  async preflight(cfg, cliRoot, stackFile) {
    const budget = dockerBudget(cfg);
    return preflight({
      cfg,
      budget,
      docker: await probeDocker(process.env),
      ports: await probePorts(budget, cfg.docker.bindAddress, process.env),
      cli: await probeCli(PulumiCommand, cliRoot),
      cliRoot,
      stackFile,
    });
  },
  async confirm(question) {
    if (!process.stdin.isTTY) return false;
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(question);
    rl.close();
    return /^y(es)?$/i.test(answer.trim());
  },
  runCli: (cli, args, env, cwd) =>
    new Promise((resolve) => {
      const child = spawn(cli.command, args, { stdio: "inherit", env: { ...process.env, ...env }, cwd });
      child.on("error", () => resolve(127));
      child.on("exit", (code) => resolve(code ?? 1));
    }),
  removeVolumes: (names, dockerHost) =>
    new Promise((resolve) => {
      // -f: a volume that is already gone is not an error (Docker CLI `volume rm --force`).
      const child = spawn("docker", ["--host", dockerHost, "volume", "rm", "-f", ...names], { stdio: "inherit" });
      child.on("error", () => resolve(127));
      child.on("exit", (code) => resolve(code ?? 1));
    }),
};

if (require.main === module) {
  runStack(process.argv.slice(2), path.resolve(__dirname, ".."), realDeps).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
