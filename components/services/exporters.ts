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
  component: { type: EXPORTER, name: SERVICE.blackbox },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  workload: (cfg) => blackboxWorkload(cfg),
  talksTo: () => [
    { to: "neo4j", port: "bolt", reason: "Bolt TCP probe" },
    { to: "ollama", port: "http", reason: "Ollama HTTP probe" },
    { to: "loadBalancer", port: "http", reason: "the client-path probe of the hub through nginx" },
  ],
});

export const pushgateway = service({
  key: "pushgateway",
  role: "pushgateway",
  component: { type: EXPORTER, name: SERVICE.pushgateway },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg) => pushgatewayWorkload(cfg),
});

export const kubeStateMetrics = service({
  key: "kubeStateMetrics",
  role: "kube-state-metrics",
  component: { type: EXPORTER, name: SERVICE.kubeStateMetrics },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg, target) => kubeStateMetricsWorkload(cfg, target.namespaces),
});

export const nodeExporter = service({
  key: "nodeExporter",
  role: "node-exporter",
  component: { type: EXPORTER, name: SERVICE.nodeExporter },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  // The textfile collector publishes the Docker backup's last success; Kubernetes has the Pushgateway.
  workload: (cfg, target) => nodeExporterWorkload(cfg, { textfile: target.target === "docker" }),
});

export const cadvisor = service({
  key: "cadvisor",
  role: "cadvisor",
  component: { type: EXPORTER, name: SERVICE.cadvisor },
  targets: ["docker"],
  waitsFor: [],
  workload: (cfg) => cadvisorWorkload(cfg),
});

export const nginxExporter = service({
  key: "nginxExporter",
  role: "nginx-exporter",
  component: { type: EXPORTER, name: SERVICE.nginxExporter },
  targets: ["docker"],
  waitsFor: [],
  workload: (cfg) => nginxExporterWorkload(cfg),
});

export const gpuExporter = service({
  key: "gpuExporter",
  role: "gpu-exporter",
  component: { type: EXPORTER, name: SERVICE.gpuExporter },
  targets: ["kubernetes"],
  waitsFor: [],
  workload: (cfg) => gpuExporterWorkload(cfg),
});
