/** The prod target: an EKS cluster (or an existing one), every service on Kubernetes, backups in S3. */
import * as pulumi from "@pulumi/pulumi";
import type { BackupParts } from "../backup/component";
import { S3_BACKUP_TYPE, s3Backup } from "../backup/s3";
import { KubernetesCluster } from "../cluster/cluster";
import { previewRoleAccess } from "../cluster/previewRole";
import type { StackConfig } from "../config/schema";
import { RegistryImage, imageBuild } from "../image";
import { RESTORE_CRONJOB } from "../kubernetes/backupJob";
import type { Planned, WorkloadPlan } from "../kubernetes/plan";
import { KubernetesPlatform } from "../kubernetes/platform";
import { containerPort, describeKubernetesStack, serviceFqdn, type KubernetesStack } from "../kubernetes/stack";
import type { DeployOptions, DeployedWorkload, StackSecrets } from "../workloads/platform";
import { PORT, SERVICE, type Workload } from "../workloads/types";
import type { Endpoints, Target } from "./types";

/** A workload whose rollout waits for pods on the GPU node group. */
const onGpuNodes = (plan: WorkloadPlan) => plan.gpuNode === true && plan.kind !== "DaemonSet";

export class KubernetesTarget implements Target<Planned> {
  readonly kind = "kubernetes" as const;
  readonly backupType = S3_BACKUP_TYPE;
  readonly services: Record<string, Planned>;
  readonly base: pulumi.Resource[];
  private readonly described: KubernetesStack;
  private readonly cluster: KubernetesCluster;
  private readonly platform: KubernetesPlatform;

  constructor(
    private readonly name: string,
    private readonly cfg: StackConfig,
    private readonly stack: string,
    secrets: StackSecrets,
    private readonly parent: pulumi.Resource,
  ) {
    const k = (this.described = describeKubernetesStack(cfg, stack));
    this.cluster = new KubernetesCluster(`${name}-cluster`, { config: cfg, stack }, { parent });
    this.platform = new KubernetesPlatform(this.cluster.provider, secrets);
    const namespaces = this.platform.apply(`${name}-namespace`, k.namespaces, { parent, dependsOn: this.cluster.ready });
    this.base = [
      ...this.cluster.ready,
      ...namespaces,
      ...this.platform.apply(`${name}-policy`, k.shared, { parent, dependsOn: namespaces }),
      ...this.platform.apply(`${name}-node-policy`, k.nodeShared, { parent, dependsOn: namespaces }),
    ];
    this.services = k.services;
  }

  deploy(name: string, placed: Planned, opts: DeployOptions): DeployedWorkload {
    return this.platform.deploy(name, placed, opts);
  }

  /**
   * A Deployment on the GPU node group (Ollama) waits for the group and the device plugin that
   * advertises its GPUs; the nginx Service for the controller that makes it an NLB. A DaemonSet
   * there (DCGM) waits for nothing: with no GPU node yet its rollout is done at once.
   */
  prerequisites({ plan }: Planned): pulumi.Resource[] {
    return [...(onGpuNodes(plan) ? this.cluster.gpuReady : []), ...(plan.service?.type === "LoadBalancer" ? this.cluster.loadBalancerReady : [])];
  }

  /**
   * Nothing waits for a Deployment on the GPU node group: its rollout waits for a Ready pod, and a
   * GPU quota of 0 (common on new accounts) would hold every service behind it.
   */
  awaitable({ plan }: Planned): boolean {
    return !onGpuNodes(plan);
  }

  builtImage(name: string, w: Workload): pulumi.Output<string> | undefined {
    const build = imageBuild(w);
    return build && new RegistryImage(name, { ...build, repository: `${build.repository}-${this.stack}` }, { parent: this.parent }).ref;
  }

  createBackup(name: string, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[]): BackupParts {
    const k = this.described;
    const backup = s3Backup(name, parent, {
      bucket: k.bucket,
      prefix: this.cfg.backup.prefix,
      namespace: k.namespace,
      serviceAccount: k.backupServiceAccount,
      objects: k.backup,
      platform: this.platform,
      oidcProviderArn: this.cluster.oidcProviderArn,
      dependsOn,
    });
    // The CI preview role reads the bucket: it is granted with it.
    if (this.cfg.cluster.previewRole && this.cluster.secretsKeyArn) {
      previewRoleAccess(
        `${this.name}-preview-role`,
        { roleName: this.cfg.cluster.previewRole, clusterName: this.cluster.clusterName, bucketName: backup.bucketName, secretsKeyArn: this.cluster.secretsKeyArn },
        { parent: this.parent },
      );
    }
    return {
      bucketName: backup.bucketName,
      restoreTarget: backup.bucketName.apply((bucket) => ({
        target: "kubernetes" as const,
        namespace: k.namespace,
        cronJob: RESTORE_CRONJOB,
        statefulSet: SERVICE.neo4j,
        bucket,
        prefix: this.cfg.backup.prefix,
      })),
      outputs: { roleArn: backup.roleArn },
    };
  }

  endpoints(): Endpoints {
    const k = this.described;
    const fqdn = (service: string) => serviceFqdn(this.cfg, service);
    const lb = k.services.loadBalancer.workload;
    const lbService = this.platform.service(lb.name)!;
    const lbHost =
      this.cfg.loadBalancer.serviceType === "LoadBalancer"
        ? lbService.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname ?? s?.loadBalancer?.ingress?.[0]?.ip ?? fqdn(lb.name))
        : pulumi.output(fqdn(lb.name));
    // Service ports are the container ports on Kubernetes (see kubernetes/objects.ts).
    const http = (w: Workload) => containerPort(w, "http");
    return {
      loadBalancerUrl: pulumi.interpolate`http://${lbHost}:${http(lb)}`,
      // In-cluster addresses: reach them with `kubectl port-forward` (they are not exposed).
      prometheusUrl: pulumi.output(`http://${fqdn(SERVICE.prometheus)}:${http(k.services.prometheus.workload)}`),
      alertmanagerUrl: pulumi.output(`http://${fqdn(SERVICE.alertmanager)}:${http(k.services.alertmanager.workload)}`),
      grafanaUrl: pulumi.output(`http://${fqdn(SERVICE.grafana)}:${http(k.services.grafana.workload)}`),
      neo4jBoltUri: pulumi.output(`bolt://${fqdn(SERVICE.neo4j)}:${PORT.neo4jBolt}`),
    };
  }
}
