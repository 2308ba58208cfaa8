/**
 * The prod stack on Kubernetes, described as data: the same workload descriptions as Docker,
 * each with its Kubernetes plan, monitoring pointed at what Kubernetes discovers, the network
 * allow-list and the backup job. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_NAMESPACE, DEVICE_PLUGIN_NAME } from "../contracts/clusterAddons";
import { servicesOn, type KubernetesServiceKey } from "../services";
import { describeServices } from "../services/describe";
import type { TargetFacts } from "../services/types";
import { workloadLabels } from "../workloads/labels";
import type { HubUpstreams } from "../workloads/loadBalancer";
import { DISK_SELECTOR, JOB, addressesByServiceName, monitoringFiles, type ContainerView } from "../workloads/monitoringTargets";
import { neo4jMetricsEnabled } from "../workloads/neo4j";
import { PORT, SERVICE, type Workload } from "../workloads/types";
import { BACKUP_CRONJOB, RESTORE_CRONJOB, backupObjects, backupServiceAccount } from "./backupJob";
import { backupBucketName } from "../workloads/backup";
import {
  GPU_EXPORTER_JOB,
  KUBELET_JOB,
  KUBE_STATE_METRICS_JOB,
  kubeStateMetricsRbac,
  kubernetesScrapeJobs,
  prometheusRbac,
} from "./monitoring";
import { ANY_HOST, PUBLIC_INTERNET, awsApiPeer, kubernetesApiPeers } from "./egressPeers";
import { networkPolicies, type Flow, type Peer } from "./networkPolicy";
import { NLB_READINESS_GATE_LABEL } from "./loadBalancerService";
import { headlessServiceName } from "./objects";
import type { Planned } from "./plan";
import { servicePlans } from "./plans";
import type { K8sObject } from "./types";

export interface KubernetesStack {
  namespace: string;
  nodeNamespace: string;
  bucket: string;
  namespaces: K8sObject[];
  /** Every service of the registry that Kubernetes runs, with its plan, by key. */
  services: Record<KubernetesServiceKey, Planned>;
  /** Namespace-wide objects: NetworkPolicies and Prometheus' RBAC. */
  shared: K8sObject[];
  /** The node namespace's NetworkPolicies (a default deny and the scrapes it answers). */
  nodeShared: K8sObject[];
  backup: K8sObject[];
  backupServiceAccount: K8sObject;
}

const BACKUP_JOB_NAME = "mcp-backup";

/** A Service's name in the cluster's DNS. */
export function serviceFqdn(cfg: StackConfig, service: string, namespace = cfg.kubernetes.namespace): string {
  return `${service}.${namespace}.svc.${cfg.kubernetes.clusterDomain}`;
}

/**
 * How nginx finds the hub pods: the headless Service's name, resolved while nginx runs through
 * the cluster DNS, so its upstream follows the ready hub pods as they come and go.
 */
export function hubUpstreams(cfg: StackConfig, hub: Workload): HubUpstreams {
  return {
    kind: "resolve",
    host: serviceFqdn(cfg, headlessServiceName(hub)),
    port: cfg.hub.port,
    resolver: serviceFqdn(cfg, "kube-dns", "kube-system"),
  };
}

/** The backup and restore pods, labelled like a workload named `backup` (backupJob.ts). */
const BACKUP_PODS = { name: SERVICE.backup, role: "backup" as const };

/** A workload's container port by name: what a flow toward it opens. */
export function containerPort(w: Workload, portName: string): number {
  const port = w.ports.find((p) => p.name === portName);
  if (!port) throw new Error(`workload ${w.name} has no port named ${portName}`);
  return port.port;
}

/**
 * The ports Alertmanager's webhooks go to: each configured receiver URL's port (443 for https, 80
 * for http unless the URL names one). No receiver, no egress.
 */
export function receiverPorts(cfg: StackConfig): number[] {
  const urls = (["paging", "chat", "watchdog"] as const).flatMap((r) => cfg.alertmanager.receivers[r].url ?? []);
  return [...new Set(urls.map((u) => u.port))].sort((a, b) => a - b);
}

/**
 * Every connection the stack's namespaces allow; the NetworkPolicies are derived from this list.
 * Between the stack's services: what each service's module says it talks to. Egress beyond the
 * cluster's pods is as narrow as a NetworkPolicy can say it (egressPeers.ts); what stays open to
 * every public address on 443 says why in its reason.
 */
