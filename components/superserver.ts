import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Backup } from "./backup/component";
import type { RestoreTarget } from "./backup/restoreTarget";
import type { StackConfig } from "./config/schema";
import { PROBE_CLIENT, probeNeedsToken } from "./config/rules/edge";
import { keptPassword } from "./docker/keptSecret";
import { clientTokensFile } from "./render/nginxAuth";
import { declarationOrder, servicesOn } from "./services";
import { ServiceComponent } from "./services/component";
import { DockerTarget } from "./targets/docker";
import { KubernetesTarget } from "./targets/kubernetes";
import type { StackTarget } from "./targets/types";
import { alertmanagerConfig, configuredReceivers } from "./workloads/monitoring";
import type { Placed, StackSecrets } from "./workloads/target";

export interface McpSuperserverArgs {
  config: StackConfig;
  /** Stack name; names the Docker network or the EKS cluster, and the backup bucket. */
  stack: string;
  /** Docker target: the stack's secrets passphrase, from which the kept Neo4j password is derived (docker/keptSecret.ts). */
  passphrase?: pulumi.Input<string>;
}

/**
 * The whole MCP-SUPERSERVER deployment: hub replicas behind nginx, Neo4j, Ollama, Prometheus
 * with its exporters, Alertmanager, Grafana, and the backup bucket with its nightly job.
 */
export class McpSuperserver extends pulumi.ComponentResource {
  public readonly loadBalancerUrl: pulumi.Output<string>;
  public readonly healthUrl: pulumi.Output<string>;
  public readonly prometheusUrl: pulumi.Output<string>;
  public readonly alertmanagerUrl: pulumi.Output<string>;
  public readonly grafanaUrl: pulumi.Output<string>;
  public readonly neo4jBoltUri: pulumi.Output<string>;
  public readonly backupBucket: pulumi.Output<string>;
  public readonly restoreTarget: pulumi.Output<RestoreTarget>;
  public readonly neo4jPassword: pulumi.Output<string>;
  public readonly grafanaAdminPassword: pulumi.Output<string>;
  /** Each client's bearer token by client name (a secret); empty with loadBalancer.auth.enabled: false. */
  public readonly clientTokens: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: McpSuperserverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:index:McpSuperserver", name, {}, opts);
    const cfg = args.config;
    const parent = { parent: this };
    const password = (part: string) =>
      pulumi.secret(new random.RandomPassword(`${name}-${part}`, { length: 32, special: false }, parent).result);
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
    this.clientTokens = this.tokens(name, cfg);
    Object.assign(secrets, this.tokenSecrets(name, cfg));
    const { backup, endpoints } =
      cfg.target === "docker"
        ? this.compose(name, new DockerTarget(name, cfg, args.stack, secrets, this))
        : this.compose(name, new KubernetesTarget(name, cfg, args.stack, secrets, this));
    this.loadBalancerUrl = endpoints.loadBalancerUrl;
    this.healthUrl = endpoints.loadBalancerUrl.apply((url) => `${url}/health`);
    this.prometheusUrl = endpoints.prometheusUrl;
    this.alertmanagerUrl = endpoints.alertmanagerUrl;
    this.grafanaUrl = endpoints.grafanaUrl;
    this.neo4jBoltUri = endpoints.neo4jBoltUri;
    this.backupBucket = backup.bucketName;
    this.restoreTarget = backup.restoreTarget;
    this.neo4jPassword = secrets["neo4j-password"]!;
    this.grafanaAdminPassword = secrets["grafana-admin-password"]!;
    this.registerOutputs({
      loadBalancerUrl: this.loadBalancerUrl,
      healthUrl: this.healthUrl,
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      neo4jBoltUri: this.neo4jBoltUri,
      backupBucket: this.backupBucket,
      restoreTarget: this.restoreTarget,
      neo4jPassword: this.neo4jPassword,
      grafanaAdminPassword: this.grafanaAdminPassword,
      clientTokens: this.clientTokens,
    });
  }

  /** nginx's tokens file, and the probe's own token when /health needs one (PROBE_CLIENT). */
  private tokenSecrets(name: string, cfg: StackConfig): StackSecrets {
    if (!cfg.loadBalancer.auth.enabled) return {};
    if (!probeNeedsToken(cfg)) return { "client-tokens": pulumi.secret(this.clientTokens.apply(clientTokensFile)) };
    const probe = this.token(name, PROBE_CLIENT, undefined);
    return {
      "client-tokens": pulumi.secret(pulumi.all([this.clientTokens, probe]).apply(([tokens, p]) => clientTokensFile({ ...tokens, [PROBE_CLIENT]: p }))),
      "probe-token": pulumi.secret(probe),
    };
  }

  private token(name: string, client: string, rotation: string | undefined): pulumi.Output<string> {
    return new random.RandomPassword(
      `${name}-client-token-${client}`,
      { length: 48, special: false, keepers: rotation === undefined ? undefined : { rotation } },
      { parent: this },
    ).result;
  }

  /**
   * One token per named client: 48 letters and digits (about 285 bits, URL-safe, nothing to
   * escape in a header or a shell). A new name gets a new token, a removed one is revoked, and a
   * changed `rotation` text replaces that client's token (a keeper).
   */
  private tokens(name: string, cfg: StackConfig): pulumi.Output<Record<string, string>> {
    const a = cfg.loadBalancer.auth;
    if (!a.enabled) return pulumi.secret(pulumi.output<Record<string, string>>({}));
    return pulumi.secret(pulumi.all(Object.fromEntries(a.clients.map((c) => [c, this.token(name, c, a.rotation[c])]))));
  }

  /** The same composition on either target: the services, the backup after Neo4j, the addresses. */
  private compose<P extends Placed>(name: string, target: StackTarget<P>) {
    const services = this.services(name, target);
    const backup = new Backup(`${name}-backup`, { target, dependsOn: [...target.base, services.neo4j] }, { parent: this });
    return { backup, endpoints: target.endpoints() };
  }

  /**
   * The services of the registry that the target runs, each declared after the services it waits
   * for (where the target waits for them) and the target's own prerequisites.
   */
  private services<P extends Placed>(name: string, target: StackTarget<P>): Record<string, ServiceComponent<P>> {
    const declared: Record<string, ServiceComponent<P>> = {};
    for (const s of declarationOrder(servicesOn(target.kind))) {
      const placed = target.services[s.key];
      const waits = s.waitsFor.filter((key) => declared[key] && target.awaitable(target.services[key])).map((key) => declared[key]);
      declared[s.key] = new ServiceComponent(
        s,
        `${name}-${s.component.name}`,
        {
          placed,
          target,
          dependsOn: [...target.base, ...target.prerequisites(placed), ...waits],
          image: target.builtImage(`${name}-${s.component.name}-image`, placed.workload),
        },
        { parent: this },
      );
    }
    return declared;
  }
}
