import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BackupBucket } from "./backup/dockerBackup";
import type { StackConfig } from "./config/schema";
import { stackWorkloads } from "./docker/budget";
import { keptPassword } from "./docker/keptSecret";
import { dockerContainerName, dockerVolumeName } from "./docker/naming";
import { KubernetesCluster } from "./cluster/cluster";
import { DockerPlatform } from "./docker/platform";
import { describeDockerStack } from "./docker/stack";
import { KubernetesPlatform } from "./kubernetes/platform";
import { containerPort, describeKubernetesStack } from "./kubernetes/stack";
import { previewRoleAccess } from "./cluster/previewRole";
import { LocalImage, RegistryImage } from "./image";
import type { StackSecrets, Target } from "./workloads/target";
import { RESTORE_CRONJOB } from "./kubernetes/backupJob";
import type { RestoreTarget } from "./backup/restoreTarget";
import { S3Backup } from "./backup/s3Backup";
import { Alertmanager, Exporter, Grafana, Hub, LoadBalancer, Neo4j, Ollama, Prometheus } from "./services/components";
import { RESTORE_SCRIPT_PATH } from "./workloads/backup";
import { alertmanagerConfig, configuredReceivers } from "./workloads/monitoring";
import { clientTokensFile } from "./render/nginxAuth";
import { PROBE_CLIENT, probeNeedsToken } from "./config/rules/edge";
import { PORT, SERVICE, type Workload } from "./workloads/types";

export interface McpSuperserverArgs {
  config: StackConfig;
  /** Stack name; names the Docker network or the EKS cluster, and the backup bucket. */
  stack: string;
  /** Docker target: the stack's secrets passphrase, from which the kept Neo4j password is derived (docker/keptSecret.ts). */
  passphrase?: pulumi.Input<string>;
}

interface Endpoints {
  loadBalancerUrl: pulumi.Output<string>;
  prometheusUrl: pulumi.Output<string>;
  alertmanagerUrl: pulumi.Output<string>;
  grafanaUrl: pulumi.Output<string>;
  neo4jBoltUri: pulumi.Output<string>;
  backupBucket: pulumi.Output<string>;
  /** What `npm run restore` talks to (scripts/restore.ts). */
  restoreTarget: pulumi.Output<RestoreTarget>;
}

type Described = Workload | { workload: Workload };

interface ServiceOptions {
  /** The built hub image, when the stack builds it. */
  hubImage?: pulumi.Input<string>;
  /** What Ollama waits for before it is placed: the GPU node group. */
  gpu?: pulumi.Resource[];
  /** Whether the hub waits for Ollama (Docker: yes; Kubernetes: no, the GPU group may take long or never come). */
  hubWaitsForOllama?: boolean;
  /** What the load balancer waits for (Kubernetes: the AWS Load Balancer Controller). */
  loadBalancerReady?: pulumi.Resource[];
}
/** The services of either target's description (Docker: workloads; Kubernetes: planned workloads). */
type ServiceWorkloads = Record<"hub" | "neo4j" | "ollama" | "loadBalancer" | "prometheus" | "alertmanager" | "grafana", Described> & { exporters: Described[] };

