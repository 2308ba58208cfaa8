/**
 * The prod stack on Kubernetes, described as data: the same workload descriptions as Docker,
 * each with its Kubernetes plan, monitoring pointed at what Kubernetes discovers, the network
 * allow-list and the backup job. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_NAMESPACE, DEVICE_PLUGIN_NAME } from "../contracts/clusterAddons";
import { hubWorkload } from "../workloads/hub";
import { workloadLabels } from "../workloads/labels";
import { loadBalancerWorkload, type HubUpstreams } from "../workloads/loadBalancer";
import { stackGrafanaWorkload } from "../workloads/grafana";
import {
  alertmanagerWorkload,
  blackboxWorkload,
  gpuExporterWorkload,
  kubeStateMetricsWorkload,
  nodeExporterWorkload,
  prometheusWorkload,
  pushgatewayWorkload,
} from "../workloads/monitoring";
import { DISK_SELECTOR, JOB, addressesByServiceName, monitoringFiles, type ContainerView } from "../workloads/monitoringTargets";
import { neo4jMetricsEnabled, neo4jWorkload } from "../workloads/neo4j";
import { ollamaWorkload } from "../workloads/ollama";
import { PORT, SERVICE, type Workload } from "../workloads/types";
import { BACKUP_CRONJOB, RESTORE_CRONJOB, backupObjects, backupServiceAccount } from "./backupJob";
import {
  GPU_EXPORTER_JOB,
  KUBELET_JOB,
  KUBE_STATE_METRICS_JOB,
  KUBE_STATE_METRICS_SERVICE_ACCOUNT,
  PROMETHEUS_SERVICE_ACCOUNT,
  kubeStateMetricsRbac,
  kubernetesScrapeJobs,
  nginxExporterSidecar,
  prometheusRbac,
} from "./monitoring";
import { ANY_HOST, PUBLIC_INTERNET, awsApiPeer, kubernetesApiPeers } from "./egressPeers";
import { networkPolicies, type Flow, type Peer } from "./networkPolicy";
import { NLB_READINESS_GATE_LABEL, nlbAnnotations, nlbServiceSpec } from "./loadBalancerService";
import { headlessServiceName } from "./objects";
import type { WorkloadPlan } from "./plan";
import { edgeAnnotations, edgeSourceRanges } from "./edgeTls";
import { containerSecurityContext } from "./security";
import type { K8sObject } from "./types";

export interface Planned {
  workload: Workload;
  plan: WorkloadPlan;
}

export interface KubernetesStack {
  namespace: string;
  nodeNamespace: string;
  bucket: string;
  namespaces: K8sObject[];
  hub: Planned;
  neo4j: Planned;
  ollama: Planned;
  loadBalancer: Planned;
  prometheus: Planned;
  alertmanager: Planned;
  grafana: Planned;
  exporters: Planned[];
  /** Namespace-wide objects: NetworkPolicies and Prometheus' RBAC. */
  shared: K8sObject[];
  /** The node namespace's NetworkPolicies (a default deny and the scrapes it answers). */
  nodeShared: K8sObject[];
  backup: K8sObject[];
  backupServiceAccount: K8sObject;
}

/** The runbook waits 30 s for in-flight requests; before that, 10 s for endpoints and nginx to stop sending. */
export const HUB_DRAIN = { preStopSeconds: 10, inFlightSeconds: 30 } as const;

const BACKUP_JOB_NAME = "mcp-backup";

/**
 * How nginx finds the hub pods: the headless Service's name, resolved while nginx runs through
 * the cluster DNS, so its upstream follows the ready hub pods as they come and go.
 */
export function hubUpstreams(cfg: StackConfig, hub: Workload): HubUpstreams {
  const domain = cfg.kubernetes.clusterDomain;
  return {
    kind: "resolve",
    host: `${headlessServiceName(hub)}.${cfg.kubernetes.namespace}.svc.${domain}`,
    port: cfg.hub.port,
    resolver: `kube-dns.kube-system.svc.${domain}`,
  };
}

