/**
 * Reads a `Pulumi.<stack>.yaml` file into the string map Pulumi hands a program. Offline there
 * is no key to decrypt `secure:` values, and the synth must not hold real secrets anyway: every
 * `secure:` value is replaced by a placeholder that names its path, and a key holding one is
 * reported secret, as the engine reports it (components/config/secretConfig.ts). A secret key
 * given in plain text stays as it is, and the config check refuses it.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { YAMLParseError, parse } from "yaml";
import { parseCheckedConfig } from "../../components/checks/config";
import { rawConfigFromPulumi } from "../../components/config/parse";
import type { StackConfig } from "../../components/config/schema";
import type { ConfigSecrecy } from "../../components/config/secretConfig";

export interface PulumiConfigMap {
  config: Record<string, string>;
  secretKeys: string[];
  /** What the config check needs to know of the file: its name and `config:` map (secretConfig.ts). */
  secrecy: Required<ConfigSecrecy>;
}

export function secretPlaceholder(key: string): string {
  return `https://secret.invalid/${key.replace(/[^a-zA-Z0-9.-]/g, "-")}`;
}

function replaceSecrets(value: unknown, path: string[], found: { any: boolean }): unknown {
  if (typeof value === "object" && value !== null && "secure" in value) {
    found.any = true;
    return secretPlaceholder(path.join("."));
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecrets(v, [...path, String(i)], found));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecrets(v, [...path, k], found)]));
  }
  return value;
}

/** A stack file the user must fix: the message names the file (and line), never a stack trace. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The stacks a project directory has: one `Pulumi.<stack>.yaml` each. */
export function stackFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const where = error.linePos?.[0];
    const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileError(`${file}${where ? `:${where.line}:${where.col}` : ""}: not valid YAML: ${reason}`);
  }
}

export function pulumiConfigFromYaml(text: string, project: string, file = "stack file"): PulumiConfigMap {
  const doc = (parseYaml(text, file) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const section = key.startsWith(`${project}:`) ? [key.slice(project.length + 1)] : [];
    const found = { any: false };
    const value = section.length ? replaceSecrets(rawValue, section, found) : replaceSecrets(rawValue, [key], found);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (found.any) secretKeys.push(key);
  }
  return { config, secretKeys, secrecy: { secretKeys: new Set(secretKeys), stackFile: { name: path.basename(file), config: doc.config ?? {} } } };
}

export function readPulumiConfigFile(file: string, project: string): PulumiConfigMap {
  if (!existsSync(file)) {
    const dir = path.dirname(file);
    const stacks = existsSync(dir) ? stackFilesIn(dir) : [];
    throw new StackFileError(`${file}: no such stack file; stacks here: ${stacks.length ? stacks.join(", ") : "(none)"}`);
  }
  return pulumiConfigFromYaml(readFileSync(file, "utf8"), project, file);
}

/** The typed config of a stack file, as the program would see it (secret values as placeholders). */
export function readStackConfig(file: string, project: string): StackConfig {
  const { config, secrecy } = readPulumiConfigFile(file, project);
  return parseCheckedConfig(rawConfigFromPulumi(config), new Date(), secrecy);
}