/** Volumes whose loss would lose data or a long download: kept when the stack is destroyed. */
export const PRECIOUS_VOLUMES = new Set(["neo4j-data", "ollama-models", "backup-objects"]);

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
    const endpoints = cfg.target === "docker" ? this.onDocker(name, args, secrets) : this.onKubernetes(name, args, secrets);
    this.loadBalancerUrl = endpoints.loadBalancerUrl;
    this.healthUrl = endpoints.loadBalancerUrl.apply((url) => `${url}/health`);
    this.prometheusUrl = endpoints.prometheusUrl;
    this.alertmanagerUrl = endpoints.alertmanagerUrl;
    this.grafanaUrl = endpoints.grafanaUrl;
    this.neo4jBoltUri = endpoints.neo4jBoltUri;
    this.backupBucket = endpoints.backupBucket;
    this.restoreTarget = endpoints.restoreTarget;
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

  /** Dev: every service in a Docker container on one network, the bucket in MinIO. */
  private onDocker(name: string, args: McpSuperserverArgs, secrets: StackSecrets): Endpoints {
    const cfg = args.config;
    const parent = { parent: this };
    const d = describeDockerStack(cfg, args.stack);
    const network = new docker.Network(`${name}-network`, { name: d.network, driver: "bridge" }, parent);
    const workloads = stackWorkloads(d);
    const volumeNames = [...new Set(workloads.flatMap((w) => w.volumes.map((v) => v.name)))];
    const volumes = volumeNames.map(
      (v) =>
        new docker.Volume(
          `${name}-${v}`,
          { name: dockerVolumeName(v), labels: [{ label: "app.kubernetes.io/part-of", value: "mcp-superserver" }] },
          { ...parent, retainOnDelete: PRECIOUS_VOLUMES.has(v) },
        ),
    );
    const platform = new DockerPlatform(network, secrets, cfg.docker);
    const services = this.services(name, d, platform, volumes, { hubImage: this.hubImage(name, d.hub, "docker", args.stack) });
    const host = cfg.docker.bindAddress === "0.0.0.0" ? "localhost" : cfg.docker.bindAddress;
    const backup = new BackupBucket(
      `${name}-backup`,
      {
        platform,
        bucket: d.bucket,
        objectStore: d.objectStore,
        job: d.backup,
        dockerApi: d.backupDockerApi,
        endpoint: `http://${host}:${cfg.backup.objectStorePort}`,
        objectStorePassword: secrets["object-store-password"]!,
        dependsOn: [...volumes, services.neo4j],
      },
      parent,
    );
    return {
      loadBalancerUrl: pulumi.output(`http://${host}:${cfg.loadBalancer.port}`),
      prometheusUrl: pulumi.output(`http://${host}:${cfg.prometheus.port}`),
      alertmanagerUrl: pulumi.output(`http://${host}:${cfg.alertmanager.port}`),
      grafanaUrl: pulumi.output(`http://${host}:${cfg.grafana.port}`),
      neo4jBoltUri: pulumi.output(`bolt://${host}:${PORT.neo4jBolt}`),
      backupBucket: backup.bucketName,
      restoreTarget: pulumi.output({ target: "docker" as const, container: dockerContainerName(SERVICE.backup), restoreCommand: RESTORE_SCRIPT_PATH }),
    };
  }

  /** Prod: an EKS cluster (or an existing one), every service on Kubernetes, backups in S3. */
  private onKubernetes(name: string, args: McpSuperserverArgs, secrets: StackSecrets): Endpoints {
    const cfg = args.config;
    const parent = { parent: this };
    const k = describeKubernetesStack(cfg, args.stack);
    const cluster = new KubernetesCluster(`${name}-cluster`, { config: cfg, stack: args.stack }, parent);
    const planned = [k.hub, k.neo4j, k.ollama, k.loadBalancer, k.prometheus, k.alertmanager, k.grafana, ...k.exporters];
    const platform = new KubernetesPlatform(cluster.provider, secrets, Object.fromEntries(planned.map((p) => [p.workload.name, p.plan])));
    const namespaces = platform.apply(`${name}-namespace`, k.namespaces, { parent: this, dependsOn: cluster.ready });
    const base = [
      ...cluster.ready,
      ...namespaces,
      ...platform.apply(`${name}-policy`, k.shared, { parent: this, dependsOn: namespaces }),
      ...platform.apply(`${name}-node-policy`, k.nodeShared, { parent: this, dependsOn: namespaces }),
    ];
    // The CPU services do not wait for the GPU node group: only Ollama does, so a GPU quota of 0
    // (common on new accounts) leaves Ollama Pending and deploys everything else.
    const services = this.services(name, k, platform, base, {
      gpu: cluster.gpuReady,
      hubWaitsForOllama: false,
      loadBalancerReady: cluster.loadBalancerReady,
      hubImage: this.hubImage(name, k.hub.workload, "kubernetes", args.stack),
    });
    const backup = new S3Backup(
      `${name}-backup`,
      {
        bucket: k.bucket,
        prefix: cfg.backup.prefix,
        namespace: k.namespace,
        serviceAccount: k.backupServiceAccount,
        objects: k.backup,
        platform,
        oidcProviderArn: cluster.oidcProviderArn,
        dependsOn: [...base, services.neo4j],
      },
      parent,
    );
    if (cfg.cluster.previewRole && cluster.secretsKeyArn) {
      previewRoleAccess(
        `${name}-preview-role`,
        { roleName: cfg.cluster.previewRole, clusterName: cluster.clusterName, bucketName: backup.bucketName, secretsKeyArn: cluster.secretsKeyArn },
        parent,
      );
    }
    const fqdn = (service: string) => `${service}.${k.namespace}.svc.${cfg.kubernetes.clusterDomain}`;
    const lbService = platform.service(k.loadBalancer.workload.name)!;
    const lbHost =
      cfg.loadBalancer.serviceType === "LoadBalancer"
        ? lbService.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? s?.loadBalancer?.ingress?.[0]?.ip ?? fqdn(k.loadBalancer.workload.name))
        : pulumi.output(fqdn(k.loadBalancer.workload.name));
    // Service ports are the container ports on Kubernetes (see kubernetes/objects.ts).
    const http = (p: { workload: Workload }) => containerPort(p.workload, "http");
    return {
      loadBalancerUrl: pulumi.interpolate`http://${lbHost}:${http(k.loadBalancer)}`,
      // In-cluster addresses: reach them with `kubectl port-forward` (they are not exposed).
      prometheusUrl: pulumi.output(`http://${fqdn(SERVICE.prometheus)}:${http(k.prometheus)}`),
      alertmanagerUrl: pulumi.output(`http://${fqdn(SERVICE.alertmanager)}:${http(k.alertmanager)}`),
      grafanaUrl: pulumi.output(`http://${fqdn(SERVICE.grafana)}:${http(k.grafana)}`),
      neo4jBoltUri: pulumi.output(`bolt://${fqdn(SERVICE.neo4j)}:${PORT.neo4jBolt}`),
      backupBucket: backup.bucketName,
      restoreTarget: backup.bucketName.apply((bucket) => ({
        target: "kubernetes" as const,
        namespace: k.namespace,
        cronJob: RESTORE_CRONJOB,
        statefulSet: SERVICE.neo4j,
        bucket,
        prefix: cfg.backup.prefix,
      })),
    };
  }

  /**
   * The hub image when the stack builds it (`hub.source`): on the local engine for Docker, pushed
   * to the stack's ECR repository for Kubernetes. A prebuilt `hub.image` is pulled as it is.
   */
  private hubImage(name: string, hub: Workload, target: "docker" | "kubernetes", stack: string): pulumi.Output<string> | undefined {
    if (!("build" in hub.image)) return undefined;
    const [repository, tag] = hub.image.ref.split(":");
    const args = { context: hub.image.build.context, tag, repository };
    const opts = { parent: this };
    return target === "docker"
      ? new LocalImage(`${name}-hub-image`, args, opts).ref
      : new RegistryImage(`${name}-hub-image`, { ...args, repository: `${repository}-${stack}` }, opts).ref;
  }

  /** The services, the same components on both targets; only the platform differs. */
  private services(name: string, s: ServiceWorkloads, platform: Target, base: pulumi.Resource[], o: ServiceOptions = {}) {
    const parent = { parent: this };
    const wl = (p: Described) => ("workload" in p ? p.workload : p);
    const on = (...deps: pulumi.Resource[]) => ({ platform, dependsOn: [...base, ...deps] });
    const neo4j = new Neo4j(`${name}-neo4j`, { workload: wl(s.neo4j), ...on() }, parent);
    const ollama = new Ollama(`${name}-ollama`, { workload: wl(s.ollama), ...on(...(o.gpu ?? [])) }, parent);
    const hubDeps = o.hubWaitsForOllama === false ? [neo4j] : [neo4j, ollama];
    const hub = new Hub(`${name}-hub`, { workload: wl(s.hub), image: o.hubImage, ...on(...hubDeps) }, parent);
    new LoadBalancer(`${name}-lb`, { workload: wl(s.loadBalancer), ...on(hub, ...(o.loadBalancerReady ?? [])) }, parent);
    const alertmanager = new Alertmanager(`${name}-alertmanager`, { workload: wl(s.alertmanager), ...on() }, parent);
    const exporters = s.exporters.map((e) => new Exporter(`${name}-${wl(e).name}`, { workload: wl(e), ...on() }, parent));
    const prometheus = new Prometheus(`${name}-prometheus`, { workload: wl(s.prometheus), ...on(alertmanager, ...exporters) }, parent);
    new Grafana(`${name}-grafana`, { workload: wl(s.grafana), ...on(prometheus) }, parent);
    return { neo4j };
  }
}
