/** Prometheus: scrapes and probes every other service and evaluates the alert rules. */
import { prometheusWorkload } from "../workloads/monitoring";
import { neo4jMetricsEnabled } from "../workloads/neo4j";
import { PORT } from "../workloads/types";
import { service } from "./types";

export const prometheus = service({
  key: "prometheus",
  role: "prometheus",
  title: "Prometheus",
  summary: "scrapes the hubs and the exporters; blackbox probes for Neo4j, Ollama and the client path; alert rules from config",
  component: { type: "mcp-superserver:monitoring:Prometheus", name: "prometheus" },
  targets: ["docker", "kubernetes"],
  // What it scrapes is up before it starts, so its first evaluation does not page for them.
  waitsFor: ["alertmanager", "blackbox", "nodeExporter", "cadvisor", "nginxExporter", "pushgateway", "kubeStateMetrics", "gpuExporter"],
  watchesStack: true,
  workload: (cfg, target, described) => prometheusWorkload(cfg, target.monitoringFiles(described)),
  talksTo: [
    { to: "hub", port: "http", reason: "hub metrics" },
    // On Kubernetes the nginx exporter is a sidecar in each nginx pod, at its own port.
    { to: "loadBalancer", port: PORT.nginxExporter, reason: "nginx exporter" },
    { to: "blackbox", port: "http", reason: "Neo4j and Ollama probes" },
    { to: "alertmanager", port: "http", reason: "alerts, and Alertmanager's metrics" },
    { to: "pushgateway", port: "http", reason: "the backup's last success" },
    { to: "kubeStateMetrics", port: "http", reason: "pod restarts and crash loops" },
    { to: "nodeExporter", port: "http", reason: "disk space" },
    { to: "gpuExporter", port: "http", reason: "GPU memory and XID errors" },
    { to: "neo4j", port: "metrics", reason: "Neo4j Enterprise metrics", when: neo4jMetricsEnabled },
  ],
});
