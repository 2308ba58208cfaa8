import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { createObject } from "../kubernetes/platform";
import { devicePluginDaemonSet, eksKubeconfig, gp3StorageClass, type KubeconfigAuth } from "./clusterObjects";
import { createControllers } from "./controllers";
import { createEks, eksClusterName } from "./eks";

export interface KubernetesClusterArgs {
  config: StackConfig;
  stack: string;
}

/** The AWS provider's profile and first assumed role (`aws:profile`, `aws:assumeRoles`), for the kubeconfig. */
function awsProviderAuth(): KubeconfigAuth {
  const awsConfig = new pulumi.Config("aws");
  const roles = awsConfig.getObject<{ roleArn?: string }[]>("assumeRoles") ?? [];
  return { profile: awsConfig.get("profile"), roleArn: roles[0]?.roleArn };
}

/**
 * The cluster the workloads run on, and the Kubernetes provider every Kubernetes resource uses.
 * create: a new EKS cluster with its VPC, node groups and add-ons, plus the gp3 StorageClass,
 * the NVIDIA device plugin, the cluster autoscaler and the AWS Load Balancer Controller.
 * existing: only a provider for the cluster in `cluster.kubeconfig`, which is expected to have
 * `kubernetes.storageClass`, the device plugin and the AWS Load Balancer Controller already.
 */
export class KubernetesCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  /** The IAM OIDC provider that IRSA roles trust. */
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  /** Create mode: the KMS key of the cluster's Secrets. */
  public readonly secretsKeyArn?: pulumi.Output<string>;
  /** What workloads must wait for (system node group, add-ons, access entries, storage class). */
  public readonly ready: pulumi.Resource[];
  /** What GPU workloads wait for as well (the GPU node group and the device plugin). */
  public readonly gpuReady: pulumi.Resource[];
  /**
   * What the nginx Service waits for: the AWS Load Balancer Controller serving. On destroy the
   * Service goes first, so the controller is still there to delete the NLB and lift its finalizer.
   */
  public readonly loadBalancerReady: pulumi.Resource[];

  constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:cluster:KubernetesCluster", name, {}, opts);
    const c = args.config.cluster;
    const parent = { parent: this };
    if (c.mode === "existing") {
      this.provider = new k8s.Provider(`${name}-provider`, { kubeconfig: pulumi.secret(c.kubeconfig!.reveal()), enableServerSideApply: true }, parent);
      this.oidcProviderArn = pulumi.output(c.oidcProviderArn!);
      this.clusterName = pulumi.output("existing");
      this.ready = [];
      this.gpuReady = [];
      this.loadBalancerReady = [];
    } else {
      const eks = createEks(name, args.config, args.stack, parent);
      const region = aws.getRegionOutput({}, parent);
      const kubeconfig = pulumi
        .all([eks.cluster.name, eks.cluster.endpoint, eks.cluster.certificateAuthority, region.region])
        .apply(([clusterName, endpoint, ca, r]) => eksKubeconfig(clusterName, endpoint, ca.data!, r, awsProviderAuth()));
      this.provider = new k8s.Provider(
        `${name}-provider`,
        { kubeconfig: pulumi.secret(kubeconfig), enableServerSideApply: true },
        { ...parent, dependsOn: eks.ready },
      );
      const storageClass = createObject(name, gp3StorageClass(args.config.kubernetes.storageClass), this.provider, { ...parent, dependsOn: eks.ready });
      const devicePlugin = createObject(name, devicePluginDaemonSet(c.devicePluginImage), this.provider, { ...parent, dependsOn: eks.ready });
      this.oidcProviderArn = eks.oidcProviderArn;
      this.clusterName = eks.cluster.name;
      this.secretsKeyArn = eks.secretsKeyArn;
      this.ready = [...eks.ready, storageClass];
      this.gpuReady = [...eks.gpuReady, devicePlugin];
      const controllers = createControllers(
        name,
        { config: args.config, clusterName: eksClusterName(args.stack), region: region.region, vpcId: eks.vpcId, oidcProviderArn: eks.oidcProviderArn, provider: this.provider, ready: eks.ready },
        this,
      );
      this.loadBalancerReady = [controllers.loadBalancerController];
    }
    this.registerOutputs({ oidcProviderArn: this.oidcProviderArn, clusterName: this.clusterName });
  }
}
