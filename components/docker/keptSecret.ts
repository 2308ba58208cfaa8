/**
 * Secrets that must live as long as a kept Docker volume, not as long as the Pulumi state.
 *
 * Neo4j writes its password into its data volume on first start (NEO4J_AUTH only sets the
 * initial password: "Neo4j Docker: authentication", operations manual) and the volume is kept by
 * `npm run down`. A RandomPassword is destroyed with the state, so after `down` + `up` the hubs
 * would get a new password that the kept database refuses. Derived from the passphrase that
 * encrypts the stack's secrets instead, the password is the same on every `up` until
 * `npm run down -- --purge` deletes volume, state and passphrase together.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

export function keptPassword(seed: string, stack: string, name: string): string {
  return createHmac("sha256", seed).update(`mcp-superserver/${stack}/${name}`).digest("hex").slice(0, 32);
}

/** The passphrase the CLI encrypts this stack's secrets with (the passphrase provider's two variables). */
export function passphraseFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE) return env.PULUMI_CONFIG_PASSPHRASE;
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim();
  return undefined;
}
