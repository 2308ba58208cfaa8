import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { parseStackConfig, rawConfigFromPulumi } from "./parse";
import type { StackConfig } from "./schema";

/**
 * Reads and validates this stack's `mcp-superserver:*` config once, before any resource is
 * declared. A bad config stops the run with every problem listed and no stack trace.
 */
export function loadStackConfig(): StackConfig {
  try {
    return parseStackConfig(rawConfigFromPulumi(pulumi.runtime.allConfig()));
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
