/**
 * A new EKS cluster: its VPC (or the configured one), the cluster with an OIDC provider for
 * IRSA, the system and GPU managed node groups, and the EKS add-ons (VPC CNI, CoreDNS,
 * kube-proxy, EBS CSI driver with its own IRSA role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { GPU_NODE_LABEL, GPU_TAINT, POOL_LABEL } from "../kubernetes/plan";
import { autoscalerDiscoveryTags } from "./clusterAutoscaler";
import { upgradeSupportType } from "../catalog/eksVersions";
import { assumeRoleByService, irsaTrustPolicy } from "./irsa";
import { subnetPlan, usableAzs } from "./network";
import { accountRootArn, clusterKeyUsePolicy, secretsKeyPolicy } from "./secretsKeyPolicy";

const AWS_POLICY = "arn:aws:iam::aws:policy";

/** The EKS cluster's name: known before it exists, so the autoscaler's tags and policy can name it. */
export const eksClusterName = (stack: string) => `mcp-superserver-${stack}`;

export interface EksParts {
  cluster: aws.eks.Cluster;
  vpcId: pulumi.Input<string>;
  oidcProviderArn: pulumi.Output<string>;
  /** The KMS key that envelope-encrypts the cluster's Secrets. */
  secretsKeyArn: pulumi.Output<string>;
  /** What Kubernetes objects must wait for: the system node group, the add-ons and the access entries. */
  ready: pulumi.Resource[];
  /** What only GPU work waits for: the GPU node group (a GPU quota of 0 must not hold the rest back). */
  gpuReady: pulumi.Resource[];
}

interface Subnets {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  publicSubnetIds: pulumi.Input<string>[];
}

function createVpc(name: string, cfg: StackConfig, opts: pulumi.CustomResourceOptions): Subnets {
  const azNames: pulumi.Output<string[]> = cfg.cluster.availabilityZones
    ? pulumi.output(cfg.cluster.availabilityZones)
    : aws
        .getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts)
        .apply((zones) => usableAzs(zones.names, zones.zoneIds));
  const tags = (n: string, extra: Record<string, string> = {}) => ({ Name: n, "mcp-superserver/cluster": name, ...extra });
  const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: cfg.cluster.vpc.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags(`${name}-vpc`) }, opts);
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags(`${name}-igw`) }, opts);
  const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tags(`${name}-public`) }, opts);
  const subnets = subnetPlan(cfg.cluster.vpc.cidr).map((s) => {
    const kind = s.public ? "public" : "private";
    const subnet = new aws.ec2.Subnet(
      `${name}-${kind}-${s.az}`,
      {
        vpcId: vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: azNames.apply((names) => names[s.az]),
        mapPublicIpOnLaunch: false,
        // Where the AWS Load Balancer Controller puts internet-facing and internal load balancers
        // (its subnet discovery by role tag, docs/deploy/subnet_discovery.md).
        tags: tags(`${name}-${kind}-${s.az}`, s.public ? { "kubernetes.io/role/elb": "1" } : { "kubernetes.io/role/internal-elb": "1" }),
      },
      opts,
    );
    return { ...s, subnet };
  });
  const publicSubnets = subnets.filter((s) => s.public);
  const privateSubnets = subnets.filter((s) => !s.public);
  publicSubnets.forEach((s) => new aws.ec2.RouteTableAssociation(`${name}-public-${s.az}`, { subnetId: s.subnet.id, routeTableId: publicRoutes.id }, opts));
  // One NAT gateway per AZ: losing an AZ never cuts the others off from ECR, S3 and the model registry.
  privateSubnets.forEach((s) => {
    const eip = new aws.ec2.Eip(`${name}-nat-${s.az}`, { domain: "vpc", tags: tags(`${name}-nat-${s.az}`) }, opts);
    const nat = new aws.ec2.NatGateway(
      `${name}-nat-${s.az}`,
      { allocationId: eip.id, subnetId: publicSubnets[s.az].subnet.id, tags: tags(`${name}-nat-${s.az}`) },
      { ...opts, dependsOn: [igw] },
    );
    const routes = new aws.ec2.RouteTable(
      `${name}-private-${s.az}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: tags(`${name}-private-${s.az}`) },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${s.az}`, { subnetId: s.subnet.id, routeTableId: routes.id }, opts);
  });
  return { vpcId: vpc.id, privateSubnetIds: privateSubnets.map((s) => s.subnet.id), publicSubnetIds: publicSubnets.map((s) => s.subnet.id) };
}

/**
 * A role and its managed-policy attachments. What uses the role must depend on the attachments,
 * not only on the role's ARN: EKS checks the policies when it creates the cluster or a node group
 * ("role doesn't have the Amazon EKS Managed Policies"), and on destroy the attachments must go
 * last. pulumi-eks does the same: its ServiceRole (nodejs/eks/servicerole.ts) resolves the role
 * only after every attachment's id.
 */