export function allowedFlows(cfg: StackConfig, services: Record<KubernetesServiceKey, Planned>): Flow[] {
  const anywhere = { cidr: ANY_HOST };
  const placed = services as Partial<Record<string, Planned>>;
  // A service's pods, in the namespace its plan puts them in (the node daemons have their own).
  const peer = ({ workload, plan }: Planned): Peer =>
    plan.namespace === cfg.kubernetes.namespace ? { workload } : { workload, namespace: plan.namespace };
  const pods = (workload: Pick<Workload, "name" | "role">) => ({ workload });
  const toKubernetesApi = (from: Peer, reason: string): Flow[] => kubernetesApiPeers(cfg).map((api) => ({ from, to: api, port: 443, reason }));
  const between = servicesOn("kubernetes").flatMap((s) =>
    (s.talksTo ?? []).filter((talk) => talk.when?.(cfg) ?? true).flatMap((talk): Flow[] => {
      const other = placed[talk.to];
      if (!other) return [];
      const port = typeof talk.port === "number" ? talk.port : containerPort(other.workload, talk.port);
      return [{ from: peer(services[s.key]), to: peer(other), port, reason: talk.reason }];
    }),
  );
  const w = (key: KubernetesServiceKey) => services[key].workload;
  const flows: Flow[] = [
    { from: anywhere, to: pods(w("loadBalancer")), port: containerPort(w("loadBalancer"), "http"), reason: "clients through the NLB" },
    ...between,
    ...toKubernetesApi(pods(w("prometheus")), "Kubernetes API: discovery and kubelet cAdvisor"),
    ...toKubernetesApi(pods(w("kubeStateMetrics")), "Kubernetes API: watching pods"),
    {
      from: pods(w("ollama")),
      to: PUBLIC_INTERNET,
      port: 443,
      reason: "model pulls from the Ollama registry (registry.ollama.ai and the CDN it redirects to: host names, no published address ranges)",
    },
    ...receiverPorts(cfg).map((port) => ({
      from: pods(w("alertmanager")),
      to: anywhere,
      port,
      reason: "webhook receivers at the ports of their URLs: hosts by name (a paging service's addresses are not fixed), possibly inside the VPC",
    })),
    {
      from: pods(BACKUP_PODS),
      to: awsApiPeer(cfg),
      port: 443,
      reason: "S3 and STS (IRSA): their regional endpoints' addresses are AWS's public ranges (ip-ranges.json), which change, and a NetworkPolicy cannot name a prefix list",
    },
    ...toKubernetesApi(pods(BACKUP_PODS), "Kubernetes API: scaling Neo4j and the backup Lease"),
    { from: pods(BACKUP_PODS), to: pods(w("pushgateway")), port: containerPort(w("pushgateway"), "http"), reason: "the backup's last success" },
  ];
  if (cfg.neo4j.edition === "enterprise") {
    flows.push({ from: pods(BACKUP_PODS), to: pods(w("neo4j")), port: containerPort(w("neo4j"), "backup"), reason: "Enterprise online backup" });
  }
  return flows;
}

function namespaceObject(name: string, level: "restricted" | "privileged", labels: Record<string, string>): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        ...labels,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  };
}

