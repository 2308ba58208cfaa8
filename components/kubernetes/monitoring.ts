/**
 * Monitoring on Kubernetes: what Prometheus discovers (hub pods, the nginx exporter sidecars,
 * node_exporter pods, every kubelet's cAdvisor through the API server) and the RBAC that lets
 * it discover them.
 */
import { HUB_PATH } from "../contracts/hub";
import { BLACKBOX_MODULE } from "../render/blackbox";
import type { KubernetesSdJob } from "../render/prometheus";
import { JOB } from "../workloads/monitoringTargets";
import { PORT, SERVICE } from "../workloads/types";
import type { K8sObject } from "./types";

export const PROMETHEUS_SERVICE_ACCOUNT = "prometheus";

/** Keep the pods of one workload's named port, and label series with namespace and pod. */
function podJob(job: string, namespace: string, name: string, portName: string, service: string): KubernetesSdJob {
  return {
    job,
    role: "pod",
    namespaces: [namespace],
    relabelConfigs: [
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

export function kubernetesScrapeJobs(namespace: string, nodeNamespace: string): KubernetesSdJob[] {
  return [
    podJob(SERVICE.hub, namespace, SERVICE.hub, "http", SERVICE.hub),
    hubHealthProbeJob(namespace),
    podJob("nginx", namespace, SERVICE.loadBalancer, "metrics", SERVICE.loadBalancer),
    podJob(SERVICE.nodeExporter, nodeNamespace, SERVICE.nodeExporter, "http", SERVICE.nodeExporter),
    {
      // Container memory and CPU against limits: the kubelet's cAdvisor, through the API server proxy.
      job: "kubelet-cadvisor",
      role: "node",
      scheme: "https",
      inClusterAuth: true,
      relabelConfigs: [
        { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
        { source_labels: ["__meta_kubernetes_node_name"], regex: "(.+)", target_label: "__metrics_path__", replacement: "/api/v1/nodes/$1/proxy/metrics/cadvisor" },
        { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
      ],
    },
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
    args: [`--nginx.scrape-uri=http://127.0.0.1:${PORT.nginxStatus}/stub_status`, `--web.listen-address=:${PORT.nginxExporter}`],
    ports: [{ name: "metrics", containerPort: PORT.nginxExporter, protocol: "TCP" }],
    resources: { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "20m", memory: "32Mi" } },
    readinessProbe: { httpGet: { path: "/metrics", port: PORT.nginxExporter }, periodSeconds: 15, timeoutSeconds: 5 },
    securityContext,
  };
}