interface RoleWithPolicies {
  role: aws.iam.Role;
  attachments: aws.iam.RolePolicyAttachment[];
}

function attachPolicies(name: string, role: aws.iam.Role, policies: string[], opts: pulumi.CustomResourceOptions): aws.iam.RolePolicyAttachment[] {
  return policies.map((p) => new aws.iam.RolePolicyAttachment(`${name}-${p.split("/").pop()}`, { role: role.name, policyArn: `${AWS_POLICY}/${p}` }, opts));
}

function roleWithPolicies(name: string, service: string, policies: string[], opts: pulumi.CustomResourceOptions): RoleWithPolicies {
  const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(assumeRoleByService(service)) }, opts);
  return { role, attachments: attachPolicies(name, role, policies, opts) };
}

export function createEks(name: string, cfg: StackConfig, stack: string, opts: pulumi.CustomResourceOptions): EksParts {
  const c = cfg.cluster;
  const net: Subnets = c.vpc.id
    ? { vpcId: c.vpc.id, privateSubnetIds: c.vpc.privateSubnetIds ?? [], publicSubnetIds: c.vpc.publicSubnetIds ?? [] }
    : createVpc(name, cfg, opts);
  const clusterRole = roleWithPolicies(`${name}-cluster-role`, "eks.amazonaws.com", ["AmazonEKSClusterPolicy"], opts);
  const caller = aws.getCallerIdentityOutput({}, opts);
  const secretsKey = secretsEncryptionKey(name, cfg, clusterRole.role, caller.arn, opts);
  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: eksClusterName(stack),
      version: c.version,
      // Unset, EKS uses EXTENDED: a cluster silently billed at extended-support prices.
      upgradePolicy: { supportType: upgradeSupportType(c.version, new Date()) },
      roleArn: clusterRole.role.arn,
      vpcConfig: {
        subnetIds: [...net.privateSubnetIds, ...net.publicSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: c.endpointAccess === "public",
        ...(c.endpointAccess === "public" ? { publicAccessCidrs: c.apiAllowedCidrs } : {}),
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      // Envelope encryption of Secrets with our key. EKS 1.28+ already envelope-encrypts every API
      // object with an AWS-owned key (EKS User Guide, "Default envelope encryption for all
      // Kubernetes API Data"); our key adds a key policy of our own, CloudTrail records of each
      // use, rotation, and revocation. It cannot be removed from a cluster once set.
      encryptionConfig: { provider: { keyArn: secretsKey.keyArn }, resources: ["secrets"] },
    },
    // The API server must be able to use the key from its first Secret: the cluster waits for the
    // key (and its policy) as it waits for the role's policy attachments (RoleWithPolicies above).
    { ...opts, dependsOn: [...clusterRole.attachments, ...secretsKey.dependsOn] },
  );
  const oidc = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!), clientIdLists: ["sts.amazonaws.com"] },
    opts,
  );
  const nodeRole = roleWithPolicies(
    `${name}-node-role`,
    "ec2.amazonaws.com",
    ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"],
    opts,
  );
  const nodeGroup = (group: "system" | "gpu", args: Partial<aws.eks.NodeGroupArgs>, sizes: { minSize: number; desiredSize: number; maxSize: number; diskSizeGiB: number }) =>
    new aws.eks.NodeGroup(
      `${name}-${group}-nodes`,
      {
        clusterName: cluster.name,
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: net.privateSubnetIds,
        scalingConfig: { minSize: sizes.minSize, desiredSize: sizes.desiredSize, maxSize: sizes.maxSize },
        diskSize: sizes.diskSizeGiB,
        updateConfig: { maxUnavailable: 1 },
        // EKS tags the group's Auto Scaling group with these itself; on the node group they say which autoscaler owns it.
        tags: c.autoscaler.enabled ? autoscalerDiscoveryTags(eksClusterName(stack)) : {},
        ...args,
      },
      // The autoscaler owns the node count once it runs: `pulumi up` must not reset it.
      { ...opts, dependsOn: nodeRole.attachments, ...(c.autoscaler.enabled ? { ignoreChanges: ["scalingConfig.desiredSize"] } : {}) },
    );
  const system = nodeGroup(
    "system",
    { amiType: "AL2023_x86_64_STANDARD", instanceTypes: c.systemNodes.instanceTypes, labels: { [POOL_LABEL]: "system" } },
    c.systemNodes,
  );
  const gpu = nodeGroup(
    "gpu",
    {
      amiType: "AL2023_x86_64_NVIDIA",
      // The first type is preferred; the others are tried in order when it has no capacity (an
      // On-Demand managed node group uses the "prioritized" allocation strategy).
      instanceTypes: [c.gpuNodes.instanceType, ...c.gpuNodes.fallbackInstanceTypes],
      // One AZ: Ollama's models sit on a zonal EBS volume, so a GPU node replaced in another AZ
      // would leave Ollama Pending. The volume is made where the first pod lands (WaitForFirstConsumer).
      subnetIds: [net.privateSubnetIds[0]],
      labels: { [POOL_LABEL]: "gpu", [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value },
      taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
    },
    c.gpuNodes,
  );
  const ebsRole = new aws.iam.Role(
    `${name}-ebs-csi-role`,
    { assumeRolePolicy: oidc.arn.apply((arn) => JSON.stringify(irsaTrustPolicy(arn, "kube-system", "ebs-csi-controller-sa"))) },
    opts,
  );
  const ebsAttachments = attachPolicies(`${name}-ebs-csi-role`, ebsRole, ["service-role/AmazonEBSCSIDriverPolicy"], opts);
  const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}, attachments: aws.iam.RolePolicyAttachment[] = []) =>
    new aws.eks.Addon(
      `${name}-${addonName}`,
      { clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE", ...extra },
      // CoreDNS and the CSI controller are Deployments: they need nodes to become healthy. The
      // VPC CNI runs with the node role's AmazonEKS_CNI_Policy, which the system group waits for.
      { ...opts, dependsOn: [system, ...attachments] },
    );
  const addons = [
    // The VPC CNI enforces NetworkPolicies only when asked to; the namespace relies on them.
    addon("vpc-cni", { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }),
    addon("kube-proxy"),
    addon("coredns"),
    addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }, ebsAttachments),
    // VolumeSnapshot API and controller: the Community backup snapshots the live Neo4j volume.
    addon("snapshot-controller"),
    // The hub's HorizontalPodAutoscaler reads CPU from the metrics API.
    addon("metrics-server"),
  ];
  const access = accessEntries(name, cfg, cluster, caller.arn, opts);
  return { cluster, vpcId: net.vpcId, oidcProviderArn: oidc.arn, secretsKeyArn: secretsKey.keyArn, ready: [system, ...addons, ...access], gpuReady: [gpu] };
}

