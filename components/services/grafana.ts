/** Grafana: the overview dashboard over Prometheus, provisioned from files. */
import { stackGrafanaWorkload } from "../workloads/grafana";
import { service } from "./types";

export const grafana = service({
  key: "grafana",
  role: "grafana",
  title: "Grafana",
  summary: "Prometheus datasource and the overview dashboard provisioned; generated admin password (`grafanaAdminPassword` output)",
  component: { type: "mcp-superserver:monitoring:Grafana", name: "grafana" },
  targets: ["docker", "kubernetes"],
  waitsFor: ["prometheus"],
  workload: (cfg, target) => stackGrafanaWorkload(cfg, target.containers),
  talksTo: [{ to: "prometheus", port: "http", reason: "dashboard queries" }],
});