/** The workloads the allow-list connects (name and role are what their pods are selected by). */
export type FlowWorkloads = Record<
  "hub" | "neo4j" | "ollama" | "loadBalancer" | "prometheus" | "alertmanager" | "grafana" | "blackbox" | "pushgateway" | "nodeExporter" | "kubeStateMetrics" | "gpuExporter",
  Workload
>;

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
 * Egress beyond the cluster's pods is as narrow as a NetworkPolicy can say it (egressPeers.ts);
 * what stays open to every public address on 443 says why in its reason.
 */
export function allowedFlows(cfg: StackConfig, nodeNamespace: string, w: FlowWorkloads): Flow[] {
  const anywhere = { cidr: ANY_HOST };
  const pods = (workload: Pick<Workload, "name" | "role">) => ({ workload });
  const to = (workload: Workload, portName: string) => ({ to: pods(workload), port: containerPort(workload, portName) });
  const toKubernetesApi = (from: Peer, reason: string): Flow[] => kubernetesApiPeers(cfg).map((api) => ({ from, to: api, port: 443, reason }));
  const flows: Flow[] = [
    { from: anywhere, ...to(w.loadBalancer, "http"), reason: "clients through the NLB" },
    { from: pods(w.loadBalancer), ...to(w.hub, "http"), reason: "nginx proxies to the hub pods" },
    { from: pods(w.hub), ...to(w.neo4j, "bolt"), reason: "the hub's graph memory" },
    { from: pods(w.hub), ...to(w.ollama, "http"), reason: "the hub's LLM calls" },
    { from: pods(w.prometheus), ...to(w.hub, "http"), reason: "hub metrics" },
    { from: pods(w.prometheus), to: pods(w.loadBalancer), port: PORT.nginxExporter, reason: "nginx exporter" },
    { from: pods(w.prometheus), ...to(w.blackbox, "http"), reason: "Neo4j and Ollama probes" },
    { from: pods(w.prometheus), ...to(w.alertmanager, "http"), reason: "alerts, and Alertmanager's metrics" },
    { from: pods(w.prometheus), ...to(w.pushgateway, "http"), reason: "the backup's last success" },
    { from: pods(w.prometheus), ...to(w.kubeStateMetrics, "http"), reason: "pod restarts and crash loops" },
    { from: pods(w.prometheus), to: { workload: w.nodeExporter, namespace: nodeNamespace }, port: containerPort(w.nodeExporter, "http"), reason: "disk space" },
    { from: pods(w.prometheus), to: { workload: w.gpuExporter, namespace: nodeNamespace }, port: containerPort(w.gpuExporter, "http"), reason: "GPU memory and XID errors" },
    ...toKubernetesApi(pods(w.prometheus), "Kubernetes API: discovery and kubelet cAdvisor"),
    { from: pods(w.grafana), ...to(w.prometheus, "http"), reason: "dashboard queries" },
    { from: pods(w.blackbox), ...to(w.neo4j, "bolt"), reason: "Bolt TCP probe" },
    { from: pods(w.blackbox), ...to(w.ollama, "http"), reason: "Ollama HTTP probe" },
    { from: pods(w.blackbox), ...to(w.loadBalancer, "http"), reason: "the client-path probe of the hub through nginx" },
    ...toKubernetesApi(pods(w.kubeStateMetrics), "Kubernetes API: watching pods"),
    {
      from: pods(w.ollama),
      to: PUBLIC_INTERNET,
      port: 443,
      reason: "model pulls from the Ollama registry (registry.ollama.ai and the CDN it redirects to: host names, no published address ranges)",
    },
    ...receiverPorts(cfg).map((port) => ({
      from: pods(w.alertmanager),
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
    { from: pods(BACKUP_PODS), ...to(w.pushgateway, "http"), reason: "the backup's last success" },
  ];
  if (cfg.neo4j.edition === "enterprise") {
    flows.push({ from: pods(BACKUP_PODS), ...to(w.neo4j, "backup"), reason: "Enterprise online backup" });
  }
  if (neo4jMetricsEnabled(cfg)) {
    flows.push({ from: pods(w.prometheus), ...to(w.neo4j, "metrics"), reason: "Neo4j Enterprise metrics" });
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
  const bucket = `mcp-superserver-backups-${stack}`;
  const fqdn = (service: string) => `${service}.${namespace}.svc.${k.clusterDomain}`;
  const base = { namespace, storageClass: k.storageClass };
  const partOf = { "app.kubernetes.io/part-of": "mcp-superserver", "app.kubernetes.io/managed-by": "pulumi" };

  const hub = hubWorkload(cfg);
  const neo4j = neo4jWorkload(cfg);
  const ollama = ollamaWorkload(cfg);
  const loadBalancer = loadBalancerWorkload(cfg, hubUpstreams(cfg, hub));
  const alertmanager = alertmanagerWorkload(cfg, { alwaysSecret: true });
  const blackbox = blackboxWorkload(cfg);
  const nodeExporter = nodeExporterWorkload(cfg, { textfile: false });
  const pushgateway = pushgatewayWorkload(cfg);
  const kubeStateMetrics = kubeStateMetricsWorkload(cfg, [namespace, nodeNamespace]);
  const gpuExporter = gpuExporterWorkload(cfg);

  const grafana = stackGrafanaWorkload(cfg, { containerLabel: "pod", containerSelector: `namespace="${namespace}", container!=""` });

  const watched = [hub, neo4j, ollama, loadBalancer, alertmanager, grafana, blackbox, nodeExporter, pushgateway, kubeStateMetrics, gpuExporter];
  const inNodeNamespace = (w: Pick<Workload, "role">) => w.role === "node-exporter" || w.role === "gpu-exporter";
  // Hub pods are discovered from the API (kubernetes_sd below), not listed.
  const addresses = addressesByServiceName(neo4jMetricsEnabled(cfg), [], {
    [SERVICE.pushgateway]: [`${SERVICE.pushgateway}:${PORT.pushgateway}`],
    [KUBE_STATE_METRICS_JOB]: [`${SERVICE.kubeStateMetrics}:${PORT.kubeStateMetrics}`],
  });
  // The backup and restore pods run a container named `neo4j` (and `aws`) in the same namespace:
  // every other service's selector leaves them out, or their memory would count as Neo4j's.
  const notBackupPods = `pod!~"${BACKUP_CRONJOB}-.*|${RESTORE_CRONJOB}-.*"`;
  const view: ContainerView = {
    containers: [
      ...[...watched, { name: SERVICE.prometheus, role: "prometheus" as const }].map((w) => ({
        service: w.name,
        selector: `namespace="${inNodeNamespace(w) ? nodeNamespace : namespace}", container="${w.role}", ${notBackupPods}`,
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
  const prometheus = prometheusWorkload(cfg, {
    ...files,
    prometheus: {
      ...files.prometheus,
      // The hub job is the discovered one (same job name, so the rules match).
      jobs: files.prometheus.jobs.filter((j) => j.job !== JOB.hub),
      kubernetesJobs: kubernetesScrapeJobs(namespace, nodeNamespace),
    },
  });

  const flowWorkloads: FlowWorkloads = { hub, neo4j, ollama, loadBalancer, prometheus, alertmanager, grafana, blackbox, pushgateway, nodeExporter, kubeStateMetrics, gpuExporter };
  const flows = allowedFlows(cfg, nodeNamespace, flowWorkloads);
  const nlb = cfg.loadBalancer.serviceType === "LoadBalancer";
  const lbAnnotations = nlb ? nlbAnnotations(cfg.loadBalancer.internal) : undefined;
  const single = { kind: "Deployment" as const, ...base, service: { type: "ClusterIP" as const } };

  return {
    namespace,
    nodeNamespace,
    bucket,
    namespaces: [namespaceObject(namespace, "restricted", { ...partOf, ...(nlb ? NLB_READINESS_GATE_LABEL : {}) }), namespaceObject(nodeNamespace, "privileged", partOf)],
    hub: {
      workload: hub,
      plan: {
        ...base,
        kind: "Deployment",
        strategy: "rolling",
        drain: HUB_DRAIN,
        hpa: { ...cfg.hub.autoscaling },
        pdb: { minAvailable: Math.max(1, cfg.hub.autoscaling.minReplicas - 1) },
        spread: true,
        service: { type: "ClusterIP" },
        headlessService: true,
      },
    },
    neo4j: {
      workload: neo4j,
      // The cluster autoscaler never drains Neo4j's node to save a node: a move is a stop of the
      // database and its volume's reattachment (cluster-autoscaler FAQ, "What types of pods can prevent CA from removing a node?").
      plan: { ...base, kind: "StatefulSet", service: { type: "ClusterIP" }, podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } },
    },
    ollama: { workload: ollama, plan: { ...base, kind: "Deployment", strategy: "recreate", gpuNode: true, service: { type: "ClusterIP" } } },
    loadBalancer: {
      workload: loadBalancer,
      plan: {
        ...base,
        kind: "Deployment",
        strategy: "rolling",
        spread: true,
        pdb: { maxUnavailable: 1 },
        service: {
          type: cfg.loadBalancer.serviceType,
          portNames: ["http"],
          annotations: { ...lbAnnotations, ...edgeAnnotations(cfg) },
          spec: { ...(nlb ? nlbServiceSpec() : {}), ...edgeSourceRanges(cfg) },
        },
        sidecars: [nginxExporterSidecar(cfg.prometheus.exporters.nginx.image, containerSecurityContext(true))],
      },
    },
    prometheus: { workload: prometheus, plan: { ...base, kind: "StatefulSet", service: { type: "ClusterIP" }, serviceAccount: PROMETHEUS_SERVICE_ACCOUNT } },
    alertmanager: { workload: alertmanager, plan: { ...base, kind: "StatefulSet", service: { type: "ClusterIP" } } },
    grafana: { workload: grafana, plan: { ...base, kind: "StatefulSet", service: { type: "ClusterIP" } } },
    exporters: [
      { workload: blackbox, plan: single },
      // Its persistence volume is ReadWriteOnce: the old pod must let go of it before the new one starts.
      { workload: pushgateway, plan: { ...single, strategy: "recreate" } },
      { workload: kubeStateMetrics, plan: { ...single, serviceAccount: KUBE_STATE_METRICS_SERVICE_ACCOUNT } },
      { workload: nodeExporter, plan: { ...base, namespace: nodeNamespace, kind: "DaemonSet", everyNode: true } },
      { workload: gpuExporter, plan: { ...base, namespace: nodeNamespace, kind: "DaemonSet", gpuNode: true } },
    ],
    shared: [
      ...networkPolicies(namespace, partOf, flows),
      ...prometheusRbac(namespace, workloadLabels(prometheus, SERVICE.prometheus)),
      ...kubeStateMetricsRbac(namespace, workloadLabels(kubeStateMetrics, SERVICE.kubeStateMetrics)),
    ],
    nodeShared: networkPolicies(nodeNamespace, partOf, flows, namespace),
    backup: backupObjects(cfg, {
      namespace,
      storageClass: k.storageClass,
      bucket,
      pushgatewayUrl: `http://${fqdn(SERVICE.pushgateway)}:${PORT.pushgateway}/metrics/job/${BACKUP_JOB_NAME}`,
      verifyPushgatewayUrl: `http://${fqdn(SERVICE.pushgateway)}:${PORT.pushgateway}/metrics/job/${BACKUP_JOB_NAME}-verify`,
      neo4j,
      ...(cfg.neo4j.edition === "enterprise" ? { onlineBackupFrom: `${fqdn(SERVICE.neo4j)}:${PORT.neo4jBackup}` } : {}),
    }),
    backupServiceAccount: backupServiceAccount(cfg, namespace),
  };
}
