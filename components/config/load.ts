import * as pulumi from "@pulumi/pulumi";
import { versionWarning } from "../cluster/eksVersions";
import { ConfigError } from "./errors";
import { parseStackConfig, rawConfigFromPulumi } from "./parse";
import type { StackConfig } from "./schema";

/**
 * Reads and validates this stack's `mcp-superserver:*` config once, before any resource is
 * declared. A bad config stops the run with every problem listed and no stack trace; a cluster
 * version past its standard support is a warning in the run's output.
 */
export function loadStackConfig(today: Date = new Date()): StackConfig {
  try {
    const cfg = parseStackConfig(rawConfigFromPulumi(pulumi.runtime.allConfig()), today);
    const warning = cfg.target === "kubernetes" && cfg.cluster.mode === "create" ? versionWarning(cfg.cluster.version, today) : undefined;
    if (warning) void pulumi.log.warn(warning);
    return cfg;
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
