import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, isSecretMarker, redactSecrets, runUnderMocks, secretConfigValues, type MockRun } from "./mockEngine";
import { ConfigError } from "../../components/config/errors";
import { parseCheckedConfig } from "../../components/checks/config";
import { rawConfigFromPulumi } from "../../components/config/parse";
import { readPulumiConfigFile } from "./stackConfigFile";

export interface SynthEntry {
  type: string;
  name: string;
  parent?: string;
  inputs: unknown;
}

export type SynthResult = { ok: true; run: MockRun; resources: SynthEntry[] } | { ok: false; error: string };

const PROGRAM = path.resolve(__dirname, "../../index.ts");

/** Runs index.ts for a stack with the config in `configFile`; a bad config comes back as its message. */
/** index.ts declares its resources when first loaded, and Node loads a module once per process. */
let programLoaded = false;

export async function synthesize(opts: { stack: string; configFile: string }): Promise<SynthResult> {
  if (programLoaded) {
    throw new Error("synthesize() runs index.ts, which declares its resources only once per process: run one synth per process");
  }
  programLoaded = true;
  const { config, secretKeys, secrecy } = readPulumiConfigFile(opts.configFile, PROJECT);
  try {
    // The program checks secrecy against Pulumi.<stack>.yaml, where `pulumi` looks; the synth's
    // file may be another one (--config): check the config against that file first.
    parseCheckedConfig(rawConfigFromPulumi(config), new Date(), secrecy);
    const run = await runUnderMocks({
      stack: opts.stack,
      config,
      secretKeys,
      program: async () => ({ ...(await import(PROGRAM)) }),
    });
    // Longest first, so a secret that contains another is masked whole.
    const known = [...run.generatedSecrets, ...secretConfigValues(config, secretKeys)].filter((v) => v.length >= 8).sort((a, b) => b.length - a.length);
    const resources = run.resources.map((r) => ({
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      inputs: redactSecrets(r.inputs, known),
    }));
    return { ok: true, run, resources };
  } catch (error) {
    if (error instanceof pulumi.RunError || error instanceof ConfigError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Kubernetes objects that carry files: ConfigMap `data` and Secret `stringData` keys named like files. */
const FILE_CARRIERS: Record<string, string> = {
  "kubernetes:core/v1:ConfigMap": "data",
  "kubernetes:core/v1:Secret": "stringData",
};

interface MountedFile {
  file: string;
  content: unknown;
  /** Carried by a secret (a Kubernetes Secret, or an upload list with a secret in it). */
  secret: boolean;
}

function mountedFiles(r: MockRun["resources"][number]): MountedFile[] {
  const field = FILE_CARRIERS[r.type];
  const listed = field ? r.inputs[field] : r.inputs.uploads;
  // One secret value makes the whole map (or upload list) secret on the wire.
  const allSecret = isSecretMarker(listed) || r.type === "kubernetes:core/v1:Secret";
  const value = isSecretMarker(listed) ? listed.value : listed;
  if (field) {
    // Env ConfigMaps hold variables (NODE_ENV); files have an extension (nginx.conf, backup-aws.sh).
    return Object.entries((value ?? {}) as Record<string, unknown>)
      .filter(([key]) => key.includes("."))
      .map(([file, content]) => ({ file, content, secret: allSecret }));
  }
  return ((value ?? []) as { file: string; content: unknown }[]).map((u) => ({ ...u, secret: allSecret }));
}

/**
 * The rendered files the program mounts into containers, by file name: Docker uploads, and the
 * files of Kubernetes ConfigMaps and Secrets. Files carried by a secret hold only placeholders
 * offline, but any generated secret in them is still masked.
 */
export function collectFiles(run: MockRun): Record<string, string> {
  const files: Record<string, string> = {};
  for (const r of run.resources) {
    for (const u of mountedFiles(r)) {
      let content = isSecretMarker(u.content) ? String(u.content.value) : String(u.content);
      if (u.secret || isSecretMarker(u.content)) {
        for (const secret of run.generatedSecrets) content = content.split(secret).join("[secret]");
      }
      // A user crontab is named after the user; call it what it is.
      files[u.file.startsWith("/etc/crontabs/") ? "crontab" : path.posix.basename(u.file)] = content;
    }
  }
  return files;
}

/** Writes `resources.json` and `files/` under `out`; returns the file names written. */
export function writeSynthOutput(out: string, result: Extract<SynthResult, { ok: true }>): string[] {
  mkdirSync(path.join(out, "files"), { recursive: true });
  writeFileSync(path.join(out, "resources.json"), `${JSON.stringify(result.resources, null, 2)}\n`);
  const files = collectFiles(result.run);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(out, "files", name), content);
  return Object.keys(files);
}
