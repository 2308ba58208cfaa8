/**
 * MCP-SUPERSERVER: one typed stack config in, one component out. `target: docker` (the dev
 * stack) runs everything on local Docker, `target: kubernetes` (the prod stack) on EKS; see
 * README.md for the config reference and docs/prod.md for the prod stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadCheckedConfig } from "./components/checks/config";
import { passphraseFromEnv } from "./components/docker/keptSecret";
import { McpSuperserver } from "./components/superserver";

const config = loadCheckedConfig();
const passphrase = passphraseFromEnv(process.env);
const stack = new McpSuperserver("mcp", {
  config,
  stack: pulumi.getStack(),
  ...(passphrase !== undefined ? { passphrase: pulumi.secret(passphrase) } : {}),
});

export const target = config.target;
export const loadBalancerUrl = stack.loadBalancerUrl;
export const healthUrl = stack.healthUrl;
export const prometheusUrl = stack.prometheusUrl;
export const alertmanagerUrl = stack.alertmanagerUrl;
export const grafanaUrl = stack.grafanaUrl;
export const neo4jBoltUri = stack.neo4jBoltUri;
export const backupBucket = stack.backupBucket;
export const restoreTarget = stack.restoreTarget;
export const neo4jPassword = stack.neo4jPassword;
export const grafanaAdminPassword = stack.grafanaAdminPassword;
/** `pulumi stack output --show-secrets clientTokens`: each client's bearer token (README, "Connecting a client"). */
export const clientTokens = stack.clientTokens;
