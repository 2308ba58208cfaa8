/**
 * Parses the raw stack config (section name → value, as Pulumi config holds it) into the typed
 * StackConfig, or throws a ConfigError listing every problem. Pure: no Pulumi here.
 */
import { ConfigError, formatIssue, fullKey } from "./errors";
import { crossFieldIssues } from "./rules";
import { stackConfigSchema, type StackConfig } from "./schema";

/** `today` (the run's date by default) places the EKS version in its support calendar. */
export function parseStackConfig(raw: Record<string, unknown>, today: Date = new Date()): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(stackConfigSchema, raw, issue)));
  }
  const problems = crossFieldIssues(result.data, today);
  if (problems.length) {
    throw new ConfigError(
      problems.flatMap((p) =>
        formatIssue(stackConfigSchema, raw, { code: "custom", path: p.path, message: p.message, input: undefined }, p.effective),
      ),
    );
  }
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
