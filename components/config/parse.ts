/**
 * Parses the raw stack config (section name → value, as Pulumi config holds it) into the typed
 * StackConfig, or throws a ConfigError listing every problem. Pure: no Pulumi here.
 */
import { ConfigError, formatIssue, fullKey } from "./errors";
import { crossFieldIssues, type StackCheck } from "./rules";
import { stackConfigSchema, type StackConfig } from "./schema";
import { plainSecretProblems, type ConfigSecrecy } from "./secretConfig";

function ruleProblems(raw: Record<string, unknown>, cfg: StackConfig, today: Date, stackChecks: readonly StackCheck[]): string[] {
  return crossFieldIssues(cfg, today, stackChecks).flatMap((p) =>
    formatIssue(stackConfigSchema, raw, { code: "custom", path: p.path, message: p.message, input: undefined }, p.effective),
  );
}

/** The raw config without the values at `paths` (an unknown key is dropped, a bad value falls back to its default). */
function without(raw: Record<string, unknown>, issues: readonly { path: PropertyKey[]; keys?: string[] }[]): Record<string, unknown> {
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const issue of issues) {
    const path = [...issue.path, ...(issue.keys?.length ? [issue.keys[0]] : [])];
    let node: any = copy;
    for (const segment of path.slice(0, -1)) node = node?.[segment as string];
    if (node && typeof node === "object" && path.length) {
      if (issue.keys?.length) for (const key of issue.keys) delete node[key];
      else delete node[path[path.length - 1] as string];
    }
  }
  return copy;
}

/**
 * `today` (the run's date by default) places the EKS version in its support calendar. `secrecy`,
 * what Pulumi says is secret, refuses secret keys given in plain text (secretConfig.ts); without
 * it (unit tests of the schema and the rules) secrecy is not checked. `stackChecks` check the
 * stack the config renders (rules/issue.ts, StackCheck); the program hands them in through
 * components/checks/config.ts.
 */
export function parseStackConfig(
  raw: Record<string, unknown>,
  today: Date = new Date(),
  secrecy?: ConfigSecrecy,
  stackChecks: readonly StackCheck[] = [],
): StackConfig {
  const plainSecrets = secrecy ? plainSecretProblems(raw, secrecy) : [];
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => formatIssue(stackConfigSchema, raw, issue));
    // A schema error must not hide the rules' findings: check the rules on the rest of the
    // config, each bad value replaced by its default, and report what they find about other keys.
    const rest = stackConfigSchema.safeParse(without(raw, result.error.issues as { path: PropertyKey[]; keys?: string[] }[]));
    const more = rest.success ? ruleProblems(raw, rest.data, today, stackChecks).filter((p) => !problems.some((q) => q.split(":")[1] === p.split(":")[1])) : [];
    throw new ConfigError([...problems, ...more, ...plainSecrets]);
  }
  const problems = [...ruleProblems(raw, result.data, today, stackChecks), ...plainSecrets];
  if (problems.length) throw new ConfigError(problems);
  return result.data;
}

/**
 * Pulumi hands config values over as strings, objects JSON-encoded. Keys outside our namespace
 * (aws:region, ...) are not ours to check; every key inside it must be known to the schema.
 */
export function rawConfigFromPulumi(all: Record<string, string>): Record<string, unknown> {
  const prefix = fullKey([]);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = decode(value);
  }
  return raw;
}

function decode(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