export function describeKubernetesStack(cfg: StackConfig, stack: string): KubernetesStack {
  const k = cfg.kubernetes;
  const namespace = k.namespace;
  // node_exporter reads the host's filesystems (hostPath, hostPID): not allowed under
  // `restricted`, so it gets a namespace of its own and nothing else runs there.
  const nodeNamespace = `${namespace}-node`;
  const bucket = backupBucketName(stack);
  const fqdn = (service: string) => serviceFqdn(cfg, service);
  const partOf = { "app.kubernetes.io/part-of": "mcp-superserver", "app.kubernetes.io/managed-by": "pulumi" };
  const plans = servicePlans(cfg, nodeNamespace);

  const facts = {
    target: "kubernetes" as const,
    hubUpstreams: (hub) => hubUpstreams(cfg, hub),
    containers: { containerLabel: "pod", containerSelector: `namespace="${namespace}", container!=""` },
    namespaces: [namespace, nodeNamespace],
    monitoringFiles: (watched) => {
      // Hub pods are discovered from the API (kubernetes_sd below), not listed.
      const addresses = addressesByServiceName(neo4jMetricsEnabled(cfg), [], {
        [SERVICE.pushgateway]: [`${SERVICE.pushgateway}:${PORT.pushgateway}`],
        [KUBE_STATE_METRICS_JOB]: [`${SERVICE.kubeStateMetrics}:${PORT.kubeStateMetrics}`],
      });
      // Each service's pods in the namespace its plan puts them in (the node daemons have their own).
      const placedIn = (Object.entries(watched) as [KubernetesServiceKey, Workload | undefined][]).flatMap(([key, w]) =>
        w ? [{ w, namespace: plans[key].namespace }] : [],
      );
      // The backup and restore pods run a container named `neo4j` (and `aws`) in the same namespace:
      // every other service's selector leaves them out, or their memory would count as Neo4j's.
      const notBackupPods = `pod!~"${BACKUP_CRONJOB}-.*|${RESTORE_CRONJOB}-.*"`;
      const view: ContainerView = {
        containers: [
          ...[...placedIn, { w: { name: SERVICE.prometheus, role: "prometheus" as const }, namespace: plans.prometheus.namespace }].map(({ w, namespace: ns }) => ({
            service: w.name,
            selector: `namespace="${ns}", container="${w.role}", ${notBackupPods}`,
          })),
          // The backup and restore pods' two containers.
          { service: SERVICE.backup, selector: `namespace="${namespace}", pod=~"${BACKUP_CRONJOB}-.*|${RESTORE_CRONJOB}-.*", container=~"aws|neo4j"` },
          ...(cfg.cluster.mode === "create" ? [{ service: DEVICE_PLUGIN_NAME, selector: `namespace="kube-system", container="${DEVICE_PLUGIN_NAME}"` }] : []),
          ...(cfg.cluster.mode === "create" && cfg.cluster.autoscaler.enabled
            ? [{ service: CLUSTER_AUTOSCALER, selector: `namespace="${CLUSTER_AUTOSCALER_NAMESPACE}", container="${CLUSTER_AUTOSCALER}"` }]
            : []),
        ],
        containerLabel: "pod",
        diskSelector: DISK_SELECTOR,
        workloadHealth: { kind: "kubernetes", namespaces: [namespace, nodeNamespace], kubeStateMetricsJob: KUBE_STATE_METRICS_JOB, kubeletJob: KUBELET_JOB, gpuJob: GPU_EXPORTER_JOB },
      };
      const files = monitoringFiles(addresses, view, { stack, target: "kubernetes" });
      return {
        ...files,
        prometheus: {
          ...files.prometheus,
          // The hub job is the discovered one (same job name, so the rules match).
          jobs: files.prometheus.jobs.filter((j) => j.job !== JOB.hub),
          kubernetesJobs: kubernetesScrapeJobs(namespace, nodeNamespace),
        },
      };
    },
  } satisfies TargetFacts;
  const workloads = describeServices(cfg, facts);
  const services = Object.fromEntries(
    (Object.keys(workloads) as KubernetesServiceKey[]).map((key) => [key, { workload: workloads[key], plan: plans[key] }]),
  ) as Record<KubernetesServiceKey, Planned>;
  const flows = allowedFlows(cfg, services);
  const nlb = cfg.loadBalancer.serviceType === "LoadBalancer";

  return {
    namespace,
    nodeNamespace,
    bucket,
    namespaces: [namespaceObject(namespace, "restricted", { ...partOf, ...(nlb ? NLB_READINESS_GATE_LABEL : {}) }), namespaceObject(nodeNamespace, "privileged", partOf)],
    services,
    shared: [
      ...networkPolicies(namespace, partOf, flows),
      ...prometheusRbac(namespace, workloadLabels(workloads.prometheus, SERVICE.prometheus)),
      ...kubeStateMetricsRbac(namespace, workloadLabels(workloads.kubeStateMetrics, SERVICE.kubeStateMetrics)),
    ],
    nodeShared: networkPolicies(nodeNamespace, partOf, flows, namespace),
    backup: backupObjects(cfg, {
      namespace,
      storageClass: k.storageClass,
      bucket,
      pushgatewayUrl: `http://${fqdn(SERVICE.pushgateway)}:${PORT.pushgateway}/metrics/job/${BACKUP_JOB_NAME}`,
      verifyPushgatewayUrl: `http://${fqdn(SERVICE.pushgateway)}:${PORT.pushgateway}/metrics/job/${BACKUP_JOB_NAME}-verify`,
      neo4j: workloads.neo4j,
      ...(cfg.neo4j.edition === "enterprise" ? { onlineBackupFrom: `${fqdn(SERVICE.neo4j)}:${PORT.neo4jBackup}` } : {}),
    }),
    backupServiceAccount: backupServiceAccount(cfg, namespace),
  };
}
