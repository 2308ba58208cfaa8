/**
 * The roles of the stack's workloads, which the program labels its pods and containers with and
 * the policy pack keys on: one list for both.
 */

/** The role of a workload: the `app.kubernetes.io/component` label, which policies key on. */
export type Role =
  | "hub"
  | "neo4j"
  | "ollama"
  | "load-balancer"
  | "prometheus"
  | "alertmanager"
  | "grafana"
  | "blackbox-exporter"
  | "node-exporter"
  | "cadvisor"
  | "nginx-exporter"
  | "kube-state-metrics"
  | "gpu-exporter"
  | "object-store"
  | "pushgateway"
  | "backup";
