/**
 * The stack's secrets, generated under the stack's component and handed to the target by name:
 * passwords, the session key, Alertmanager's config (it holds receiver URLs), and a bearer token
 * per client with nginx's file of their digests.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROBE_CLIENT, probeNeedsToken } from "../config/rules/edge";
import type { StackConfig } from "../config/schema";
import { keptPassword } from "../docker/keptSecret";
import { clientTokensFile } from "../render/nginxAuth";
import { alertmanagerConfig, configuredReceivers } from "../workloads/monitoring";
import type { StackSecrets } from "../workloads/platform";

export interface StackSecretsArgs {
  config: StackConfig;
  stack: string;
  /** Docker target: the stack's secrets passphrase, from which the kept Neo4j password is derived (docker/keptSecret.ts). */
  passphrase?: pulumi.Input<string>;
}

export interface GeneratedSecrets {
  secrets: StackSecrets;
  /** Each client's bearer token by client name (a secret); empty with loadBalancer.auth.enabled: false. */
  clientTokens: pulumi.Output<Record<string, string>>;
}

export function stackSecrets(name: string, args: StackSecretsArgs, parent: pulumi.Resource): GeneratedSecrets {
  const cfg = args.config;
  const password = (part: string) => pulumi.secret(new random.RandomPassword(`${name}-${part}`, { length: 32, special: false }, { parent }).result);
  const passphrase = args.passphrase;
  const neo4jPassword =
    cfg.target === "docker" && passphrase !== undefined
      ? pulumi.secret(pulumi.output(passphrase).apply((p) => keptPassword(p, args.stack, "neo4j-password")))
      : password("neo4j-password");
  const secrets: StackSecrets = {
    "neo4j-password": neo4jPassword,
    // MinIO's root password: the Docker target's stand-in for S3 (prod uses IRSA, no key).
    ...(cfg.target === "docker" ? { "object-store-password": password("object-store-password") } : {}),
    "grafana-admin-password": password("grafana-admin-password"),
    // Shared by every nginx replica, so any of them routes a session another one signed.
    "mcp-session-key": password("mcp-session-key"),
    "alertmanager-config": pulumi.secret(
      pulumi
        .all(Object.fromEntries(configuredReceivers(cfg).map((r) => [r, pulumi.secret(cfg.alertmanager.receivers[r].url!.reveal())])))
        .apply((urls) => alertmanagerConfig(cfg, urls)),
    ),
  };
  const clientTokens = tokens(name, cfg, parent);
  return { secrets: { ...secrets, ...tokenSecrets(name, cfg, clientTokens, parent) }, clientTokens };
}

/** nginx's tokens file, and the probe's own token when /health needs one (PROBE_CLIENT). */
function tokenSecrets(name: string, cfg: StackConfig, clientTokens: pulumi.Output<Record<string, string>>, parent: pulumi.Resource): StackSecrets {
  if (!cfg.loadBalancer.auth.enabled) return {};
  if (!probeNeedsToken(cfg)) return { "client-tokens": pulumi.secret(clientTokens.apply(clientTokensFile)) };
  const probe = token(name, PROBE_CLIENT, undefined, parent);
  return {
    "client-tokens": pulumi.secret(pulumi.all([clientTokens, probe]).apply(([t, p]) => clientTokensFile({ ...t, [PROBE_CLIENT]: p }))),
    "probe-token": pulumi.secret(probe),
  };
}

function token(name: string, client: string, rotation: string | undefined, parent: pulumi.Resource): pulumi.Output<string> {
  return new random.RandomPassword(
    `${name}-client-token-${client}`,
    { length: 48, special: false, keepers: rotation === undefined ? undefined : { rotation } },
    { parent },
  ).result;
}

/**
 * One token per named client: 48 letters and digits (about 285 bits, URL-safe, nothing to
 * escape in a header or a shell). A new name gets a new token, a removed one is revoked, and a
 * changed `rotation` text replaces that client's token (a keeper).
 */
function tokens(name: string, cfg: StackConfig, parent: pulumi.Resource): pulumi.Output<Record<string, string>> {
  const a = cfg.loadBalancer.auth;
  if (!a.enabled) return pulumi.secret(pulumi.output<Record<string, string>>({}));
  return pulumi.secret(pulumi.all(Object.fromEntries(a.clients.map((c) => [c, token(name, c, a.rotation[c], parent)]))));
}
