import * as pulumi from "@pulumi/pulumi";
import { Backup } from "./backup/component";
import type { RestoreTarget } from "./backup/restoreTarget";
import { stackSecrets, type StackSecretsArgs } from "./secrets/stackSecrets";
import { declarationOrder, servicesOn } from "./services";
import { ServiceComponent } from "./services/component";
import { DockerTarget } from "./targets/docker";
import { KubernetesTarget } from "./targets/kubernetes";
import type { Target } from "./targets/types";
import type { Placed } from "./workloads/platform";

export interface McpSuperserverArgs extends StackSecretsArgs {
  /** Stack name; names the Docker network or the EKS cluster, and the backup bucket. */
  stack: string;
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
    const { secrets, clientTokens } = stackSecrets(name, args, this);
    this.clientTokens = clientTokens;
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

  /** The same composition on either target: the services, the backup after Neo4j, the addresses. */
  private compose<P extends Placed>(name: string, target: Target<P>) {
    const services = this.services(name, target);
    const backup = new Backup(`${name}-backup`, { target, dependsOn: [...target.base, services.neo4j] }, { parent: this });
    return { backup, endpoints: target.endpoints() };
  }

  /**
   * The services of the registry that the target runs, each declared after the services it waits
   * for (where the target waits for them) and the target's own prerequisites.
   */
  private services<P extends Placed>(name: string, target: Target<P>): Record<string, ServiceComponent<P>> {
    const declared: Record<string, ServiceComponent<P>> = {};
    for (const s of declarationOrder(servicesOn(target.kind))) {
      const placed = target.services[s.key];
      const waits = s.waitsFor.filter((key) => declared[key] && target.awaitable(target.services[key])).map((key) => declared[key]);
      declared[s.key] = new ServiceComponent(
        s,
        `${name}-${s.component.name}`,
        {
          placed,
          platform: target,
          dependsOn: [...target.base, ...target.prerequisites(placed), ...waits],
          image: target.builtImage(`${name}-${s.component.name}-image`, placed.workload),
        },
        { parent: this },
      );
    }
    return declared;
  }
}
