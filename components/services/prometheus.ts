/** Prometheus: scrapes and probes every other service and evaluates the alert rules. */
import { prometheusWorkload } from "../workloads/monitoring";
import { service } from "./types";

export const prometheus = service({
  key: "prometheus",
  role: "prometheus",
  component: { type: "mcp-superserver:monitoring:Prometheus", name: "prometheus" },
  targets: ["docker", "kubernetes"],
  // What it scrapes is up before it starts, so its first evaluation does not page for them.
  waitsFor: ["alertmanager", "blackbox", "nodeExporter", "cadvisor", "nginxExporter", "pushgateway", "kubeStateMetrics", "gpuExporter"],
  watchesStack: true,
  workload: (cfg, target, described) => prometheusWorkload(cfg, target.monitoringFiles(Object.values(described))),
});
