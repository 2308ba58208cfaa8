/**
 * The exporters Prometheus reads besides the services' own metrics, each a component of type
 * Exporter named after its workload. Which target runs which: cAdvisor and the nginx exporter as
 * containers on Docker (on Kubernetes the kubelet serves cAdvisor's series and the exporter is a
 * sidecar of each nginx pod); the Pushgateway, kube-state-metrics and DCGM on Kubernetes (the
 * Docker backup reports through node_exporter's textfile directory, there is no GPU).
 */
import {
  blackboxWorkload,
  cadvisorWorkload,
  gpuExporterWorkload,
  kubeStateMetricsWorkload,
  nginxExporterWorkload,
  nodeExporterWorkload,
  pushgatewayWorkload,
} from "../workloads/monitoring";
import { SERVICE } from "../workloads/types";
import { service } from "./types";

const EXPORTER = "mcp-superserver:monitoring:Exporter";

export const blackbox = service({
  key: "blackbox",
  role: "blackbox-exporter",
  title: "blackbox_exporter",
  summary: "deep probes: the Bolt handshake, Ollama's models, the hub through nginx",
  component: { type: EXPORTER, name: SERVICE.blackbox },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  workload: (cfg) => blackboxWorkload(cfg),
  talksTo: [
    { to: "neo4j", port: "bolt", reason: "Bolt TCP probe" },
    { to: "ollama", port: "http", reason: "Ollama HTTP probe" },
    { to: "loadBalancer", port: "http", reason: "the client-path probe of the hub through nginx" },
  ],
});

export const pushgateway = service({
  key: "pushgateway",
  role: "pushgateway",
  title: "Pushgateway",
  summary: "the backup jobs' last success and last verified restore",
  component: { type: EXPORTER, name: SERVICE.pushgateway },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg) => pushgatewayWorkload(cfg),
});

export const kubeStateMetrics = service({
  key: "kubeStateMetrics",
  role: "kube-state-metrics",
  title: "kube-state-metrics",
  summary: "pod restarts, crash loops and OOM kills",
  component: { type: EXPORTER, name: SERVICE.kubeStateMetrics },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg, target) => kubeStateMetricsWorkload(cfg, target.namespaces),
});

export const nodeExporter = service({
  key: "nodeExporter",
  role: "node-exporter",
  title: "node_exporter",
  summary: "disk space; on Docker also the backup's last success (textfile collector)",
  component: { type: EXPORTER, name: SERVICE.nodeExporter },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  // The textfile collector publishes the Docker backup's last success; Kubernetes has the Pushgateway.
  workload: (cfg, target) => nodeExporterWorkload(cfg, { textfile: target.target === "docker" }),
});

export const cadvisor = service({
  key: "cadvisor",
  role: "cadvisor",
  title: "cAdvisor",
  summary: "container memory and CPU, OOM kills and restarts",
  component: { type: EXPORTER, name: SERVICE.cadvisor },
  targets: ["docker"],
  waitsFor: [],
  workload: (cfg) => cadvisorWorkload(cfg),
});

export const nginxExporter = service({
  key: "nginxExporter",
  role: "nginx-exporter",
  title: "nginx exporter",
  summary: "nginx connections and requests",
  component: { type: EXPORTER, name: SERVICE.nginxExporter },
  targets: ["docker"],
  waitsFor: [],
  workload: (cfg) => nginxExporterWorkload(cfg),
});

export const gpuExporter = service({
  key: "gpuExporter",
  role: "gpu-exporter",
  title: "DCGM exporter",
  summary: "GPU memory and XID errors",
  component: { type: EXPORTER, name: SERVICE.gpuExporter },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg) => gpuExporterWorkload(cfg),
});
