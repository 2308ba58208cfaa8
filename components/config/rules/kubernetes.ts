/**
 * Cross-field rules of the Kubernetes target: cluster mode, node group sizes, whether Ollama
 * fits on a GPU node, hub autoscaling bounds. Same shape and wording as rules/index.ts.
 */
import { EKS_VERSIONS, supportStatus } from "../../catalog/eksVersions";
import { DEFAULT_GPU_INSTANCE_TYPE, GPU_INSTANCES } from "../../catalog/instanceTypes";
import { roomForOnePod } from "../../catalog/nodeCapacity";
import { clusterSecurityIssues } from "./clusterSecurity";
import { NOT_SET } from "../errors";
import { formatBytes, formatMillicores, formatWholeMiB } from "../quantity";
import type { RuleIssue, StackCheck } from "./issue";
import type { StackConfig } from "../schema";

function clusterMode(cfg: StackConfig): RuleIssue[] {
  const c = cfg.cluster;
  const issues: RuleIssue[] = [];
  if (c.mode === "existing") {
    if (!c.kubeconfig) {
      issues.push({ path: ["cluster", "kubeconfig"], effective: NOT_SET, message: 'is required when cluster.mode is "existing"; set it with `pulumi config set --secret --path`' });
    }
    if (!c.oidcProviderArn) {
      issues.push({
        path: ["cluster", "oidcProviderArn"],
        effective: NOT_SET,
        message: 'is required when cluster.mode is "existing": the backup job\'s IAM role (IRSA) trusts that provider',
      });
    }
  } else if (c.kubeconfig) {
    issues.push({ path: ["cluster", "kubeconfig"], effective: "(secret value)", message: 'is only used when cluster.mode is "existing"; remove it or set cluster.mode to "existing"' });
  }
  const v = c.vpc;
  if (v.id && (v.privateSubnetIds?.length ?? 0) < 2) {
    issues.push({
      path: ["cluster", "vpc", "privateSubnetIds"],
      effective: JSON.stringify(v.privateSubnetIds ?? []),
      message: "needs at least two private subnets in different AZs when cluster.vpc.id is set (EKS requires two AZs)",
    });
  }
  if (!v.id && (v.privateSubnetIds || v.publicSubnetIds)) {
    issues.push({
      path: ["cluster", "vpc", "id"],
      effective: NOT_SET,
      message: "is required when subnet ids are given; set the VPC the subnets belong to, or remove the subnet ids",
    });
  }
  return issues;
}

function nodeGroupSizes(cfg: StackConfig): RuleIssue[] {
  return (["systemNodes", "gpuNodes"] as const).flatMap((group) => {
    const g = cfg.cluster[group];
    const issues: RuleIssue[] = [];
    if (g.minSize > g.desiredSize) {
      issues.push({ path: ["cluster", group, "minSize"], effective: String(g.minSize), message: `is more than cluster.${group}.desiredSize (${g.desiredSize}); use min <= desired <= max` });
    }
    if (g.desiredSize > g.maxSize) {
      issues.push({ path: ["cluster", group, "desiredSize"], effective: String(g.desiredSize), message: `is more than cluster.${group}.maxSize (${g.maxSize}); use min <= desired <= max` });
    }
    if (g.maxSize < 1) {
      issues.push({ path: ["cluster", group, "maxSize"], effective: String(g.maxSize), message: "must be at least 1, or nothing could run on this node group" });
    }
    return issues;
  });
}

/** Ollama's limit must fit one GPU node next to the node's own overhead, or it is OOM-killed or never scheduled. */
function ollamaFitsGpuNodes(cfg: StackConfig): RuleIssue[] {
  const g = cfg.cluster.gpuNodes;
  return [
    ...ollamaFitsGpuNode(cfg, g.instanceType, ["cluster", "gpuNodes", "instanceType"]),
    ...g.fallbackInstanceTypes.flatMap((type, i) => ollamaFitsGpuNode(cfg, type, ["cluster", "gpuNodes", "fallbackInstanceTypes", i])),
  ];
}

function ollamaFitsGpuNode(cfg: StackConfig, type: string, path: RuleIssue["path"]): RuleIssue[] {
  const instance = GPU_INSTANCES[type];
  const room = roomForOnePod(instance);
  const o = cfg.ollama;
  const issues: RuleIssue[] = [];
  if (o.resources.limits.memory > room.memoryBytes) {
    issues.push({
      path,
      effective: type,
      message:
        `has ${instance.memoryGiB}Gi, of which ${formatWholeMiB(room.memoryBytes)} is left for pods after node overhead; ` +
        `ollama.resources.limits.memory (${formatBytes(o.resources.limits.memory)}) does not fit. Use a larger type, e.g. ${DEFAULT_GPU_INSTANCE_TYPE}`,
    });
  }
  if (o.resources.requests.cpu > room.millicores) {
    issues.push({
      path,
      effective: type,
      message: `leaves ${formatMillicores(room.millicores)} CPU for pods; ollama.resources.requests.cpu (${formatMillicores(o.resources.requests.cpu)}) does not fit`,
    });
  }
  if (o.gpu.enabled && o.gpu.count > instance.gpus) {
    issues.push({ path: ["ollama", "gpu", "count"], effective: String(o.gpu.count), message: `is more than the ${instance.gpus} GPU(s) of a ${type} node (${path.join(".")})` });
  }
  return issues;
}

