/** Alertmanager: routes Prometheus' alerts to the paging, chat and watchdog receivers. */
import { alertmanagerWorkload } from "../workloads/monitoring";
import { service } from "./types";

export const alertmanager = service({
  key: "alertmanager",
  role: "alertmanager",
  title: "Alertmanager",
  summary: "critical → paging, warning → chat, Watchdog → its own receiver",
  component: { type: "mcp-superserver:monitoring:Alertmanager", name: "alertmanager" },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  // Kubernetes mounts every config file from a Secret or a ConfigMap chosen up front; Docker
  // uploads the config as a secret only when it holds receiver URLs.
  workload: (cfg, target) => alertmanagerWorkload(cfg, { alwaysSecret: target.target === "kubernetes" }),
});
