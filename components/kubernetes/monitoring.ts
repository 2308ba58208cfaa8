/**
 * Monitoring on Kubernetes: what Prometheus discovers (hub pods, the nginx exporter sidecars,
 * node_exporter pods, every kubelet's cAdvisor through the API server) and the RBAC that lets
 * it discover them.
 */
import { HUB_PATH } from "../contracts/hub";
import { BLACKBOX_MODULE } from "../render/blackbox";
import type { KubernetesSdJob } from "../render/prometheus";
import { nginxExporterArgs } from "../workloads/nginxExporter";
import { JOB, NGINX_JOB } from "../workloads/monitoringTargets";
import { PORT, SERVICE } from "../workloads/types";
import type { K8sObject } from "./types";

export const PROMETHEUS_SERVICE_ACCOUNT = "prometheus";
export const KUBE_STATE_METRICS_SERVICE_ACCOUNT = "kube-state-metrics";
/** The kubelet's own /metrics: `kubelet_volume_stats_*` for every mounted PersistentVolumeClaim. */
export const KUBELET_JOB = "kubelet";
export const KUBE_STATE_METRICS_JOB = SERVICE.kubeStateMetrics;
export const GPU_EXPORTER_JOB = SERVICE.gpuExporter;

/**
 * Pod discovery lists pods in every phase, finished ones included (Prometheus docs,
 * kubernetes_sd_config role pod: `__meta_kubernetes_pod_phase`, "Pending, Running, Succeeded,
 * Failed or Unknown"). A Failed or Succeeded pod answers no scrape, so TargetDown would fire on
 * it: drop them, as prometheus-operator does for every PodMonitor and ServiceMonitor
 * (pkg/prometheus/promcfg.go, `__meta_kubernetes_pod_phase` regex `(Failed|Succeeded)`).
 */
export const DROP_FINISHED_PODS = { source_labels: ["__meta_kubernetes_pod_phase"], regex: "(Failed|Succeeded)", action: "drop" };

/** Keep the pods of one workload's named port, and label series with namespace and pod. */
function podJob(job: string, namespace: string, name: string, portName: string, service: string): KubernetesSdJob {
  return {
    job,
    role: "pod",
    namespaces: [namespace],
    relabelConfigs: [
      DROP_FINISHED_PODS,
      { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], regex: name, action: "keep" },
      { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: portName, action: "keep" },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
      { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
      { target_label: "service", replacement: service },
    ],
  };
}

/**
 * Each hub pod's deep `/health`, probed through blackbox: the pod's address becomes the probe
 * target, the scrape goes to the exporter (as the static probe jobs do on Docker).
 */
function hubHealthProbeJob(namespace: string): KubernetesSdJob {
  const hub = podJob(JOB.hubHealthProbe, namespace, SERVICE.hub, "http", SERVICE.hub);
  return {
    ...hub,
    metricsPath: "/probe",
    params: { module: [BLACKBOX_MODULE.hubHealth] },
    relabelConfigs: [
      ...hub.relabelConfigs,
      { source_labels: ["__address__"], regex: "(.+)", target_label: "__param_target", replacement: `http://$1${HUB_PATH.deepHealth}` },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: `${SERVICE.blackbox}:${PORT.blackbox}` },
    ],
  };
}

/** A per-node job read through the API server's node proxy (`/api/v1/nodes/<node>/proxy<path>`). */
function nodeProxyJob(job: string, path: string): KubernetesSdJob {
  return {
    job,
    role: "node",
    scheme: "https",
    inClusterAuth: true,
    relabelConfigs: [
      { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
      { source_labels: ["__meta_kubernetes_node_name"], regex: "(.+)", target_label: "__metrics_path__", replacement: `/api/v1/nodes/$1/proxy${path}` },
      { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
    ],
  };
}

export function kubernetesScrapeJobs(namespace: string, nodeNamespace: string): KubernetesSdJob[] {
  return [
    podJob(SERVICE.hub, namespace, SERVICE.hub, "http", SERVICE.hub),
    hubHealthProbeJob(namespace),
    podJob(NGINX_JOB, namespace, SERVICE.loadBalancer, "metrics", SERVICE.loadBalancer),
    podJob(SERVICE.nodeExporter, nodeNamespace, SERVICE.nodeExporter, "http", SERVICE.nodeExporter),
    podJob(GPU_EXPORTER_JOB, nodeNamespace, SERVICE.gpuExporter, "http", SERVICE.gpuExporter),
    // Container memory and CPU against limits: the kubelet's cAdvisor, through the API server proxy.
    nodeProxyJob("kubelet-cadvisor", "/metrics/cadvisor"),
    nodeProxyJob(KUBELET_JOB, "/metrics"),
  ];
}

export function prometheusRbac(namespace: string, labels: Record<string, string>): K8sObject[] {
  const name = `${namespace}-prometheus`;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: PROMETHEUS_SERVICE_ACCOUNT, namespace, labels }, automountServiceAccountToken: false },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name, labels },
      rules: [
        { apiGroups: [""], resources: ["pods", "nodes", "services", "endpoints"], verbs: ["get", "list", "watch"] },
        // cAdvisor is read through the API server's node proxy.
        { apiGroups: [""], resources: ["nodes/proxy", "nodes/metrics"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: PROMETHEUS_SERVICE_ACCOUNT, namespace }],
    },
  ];
}

/** The nginx exporter, a sidecar reading the pod's own stub_status. */
export function nginxExporterSidecar(image: string, securityContext: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "nginx-exporter",
    image,
    imagePullPolicy: "IfNotPresent",
    args: nginxExporterArgs("127.0.0.1"),
    ports: [{ name: "metrics", containerPort: PORT.nginxExporter, protocol: "TCP" }],
    resources: { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "20m", memory: "32Mi" } },
    readinessProbe: { httpGet: { path: "/metrics", port: PORT.nginxExporter }, periodSeconds: 15, timeoutSeconds: 5 },
    securityContext,
  };
}

export function kubeStateMetricsRbac(namespace: string, labels: Record<string, string>): K8sObject[] {
  const name = `${namespace}-kube-state-metrics`;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: KUBE_STATE_METRICS_SERVICE_ACCOUNT, namespace, labels }, automountServiceAccountToken: false },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name, labels },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: KUBE_STATE_METRICS_SERVICE_ACCOUNT, namespace }],
    },
  ];
}