function hubAutoscaling(cfg: StackConfig): RuleIssue[] {
  const a = cfg.hub.autoscaling;
  if (a.minReplicas > a.maxReplicas) {
    return [{ path: ["hub", "autoscaling", "minReplicas"], effective: String(a.minReplicas), message: `is more than hub.autoscaling.maxReplicas (${a.maxReplicas})` }];
  }
  if (cfg.hub.replicas < a.minReplicas || cfg.hub.replicas > a.maxReplicas) {
    return [
      {
        path: ["hub", "replicas"],
        effective: String(cfg.hub.replicas),
        message: `is outside hub.autoscaling (${a.minReplicas}..${a.maxReplicas}); the autoscaler would move it at once, use a value in that range`,
      },
    ];
  }
  return [];
}

/** EKS creates no cluster on a version past its end of extended support, nor on one it does not offer. */
function eksVersion(cfg: StackConfig, today: Date): RuleIssue[] {
  if (cfg.cluster.mode !== "create") return [];
  const version = cfg.cluster.version;
  const { status, entry } = supportStatus(version, today);
  const known = EKS_VERSIONS.map((v) => v.version).join(", ");
  if (status === "unknown") {
    return [{ path: ["cluster", "version"], effective: version, message: `is not in the EKS release calendar this stack knows (${known}); add it to components/catalog/eksVersions.ts with its dates, or use one of those` }];
  }
  if (status === "ended") {
    return [
      {
        path: ["cluster", "version"],
        effective: version,
        message: `left EKS extended support on ${entry!.endOfExtendedSupport}; EKS refuses to create a cluster on it. Use a version still supported, e.g. ${EKS_VERSIONS[0].version}`,
      },
    ];
  }
  return [];
}

/** The API endpoint is either private, or public to named networks only; access entries name one principal each. */
function clusterAccess(cfg: StackConfig): RuleIssue[] {
  const c = cfg.cluster;
  if (c.mode !== "create") return [];
  const issues: RuleIssue[] = [];
  if (c.endpointAccess === "public" && !c.apiAllowedCidrs) {
    issues.push({
      path: ["cluster", "apiAllowedCidrs"],
      effective: NOT_SET,
      message:
        'is required with a public API endpoint: list the networks Pulumi, CI and operators reach the API from (e.g. ["203.0.113.0/24"]), or set cluster.endpointAccess to "private"',
    });
  }
  if (c.endpointAccess === "private" && c.apiAllowedCidrs) {
    issues.push({ path: ["cluster", "apiAllowedCidrs"], effective: JSON.stringify(c.apiAllowedCidrs), message: 'has no effect with cluster.endpointAccess "private"; remove it' });
  }
  c.accessEntries.forEach((e, i) => {
    if (Boolean(e.principalArn) === Boolean(e.role)) {
      issues.push({ path: ["cluster", "accessEntries", i], effective: JSON.stringify(e), message: "needs exactly one of principalArn or role" });
    }
  });
  return issues;
}

/** A production stack pages someone, or says in its config that it does not. */
function pagingReceiver(cfg: StackConfig): RuleIssue[] {
  const a = cfg.alertmanager;
  if (!a.receivers.paging.url && !a.pagingDisabled) {
    return [
      {
        path: ["alertmanager", "receivers", "paging", "url"],
        effective: NOT_SET,
        message:
          "is required on the Kubernetes target: without it every critical alert is dropped. Set it with `pulumi config set --secret --path`, " +
          "or set mcp-superserver:alertmanager.pagingDisabled to true to deploy knowing that nobody is paged",
      },
    ];
  }
  if (a.receivers.paging.url && a.pagingDisabled) {
    return [{ path: ["alertmanager", "pagingDisabled"], effective: "true", message: "contradicts alertmanager.receivers.paging.url, which is set; remove one of them" }];
  }
  return [];
}

/** `stackChecks` run on the stack the config renders (see StackCheck), after every other rule here passed. */
export function kubernetesIssues(cfg: StackConfig, today: Date, stackChecks: readonly StackCheck[] = []): RuleIssue[] {
  const issues = [
    ...clusterMode(cfg),
    ...eksVersion(cfg, today),
    ...nodeGroupSizes(cfg),
    ...ollamaFitsGpuNodes(cfg),
    ...hubAutoscaling(cfg),
    ...pagingReceiver(cfg),
    ...clusterAccess(cfg),
    ...clusterSecurityIssues(cfg),
  ];
  for (const kind of ["cpu", "memory"] as const) {
    const r = cfg.neo4j.resources;
    if (r.requests[kind] !== r.limits[kind]) {
      const format = kind === "cpu" ? formatMillicores : formatBytes;
      issues.push({
        path: ["neo4j", "resources", "requests", kind],
        effective: format(r.requests[kind]),
        message: `differs from neo4j.resources.limits.${kind} (${format(r.limits[kind])}); on Kubernetes Neo4j runs with requests = limits (Guaranteed QoS, never evicted first)`,
      });
    }
  }
  if (cfg.loadBalancer.replicas < 2) {
    issues.push({
      path: ["loadBalancer", "replicas"],
      effective: String(cfg.loadBalancer.replicas),
      message: "is too few on Kubernetes: use at least 2 so a node drain or a rollout never takes the entry point away",
    });
  }
  // A stack check renders the stack: only a config without other Kubernetes issues is rendered.
  if (issues.length === 0) issues.push(...stackChecks.flatMap((check) => check(cfg)));
  return issues;
}
