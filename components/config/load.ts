import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { parse } from "yaml";
import { versionWarning } from "../catalog/eksVersions";
import { ConfigError } from "./errors";
import { parseStackConfig, rawConfigFromPulumi } from "./parse";
import type { StackConfig } from "./schema";
import type { StackCheck } from "./rules";
import type { ConfigSecrecy } from "./secretConfig";

/**
 * `isConfigSecret(key)` answers from the secret keys the engine passes (PULUMI_CONFIG_SECRET_KEYS);
 * the Node SDK exports it from runtime/config.js but marks it @internal, so its types omit it.
 */
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/**
 * The stack file `pulumi` reads by default: `Pulumi.<stack>.yaml` beside Pulumi.yaml (this project
 * sets no `stackConfigDir`). Absent (config from `--config-file` elsewhere, or ESC only), only the
 * top-level check of secretConfig.ts applies.
 */
function stackFile(): ConfigSecrecy["stackFile"] {
  const name = `Pulumi.${pulumi.getStack()}.yaml`;
  const file = path.join(pulumi.runtime.getRootDirectory() || process.cwd(), name);
  if (!existsSync(file)) return undefined;
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return { name, config: doc.config ?? {} };
}

/**
 * Reads and validates this stack's `mcp-superserver:*` config once, before any resource is
 * declared. A bad config stops the run with every problem listed and no stack trace; a cluster
 * version past its standard support is a warning in the run's output. `stackChecks`: see
 * parseStackConfig.
 */
export function loadStackConfig(today: Date = new Date(), stackChecks: readonly StackCheck[] = []): StackConfig {
  try {
    const all = pulumi.runtime.allConfig();
    const secrecy = { secretKeys: new Set(Object.keys(all).filter(isConfigSecret)), stackFile: stackFile() };
    const cfg = parseStackConfig(rawConfigFromPulumi(all), today, secrecy, stackChecks);
    const warning = cfg.target === "kubernetes" && cfg.cluster.mode === "create" ? versionWarning(cfg.cluster.version, today) : undefined;
    if (warning) void pulumi.log.warn(warning);
    return cfg;
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
