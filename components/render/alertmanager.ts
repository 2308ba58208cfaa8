/**
 * alertmanager.yml: critical alerts page, warnings go to chat, the Watchdog to its own
 * dead-man's-switch receiver. A receiver without a URL receives nothing (its alerts are dropped).
 * Webhook URLs carry tokens: the caller passes them in and keeps the rendered file secret.
 */
import { stringify } from "yaml";

export type ReceiverName = "paging" | "chat" | "watchdog";

export interface AlertmanagerInput {
  receivers: Partial<Record<ReceiverName, string>>;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/** Pairs where the first alert, firing, makes the second one noise. */
export const INHIBITIONS: { source: string; targets: string[]; equal: string[] }[] = [
  { source: "CriticalErrorRate", targets: ["HighErrorRate"], equal: ["job"] },
  { source: "VeryHighResponseTime", targets: ["HighResponseTime"], equal: ["job"] },
  // A hub's /health fails whenever Neo4j or Ollama does: the dependency's own page says it all.
  { source: "Neo4jDown", targets: ["MCPHubDegraded"], equal: [] },
  { source: "OllamaDown", targets: ["MCPHubDegraded"], equal: [] },
  { source: "CriticalMemoryUsage", targets: ["HighMemoryUsage"], equal: ["service"] },
  { source: "CriticalDiskSpace", targets: ["LowDiskSpace"], equal: ["instance", "mountpoint"] },
  // With every hub down, error-rate and latency alerts say nothing new.
  {
    source: "MCPHubDown",
    targets: ["HighErrorRate", "CriticalErrorRate", "HighResponseTime", "VeryHighResponseTime", "MCPHubDegraded", "MCPHubMetricsMissing"],
    equal: [],
  },
  // ...and neither do the hub's own down targets.
  { source: "MCPHubDown", targets: ["TargetDown"], equal: ["job"] },
];

function receiver(name: ReceiverName, url: string | undefined) {
  return url ? { name, webhook_configs: [{ url, send_resolved: name !== "watchdog" }] } : { name };
}

export function renderAlertmanagerConfig(i: AlertmanagerInput): string {
  const config = {
    route: {
      receiver: "chat",
      group_by: ["alertname", "service", "job"],
      group_wait: i.groupWait,
      group_interval: i.groupInterval,
      repeat_interval: i.repeatInterval,
      routes: [
        // The Watchdog always fires; its receiver alarms when it stops arriving.
        { receiver: "watchdog", matchers: ['alertname="Watchdog"'], group_wait: "0s", repeat_interval: "1m" },
        { receiver: "paging", matchers: ['severity="critical"'] },
        { receiver: "chat", matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: INHIBITIONS.map((r) => ({
      source_matchers: [`alertname="${r.source}"`],
      target_matchers: [`alertname=~"${r.targets.join("|")}"`],
      ...(r.equal.length ? { equal: r.equal } : {}),
    })),
    receivers: (["paging", "chat", "watchdog"] as const).map((name) => receiver(name, i.receivers[name])),
  };
  return `# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.\n${stringify(config)}`;
}