interface SecretsKey {
  keyArn: pulumi.Output<string>;
  /** What the cluster waits for: the key, or the cluster role's IAM permission on a key of the user's own. */
  dependsOn: pulumi.Resource[];
}

/**
 * The KMS key of the Secrets: the configured one (the cluster role gets its use through IAM, which
 * that key's policy must allow), or one the stack creates, symmetric, rotated yearly by KMS, whose
 * policy names the cluster role (secretsKeyPolicy.ts).
 */
function secretsEncryptionKey(name: string, cfg: StackConfig, clusterRole: aws.iam.Role, callerArn: pulumi.Output<string>, opts: pulumi.CustomResourceOptions): SecretsKey {
  const e = cfg.cluster.secretsEncryption;
  if (e.keyArn) {
    const use = new aws.iam.RolePolicy(`${name}-cluster-role-secrets-key`, { role: clusterRole.name, policy: JSON.stringify(clusterKeyUsePolicy(e.keyArn)) }, opts);
    return { keyArn: pulumi.output(e.keyArn), dependsOn: [use] };
  }
  const key = new aws.kms.Key(
    `${name}-secrets-key`,
    {
      description: `Envelope encryption of the Kubernetes Secrets of ${name}`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      deletionWindowInDays: e.deletionWindowDays,
      policy: pulumi.all([callerArn, clusterRole.arn]).apply(([caller, role]) => JSON.stringify(secretsKeyPolicy(accountRootArn(caller), role))),
    },
    opts,
  );
  return { keyArn: key.arn, dependsOn: [key] };
}

/** EKS access policies by the config's names (EKS User Guide, "Review access policy permissions"). */
const ACCESS_POLICIES = {
  view: "AmazonEKSViewPolicy",
  edit: "AmazonEKSEditPolicy",
  admin: "AmazonEKSAdminPolicy",
  "cluster-admin": "AmazonEKSClusterAdminPolicy",
} as const;

/**
 * One access entry per principal, with its access policy associated cluster-wide, as pulumi-eks
 * does it (nodejs/eks/cluster/authenticationMode.ts, createAccessEntries: the association depends
 * on its entry). A role given by name is in the stack's own account and partition.
 */
function accessEntries(name: string, cfg: StackConfig, cluster: aws.eks.Cluster, callerArn: pulumi.Output<string>, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const entries = cfg.cluster.accessEntries;
  if (!entries.length) return [];
  return entries.flatMap((e, i) => {
    const principalArn = e.principalArn
      ? pulumi.output(e.principalArn)
      : callerArn.apply((arn) => `arn:${arn.split(":")[1]}:iam::${arn.split(":")[4]}:role/${e.role}`);
    const entry = new aws.eks.AccessEntry(`${name}-access-${i}`, { clusterName: cluster.name, principalArn, type: "STANDARD" }, opts);
    const association = new aws.eks.AccessPolicyAssociation(
      `${name}-access-${i}-${e.access}`,
      {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:aws:eks::aws:cluster-access-policy/${ACCESS_POLICIES[e.access]}`,
        accessScope: { type: "cluster" },
      },
      { ...opts, dependsOn: [entry] },
    );
    return [entry, association];
  });
}

