/**
 * Grafana provisioning files: the Prometheus datasource (with a fixed uid the dashboard refers
 * to) and a file provider that loads the dashboards from a directory.
 */
import { stringify } from "yaml";

export const DATASOURCE_UID = "mcp-prometheus";

export function renderGrafanaDatasources(prometheusUrl: string): string {
  const config = {
    apiVersion: 1,
    datasources: [
      { name: "Prometheus", uid: DATASOURCE_UID, type: "prometheus", access: "proxy", url: prometheusUrl, isDefault: true, editable: false },
    ],
  };
  return `# Rendered by mcp-superserver-infra; do not edit by hand.\n${stringify(config)}`;
}

export function renderGrafanaDashboardProvider(dashboardsDir: string): string {
  const config = {
    apiVersion: 1,
    providers: [
      {
        name: "mcp-superserver",
        folder: "MCP-SUPERSERVER",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: dashboardsDir },
      },
    ],
  };
  return `# Rendered by mcp-superserver-infra; do not edit by hand.\n${stringify(config)}`;
}
