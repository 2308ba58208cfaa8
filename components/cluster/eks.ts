/**
 * A new EKS cluster: its VPC (or the configured one), the cluster with an OIDC provider for
 * IRSA, the system and GPU managed node groups, and the EKS add-ons (VPC CNI, CoreDNS,
 * kube-proxy, EBS CSI driver with its own IRSA role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { GPU_NODE_LABEL, GPU_TAINT, POOL_LABEL } from "../kubernetes/plan";
import { assumeRoleByService, irsaTrustPolicy } from "./irsa";
import { subnetPlan } from "./network";

const AWS_POLICY = "arn:aws:iam::aws:policy";

export interface EksParts {
  cluster: aws.eks.Cluster;
  oidcProviderArn: pulumi.Output<string>;
  /** Everything Kubernetes objects must wait for: node groups and add-ons. */
  ready: pulumi.Resource[];
}

interface Subnets {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  publicSubnetIds: pulumi.Input<string>[];
}

function createVpc(name: string, cfg: StackConfig, opts: pulumi.CustomResourceOptions): Subnets {
  const azs = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts);
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
        availabilityZone: azs.names.apply((names) => names[s.az % names.length]),
        mapPublicIpOnLaunch: false,
        // Where the AWS cloud provider puts internet-facing and internal load balancers.
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

function roleWithPolicies(name: string, service: string, policies: string[], opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(assumeRoleByService(service)) }, opts);
  policies.forEach((p) => new aws.iam.RolePolicyAttachment(`${name}-${p.split("/").pop()}`, { role: role.name, policyArn: `${AWS_POLICY}/${p}` }, opts));
  return role;
}

export function createEks(name: string, cfg: StackConfig, stack: string, opts: pulumi.CustomResourceOptions): EksParts {
  const c = cfg.cluster;
  const net: Subnets = c.vpc.id
    ? { vpcId: c.vpc.id, privateSubnetIds: c.vpc.privateSubnetIds ?? [], publicSubnetIds: c.vpc.publicSubnetIds ?? [] }
    : createVpc(name, cfg, opts);
  const clusterRole = roleWithPolicies(`${name}-cluster-role`, "eks.amazonaws.com", ["AmazonEKSClusterPolicy"], opts);
  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: `mcp-superserver-${stack}`,
      version: c.version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: [...net.privateSubnetIds, ...net.publicSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: c.apiAllowedCidrs,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
    },
    opts,
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
        nodeRoleArn: nodeRole.arn,
        subnetIds: net.privateSubnetIds,
        scalingConfig: { minSize: sizes.minSize, desiredSize: sizes.desiredSize, maxSize: sizes.maxSize },
        diskSize: sizes.diskSizeGiB,
        updateConfig: { maxUnavailable: 1 },
        ...args,
      },
      opts,
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
      instanceTypes: [c.gpuNodes.instanceType],
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
  new aws.iam.RolePolicyAttachment(`${name}-ebs-csi-policy`, { role: ebsRole.name, policyArn: `${AWS_POLICY}/service-role/AmazonEBSCSIDriverPolicy` }, opts);
  const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}) =>
    new aws.eks.Addon(
      `${name}-${addonName}`,
      { clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE", ...extra },
      // CoreDNS and the CSI controller are Deployments: they need nodes to become healthy.
      { ...opts, dependsOn: [system] },
    );
  const addons = [
    // The VPC CNI enforces NetworkPolicies only when asked to; the namespace relies on them.
    addon("vpc-cni", { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }),
    addon("kube-proxy"),
    addon("coredns"),
    addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }),
    // VolumeSnapshot API and controller: the Community backup snapshots the live Neo4j volume.
    addon("snapshot-controller"),
    // The hub's HorizontalPodAutoscaler reads CPU from the metrics API.
    addon("metrics-server"),
  ];
  return { cluster, oidcProviderArn: oidc.arn, ready: [system, gpu, ...addons] };
}

