/**
 * Grafana: the Prometheus datasource and the overview dashboard, provisioned from files so
 * nothing is clicked together by hand. The admin password is a generated secret.
 */
import type { StackConfig } from "../config/schema";
import { renderGrafanaDashboard, type DashboardInput } from "../render/grafanaDashboard";
import { DATASOURCE_UID, renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../render/grafanaProvisioning";
import { httpCheck, resourceSpec } from "./common";
import { JOB } from "./monitoringTargets";
import { secretAsFile } from "./secretFiles";
import { PORT, SERVICE, type Workload } from "./types";

const PROVISIONING = "/etc/grafana/provisioning";
const GRAFANA_DASHBOARDS_DIR = "/etc/grafana/dashboards";

export interface GrafanaInput {
  /** URL of Prometheus as Grafana's server reaches it. */
  prometheusUrl: string;
  dashboard: Omit<DashboardInput, "datasourceUid" | "thresholds">;
}

/**
 * The image's run.sh exports every `GF_*__FILE` variable's file content as the variable without
 * the suffix (grafana/grafana packaging/docker/run.sh; Grafana docs, "Configure a Grafana Docker
 * image" > "Configure Grafana with Docker Secrets").
 */
const ADMIN_PASSWORD = secretAsFile("GF_SECURITY_ADMIN_PASSWORD__FILE", "grafana-admin-password", "grafana-admin-password");

export function grafanaWorkload(cfg: StackConfig, input: GrafanaInput): Workload {
  const g = cfg.grafana;
  const dashboard = renderGrafanaDashboard({ ...input.dashboard, datasourceUid: DATASOURCE_UID, thresholds: cfg.prometheus.alerts });
  return {
    name: SERVICE.grafana,
    role: "grafana",
    image: { ref: g.image },
    replicas: 1,
    ports: [{ name: "http", port: PORT.grafana, publish: g.port }],
    env: {
      GF_SECURITY_ADMIN_USER: "admin",
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_ANALYTICS_REPORTING_ENABLED: "false",
      GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
      ...ADMIN_PASSWORD.env,
    },
    secretEnv: {},
    resources: resourceSpec(g.resources),
    healthCheck: httpCheck(PORT.grafana, "/api/health", { startPeriodSeconds: 30 }),
    volumes: [{ name: "grafana-data", mountPath: "/var/lib/grafana", sizeBytes: g.storage }],
    files: [
      { name: "grafana-datasources.yml", mountPath: `${PROVISIONING}/datasources/mcp-superserver-datasources.yml`, content: renderGrafanaDatasources(input.prometheusUrl) },
      {
        name: "grafana-dashboards.yml",
        mountPath: `${PROVISIONING}/dashboards/mcp-superserver-dashboards.yml`,
        content: renderGrafanaDashboardProvider(GRAFANA_DASHBOARDS_DIR),
      },
      { name: "mcp-superserver-overview.json", mountPath: `${GRAFANA_DASHBOARDS_DIR}/mcp-superserver-overview.json`, content: dashboard },
    ],
    secretFiles: [ADMIN_PASSWORD.file],
    gpus: 0,
  };
}

/** Grafana as both stacks run it: Prometheus by service name, the jobs the stacks scrape. */
export function stackGrafanaWorkload(cfg: StackConfig, containers: { containerLabel: string; containerSelector: string }): Workload {
  return grafanaWorkload(cfg, {
    prometheusUrl: `http://${SERVICE.prometheus}:${PORT.prometheus}`,
    dashboard: { hubJob: JOB.hub, neo4jProbeJob: JOB.neo4jProbe, ollamaProbeJob: JOB.ollamaProbe, ...containers },
  });
}
