import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BackupBucket } from "./backupBucket";
import type { StackConfig } from "./config/schema";
import { dockerVolumeName } from "./docker/naming";
import { DockerPlatform, type Secrets } from "./docker/platform";
import { describeDockerStack } from "./docker/stack";
import { Alertmanager, Exporter, Grafana, Hub, LoadBalancer, Neo4j, Ollama, Prometheus } from "./services";
import { alertmanagerConfig, configuredReceivers } from "./workloads/monitoring";
import { PORT } from "./workloads/types";

export interface McpSuperserverArgs {
  config: StackConfig;
  /** Stack name; names the Docker network and the backup bucket. */
  stack: string;
}

/** Volumes whose loss would lose data or a long download: kept when the stack is destroyed. */
const PRECIOUS_VOLUMES = new Set(["neo4j-data", "ollama-models", "backup-objects"]);

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
  public readonly neo4jPassword: pulumi.Output<string>;
  public readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: McpSuperserverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:index:McpSuperserver", name, {}, opts);
    const cfg = args.config;
    const parent = { parent: this };
    if (cfg.target !== "docker") {
      throw new pulumi.RunError(`mcp-superserver:target: "${cfg.target}" is not deployable yet; use "docker"`);
    }
    const d = describeDockerStack(cfg, args.stack);

    const password = (part: string) =>
      pulumi.secret(new random.RandomPassword(`${name}-${part}`, { length: 32, special: false }, parent).result);
    const secrets: Secrets = {
      "neo4j-password": password("neo4j-password"),
      "object-store-password": password("object-store-password"),
      "grafana-admin-password": password("grafana-admin-password"),
      "alertmanager-config": pulumi.secret(
        pulumi
          .all(Object.fromEntries(configuredReceivers(cfg).map((r) => [r, pulumi.secret(cfg.alertmanager.receivers[r].url!.reveal())])))
          .apply((urls) => alertmanagerConfig(cfg, urls)),
      ),
    };

    const network = new docker.Network(`${name}-network`, { name: d.network, driver: "bridge" }, parent);
    const workloads = [d.hub, d.neo4j, d.ollama, d.loadBalancer, d.prometheus, d.alertmanager, d.grafana, ...d.exporters, d.objectStore, d.backup];
    const volumeNames = [...new Set(workloads.flatMap((w) => w.volumes.map((v) => v.name)))];
    const volumes = volumeNames.map(
      (v) =>
        new docker.Volume(
          `${name}-${v}`,
          { name: dockerVolumeName(v), labels: [{ label: "app.kubernetes.io/part-of", value: "mcp-superserver" }] },
          { ...parent, retainOnDelete: PRECIOUS_VOLUMES.has(v) },
        ),
    );
    const platform = new DockerPlatform(network, secrets, cfg.docker.bindAddress);
    const on = (...deps: pulumi.Resource[]) => ({ platform, dependsOn: [...volumes, ...deps] });

    const neo4j = new Neo4j(`${name}-neo4j`, { workload: d.neo4j, ...on() }, parent);
    const ollama = new Ollama(`${name}-ollama`, { workload: d.ollama, ...on() }, parent);
    const hub = new Hub(`${name}-hub`, { workload: d.hub, ...on(neo4j, ollama) }, parent);
    new LoadBalancer(`${name}-lb`, { workload: d.loadBalancer, ...on(hub) }, parent);
    const alertmanager = new Alertmanager(`${name}-alertmanager`, { workload: d.alertmanager, ...on() }, parent);
    const exporters = d.exporters.map((w) => new Exporter(`${name}-${w.name}`, { workload: w, ...on() }, parent));
    const prometheus = new Prometheus(`${name}-prometheus`, { workload: d.prometheus, ...on(alertmanager, ...exporters) }, parent);
    new Grafana(`${name}-grafana`, { workload: d.grafana, ...on(prometheus) }, parent);

    const host = cfg.docker.bindAddress === "0.0.0.0" ? "localhost" : cfg.docker.bindAddress;
    const backup = new BackupBucket(
      `${name}-backup`,
      {
        platform,
        bucket: d.bucket,
        retentionDays: cfg.backup.retentionDays,
        objectStore: d.objectStore,
        job: d.backup,
        endpoint: `http://${host}:${cfg.backup.objectStorePort}`,
        objectStorePassword: secrets["object-store-password"],
        dependsOn: [...volumes, neo4j],
      },
      parent,
    );

    this.loadBalancerUrl = pulumi.output(`http://${host}:${cfg.loadBalancer.port}`);
    this.healthUrl = pulumi.output(`http://${host}:${cfg.loadBalancer.port}/health`);
    this.prometheusUrl = pulumi.output(`http://${host}:${cfg.prometheus.port}`);
    this.alertmanagerUrl = pulumi.output(`http://${host}:${cfg.alertmanager.port}`);
    this.grafanaUrl = pulumi.output(`http://${host}:${cfg.grafana.port}`);
    this.neo4jBoltUri = pulumi.output(`bolt://${host}:${PORT.neo4jBolt}`);
    this.backupBucket = backup.bucketName;
    this.neo4jPassword = secrets["neo4j-password"];
    this.grafanaAdminPassword = secrets["grafana-admin-password"];
    this.registerOutputs({
      loadBalancerUrl: this.loadBalancerUrl,
      healthUrl: this.healthUrl,
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      neo4jBoltUri: this.neo4jBoltUri,
      backupBucket: this.backupBucket,
      neo4jPassword: this.neo4jPassword,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
