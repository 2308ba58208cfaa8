import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, isSecretMarker, redactSecrets, runUnderMocks, type MockRun } from "./mockEngine";
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
export async function synthesize(opts: { stack: string; configFile: string }): Promise<SynthResult> {
  const { config, secretKeys } = readPulumiConfigFile(opts.configFile, PROJECT);
  try {
    const run = await runUnderMocks({
      stack: opts.stack,
      config,
      secretKeys,
      program: async () => ({ ...(await import(PROGRAM)) }),
    });
    const resources = run.resources.map((r) => ({
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      inputs: redactSecrets(r.inputs),
    }));
    return { ok: true, run, resources };
  } catch (error) {
    if (error instanceof pulumi.RunError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * The rendered files the program mounts into containers, by file name. A file whose content is
 * a secret (Alertmanager's, once receivers are set) holds only placeholders offline, but any
 * generated secret in it is still masked.
 */
export function collectFiles(run: MockRun): Record<string, string> {
  const files: Record<string, string> = {};
  for (const r of run.resources) {
    // One secret upload makes the whole list secret on the wire.
    const listed = r.inputs.uploads;
    const allSecret = isSecretMarker(listed);
    const uploads = ((allSecret ? listed.value : listed) ?? []) as { file: string; content: unknown }[];
    for (const u of uploads) {
      let content = isSecretMarker(u.content) ? String(u.content.value) : String(u.content);
      if (allSecret || isSecretMarker(u.content)) {
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
