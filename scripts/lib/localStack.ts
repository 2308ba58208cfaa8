/**
 * Everything `npm run up` / `npm run down` decide before Pulumi runs: where state lives (a file
 * backend inside the project), where the secrets passphrase comes from, and which Pulumi CLI to
 * use (one on PATH, else a pinned version installed into the project). Dependencies are passed
 * in, so the wiring is tested without a CLI.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { SemVer } from "semver";

/** The CLI installed when none is on PATH: the release that matches the SDK in package.json. */
export const PULUMI_CLI_VERSION = "3.248.0";

export interface LocalStackPlan {
  stackName: string;
  workDir: string;
  backendDir: string;
  cliRoot: string;
  envVars: Record<string, string>;
  /** Where the passphrase came from, to tell the user. */
  passphraseSource: string;
}

export const PASSPHRASE_FILE = ".pulumi-passphrase";

/**
 * State goes to `<project>/.pulumi` (file backend). The passphrase is PULUMI_CONFIG_PASSPHRASE
 * when set; otherwise one is generated once into a git-ignored, owner-only file and reused.
 */
export function planLocalStack(workDir: string, env: NodeJS.ProcessEnv, stackName = "dev"): LocalStackPlan {
  const backendDir = path.join(workDir, ".pulumi");
  mkdirSync(backendDir, { recursive: true });
  let passphrase = env.PULUMI_CONFIG_PASSPHRASE;
  let passphraseSource = "PULUMI_CONFIG_PASSPHRASE";
  if (passphrase === undefined) {
    const file = path.join(workDir, PASSPHRASE_FILE);
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    passphrase = readFileSync(file, "utf8").trim();
    passphraseSource = file;
  }
  return {
    stackName,
    workDir,
    backendDir,
    cliRoot: path.join(workDir, ".pulumi-cli"),
    envVars: { PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: passphrase },
    passphraseSource,
  };
}

export interface CliFinder {
  get(opts?: { root?: string; version?: SemVer }): Promise<PulumiCommand>;
  install(opts: { root: string; version: SemVer }): Promise<PulumiCommand>;
}

/** A Pulumi CLI on PATH, else the pinned one in the project, else install the pinned one there. */
export async function findPulumiCli(finder: CliFinder, cliRoot: string, log: (line: string) => void): Promise<PulumiCommand> {
  const version = new SemVer(PULUMI_CLI_VERSION);
  try {
    return await finder.get();
  } catch {
    try {
      return await finder.get({ root: cliRoot, version });
    } catch {
      log(`No Pulumi CLI found: installing ${PULUMI_CLI_VERSION} into ${cliRoot}`);
      return finder.install({ root: cliRoot, version });
    }
  }
}
