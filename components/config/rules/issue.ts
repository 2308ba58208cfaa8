import type { StackConfig } from "../schema";

/** One problem a rule finds: the path names the key to change, the message completes "<value> ...". */
export interface RuleIssue {
  path: (string | number)[];
  /** The value in force, shown when the key was left to its default. */
  effective: string;
  message: string;
}

/**
 * A check of the Kubernetes stack the config renders (the system pool's capacity,
 * cluster/capacity.ts). It sits above config, which therefore cannot import it: the loader that
 * wants it hands it in (components/checks/config.ts), and it runs only on a config without other
 * Kubernetes issues, since only such a config can be rendered.
 */
export type StackCheck = (cfg: StackConfig) => RuleIssue[];
