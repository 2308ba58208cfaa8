/**
 * The Grafana overview dashboard as data: the runbook's key metrics (request rate, p95 latency,
 * error rate, memory and CPU against limits, Neo4j/Ollama availability, backup age), with the
 * alert thresholds drawn on the panels. Queries come from promql.ts, shared with the alerts.
 */
import type { Thresholds } from "../config/schema";
import { BLACKBOX } from "../contracts/exporterMetrics";
import { RUNBOOK_TIMING } from "./alertRules";
import { backupAgeSeconds, cpuOfLimit, hubSeries, memoryOfLimit } from "./promql";

const DASHBOARD_UID = "mcp-superserver-overview";
/** Grafana's own rate window: at least four scrape intervals, whatever the zoom. */
export const RATE_INTERVAL = "$__rate_interval";

export interface DashboardInput {
  datasourceUid: string;
  thresholds: Thresholds;
  hubJob: string;
  neo4jProbeJob: string;
  ollamaProbeJob: string;
  /** The label that tells containers apart (`name` on Docker, `pod` on Kubernetes). */
  containerLabel: string;
  /** Matchers selecting the stack's containers in the container metrics. */
  containerSelector: string;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: "prometheus"; uid: string };
  targets: { refId: string; expr: string; legendFormat: string }[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: [] };
  options: Record<string, unknown>;
}

interface PanelSpec {
  type: Panel["type"];
  title: string;
  expr: string;
  legend: string;
  unit: string;
  /** Values where the panel turns orange and red (the alert thresholds), ascending. */
  steps?: [warning: number, critical?: number];
  /** Availability panels: 0 is red, 1 is green. */
  upDown?: boolean;
  width: number;
}

function thresholdSteps(spec: PanelSpec) {
  if (spec.upDown) {
    return {
      mode: "absolute",
      steps: [
        { color: "red", value: null },
        { color: "green", value: 1 },
      ],
    };
  }
  const [warning, critical] = spec.steps ?? [];
  return {
    mode: "absolute",
    steps: [
      { color: "green", value: null },
      ...(warning !== undefined ? [{ color: "orange", value: warning }] : []),
      ...(critical !== undefined ? [{ color: "red", value: critical }] : []),
    ],
  };
}

function panelSpecs(i: DashboardInput): PanelSpec[] {
  const t = i.thresholds;
  const w = RATE_INTERVAL;
  const hub = hubSeries(RUNBOOK_TIMING.rateWindow);
  return [
    { type: "stat", title: "Hub replicas up", expr: `sum(up{job="${i.hubJob}"})`, legend: "replicas", unit: "none", width: 6 },
    { type: "stat", title: "Neo4j up", expr: `max(${BLACKBOX.probeSuccess}{job="${i.neo4jProbeJob}"})`, legend: "neo4j", unit: "none", upDown: true, width: 6 },
    { type: "stat", title: "Ollama up", expr: `max(${BLACKBOX.probeSuccess}{job="${i.ollamaProbeJob}"})`, legend: "ollama", unit: "none", upDown: true, width: 6 },
    {
      type: "stat",
      title: "Time since last successful backup",
      expr: backupAgeSeconds(),
      legend: "age",
      unit: "s",
      steps: [t.backupMaxAgeHours * 3600 * 0.9, t.backupMaxAgeHours * 3600],
      width: 6,
    },
    // The hub panels read the recorded series the alerts read (alerts/hub.ts), at the alerts' window.
    { type: "timeseries", title: "Request rate by replica", expr: hub.instanceRequests, legend: "{{instance}}", unit: "reqps", width: 8 },
    {
      type: "timeseries",
      title: "Share of requests slower than the latency thresholds",
      expr: `label_replace(${hub.slowerThan(t.latencyWarningSeconds)}, "over", "${t.latencyWarningSeconds}s", "", "") or label_replace(${hub.slowerThan(t.latencyCriticalSeconds)}, "over", "${t.latencyCriticalSeconds}s", "", "")`,
      legend: "slower than {{over}}",
      unit: "percentunit",
      // Above 5% slower than X is a p95 above X.
      steps: [0.05],
      width: 8,
    },
    {
      type: "timeseries",
      title: "5xx error rate",
      expr: hub.errorRatio,
      legend: "{{job}}",
      unit: "percentunit",
      steps: [t.errorRateWarningPercent / 100, t.errorRateCriticalPercent / 100],
      width: 8,
    },
    {
      type: "timeseries",
      title: "Memory use of limit",
      expr: memoryOfLimit(i.containerLabel, i.containerSelector),
      legend: `{{${i.containerLabel}}}`,
      unit: "percentunit",
      steps: [t.memoryWarningPercent / 100, t.memoryCriticalPercent / 100],
      width: 12,
    },
    {
      type: "timeseries",
      title: "CPU use of limit",
      expr: cpuOfLimit(i.containerLabel, i.containerSelector, w),
      legend: `{{${i.containerLabel}}}`,
      unit: "percentunit",
      steps: [t.cpuWarningPercent / 100, 1],
      width: 12,
    },
  ];
}

/** Lays panels out left to right in rows of 24 grid units. */
function layout(specs: PanelSpec[], datasourceUid: string): Panel[] {
  let x = 0;
  let y = 0;
  return specs.map((spec, index) => {
    const h = spec.type === "stat" ? 4 : 8;
    if (x + spec.width > 24) {
      x = 0;
      y += 8;
    }
    const gridPos = { x, y, w: spec.width, h };
    x += spec.width;
    return {
      id: index + 1,
      type: spec.type,
      title: spec.title,
      gridPos,
      datasource: { type: "prometheus", uid: datasourceUid },
      targets: [{ refId: "A", expr: spec.expr, legendFormat: spec.legend }],
      fieldConfig: {
        defaults: {
          unit: spec.unit,
          thresholds: thresholdSteps(spec),
          ...(spec.type === "timeseries" ? { custom: { thresholdsStyle: { mode: spec.steps ? "line" : "off" } } } : {}),
        },
        overrides: [],
      },
      options: spec.type === "stat" ? { colorMode: "background", reduceOptions: { calcs: ["lastNotNull"] } } : { legend: { displayMode: "list" } },
    };
  });
}

export function grafanaDashboard(i: DashboardInput) {
  return {
    uid: DASHBOARD_UID,
    title: "MCP-SUPERSERVER overview",
    tags: ["mcp-superserver"],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    panels: layout(panelSpecs(i), i.datasourceUid),
  };
}

export function renderGrafanaDashboard(i: DashboardInput): string {
  return `${JSON.stringify(grafanaDashboard(i), null, 2)}\n`;
}
