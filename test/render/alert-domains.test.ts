/**
 * The alert domains (components/render/alerts/): which alerts each renders, the groups the
 * stacks' rule files get from them, and that every domain owns exactly the inhibitions whose
 * source alert it renders, written out here.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALERT_DOMAINS } from "../../components/render/alerts/domains";
import { alertReferenceRows } from "../../components/render/alerts/reference";
import { kubernetesPrometheusFiles, prometheusFiles } from "../support/stackFiles";

const DOMAIN_ALERTS: Record<string, string[]> = {
  hub: ["MCPHubDown", "MCPHubDegraded", "HighErrorRate", "CriticalErrorRate", "HighResponseTime", "VeryHighResponseTime", "MCPHubMetricsMissing"],
  neo4j: ["Neo4jDown", "Neo4jSlowQueries", "Neo4jTooManyConnections"],
  ollama: ["OllamaDown"],
  edge: ["MCPHubUnreachable"],
  probes: ["BlackboxExporterDown"],
  resources: ["HighMemoryUsage", "CriticalMemoryUsage", "HighCPUUsage"],
  storage: ["LowDiskSpace", "CriticalDiskSpace"],
  backup: ["BackupMissing", "BackupUnverified"],
  workloads: ["ContainerOOMKilled", "ContainerRestarting", "KubePodCrashLooping", "KubeContainerOOMKilled", "KubeContainerRestarting", "KubePersistentVolumeFillingUp"],
  gpu: ["GPUMemoryNearlyFull", "GPUXidError"],
  alerting: [
    "PrometheusBadConfig",
    "PrometheusRuleFailures",
    "PrometheusErrorSendingAlertsToAnyAlertmanager",
    "PrometheusNotificationsDropped",
    "PrometheusNotConnectedToAlertmanagers",
    "PrometheusTSDBCompactionsFailing",
    "AlertmanagerFailedReload",
    "AlertmanagerFailedToSendAlerts",
  ],
  meta: ["TargetDown", "Watchdog"],
};

/** Source alerts of the inhibitions each domain owns. */
const DOMAIN_INHIBITION_SOURCES: Record<string, string[]> = {
  hub: ["CriticalErrorRate", "VeryHighResponseTime", "MCPHubDown", "MCPHubDown"],
  neo4j: ["Neo4jDown"],
  ollama: ["OllamaDown"],
  probes: ["BlackboxExporterDown"],
  resources: ["CriticalMemoryUsage"],
  storage: ["CriticalDiskSpace"],
};

const groupsOf = (text: string) =>
  (parse(text) as { groups: { name: string; rules: { alert?: string }[] }[] }).groups.map((g) => `${g.name}: ${[...new Set(g.rules.map((r) => r.alert ?? "record"))].join(",")}`);

describe("alert domains", () => {
  it("each render their own alerts", () => {
    const byDomain: Record<string, string[]> = {};
    for (const r of alertReferenceRows()) if (!byDomain[r.domain]?.includes(r.alert)) (byDomain[r.domain] ??= []).push(r.alert);
    expect(byDomain).toEqual(DOMAIN_ALERTS);
  });

  it("each own the inhibitions whose source alert they render, and no other", () => {
    const owned = Object.fromEntries(ALERT_DOMAINS.filter((d) => d.inhibitions.length).map((d) => [d.name, d.inhibitions.map((i) => i.source)]));
    expect(owned).toEqual(DOMAIN_INHIBITION_SOURCES);
    for (const [domain, sources] of Object.entries(owned)) for (const s of sources) expect(DOMAIN_ALERTS[domain], `${domain} owns ${s}`).toContain(s);
  });

  it("give the dev stack's rule file one group per domain it has", () => {
    expect(groupsOf(prometheusFiles()["alert-rules.yml"])).toEqual([
      "mcp-superserver.hub.recording: record",
      "mcp-superserver.hub: MCPHubDown,MCPHubDegraded,HighErrorRate,CriticalErrorRate,HighResponseTime,VeryHighResponseTime,MCPHubMetricsMissing",
      "mcp-superserver.neo4j: Neo4jDown",
      "mcp-superserver.ollama: OllamaDown",
      "mcp-superserver.edge: MCPHubUnreachable",
      "mcp-superserver.probes: BlackboxExporterDown",
      "mcp-superserver.resources: HighMemoryUsage,CriticalMemoryUsage,HighCPUUsage",
      "mcp-superserver.storage: LowDiskSpace,CriticalDiskSpace",
      "mcp-superserver.backup: BackupMissing,BackupUnverified",
      "mcp-superserver.containers: ContainerOOMKilled,ContainerRestarting",
      "mcp-superserver.prometheus: PrometheusBadConfig,PrometheusRuleFailures,PrometheusErrorSendingAlertsToAnyAlertmanager,PrometheusNotificationsDropped,PrometheusNotConnectedToAlertmanagers,PrometheusTSDBCompactionsFailing",
      "mcp-superserver.alertmanager: AlertmanagerFailedReload,AlertmanagerFailedToSendAlerts",
      "mcp-superserver.meta: TargetDown,Watchdog",
    ]);
  });

  it("give the prod stack's rule file the Kubernetes and GPU groups instead of Docker's containers", () => {
    const groups = groupsOf(kubernetesPrometheusFiles()["alert-rules.yml"]).map((g) => g.split(":")[0]);
    expect(groups).toEqual([
      "mcp-superserver.hub.recording",
      "mcp-superserver.hub",
      "mcp-superserver.neo4j",
      "mcp-superserver.ollama",
      "mcp-superserver.edge",
      "mcp-superserver.probes",
      "mcp-superserver.resources",
      "mcp-superserver.storage",
      "mcp-superserver.backup",
      "mcp-superserver.kubernetes",
      "mcp-superserver.gpu",
      "mcp-superserver.prometheus",
      "mcp-superserver.alertmanager",
      "mcp-superserver.meta",
    ]);
  });
});
