/**
 * alertmanager.yml: critical alerts page, warnings go to chat, the Watchdog to its own
 * dead-man's-switch receiver. A receiver without a URL receives nothing (its alerts are dropped).
 * Webhook URLs carry tokens: the caller passes them in and keeps the rendered file secret.
 */
import { stringify } from "yaml";
import { ALL_RECEIVERS_ALERTS } from "./selfMonitoringRules";

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
  // Equal on what tells replicas apart too (`name` on Docker, `pod` on Kubernetes; a label
  // absent on both sides counts as equal): one replica at critical must not mute another's warning.
  { source: "CriticalMemoryUsage", targets: ["HighMemoryUsage"], equal: ["service", "name", "pod"] },
  { source: "CriticalDiskSpace", targets: ["LowDiskSpace"], equal: ["instance", "mountpoint"] },
  // With every hub down, error-rate and latency alerts say nothing new.
  {
    source: "MCPHubDown",
    targets: ["HighErrorRate", "CriticalErrorRate", "HighResponseTime", "VeryHighResponseTime", "MCPHubDegraded", "MCPHubMetricsMissing"],
    equal: [],
  },
  // ...and neither do the hub's own down targets.
  { source: "MCPHubDown", targets: ["TargetDown"], equal: ["job"] },
  // A dead blackbox_exporter fails every probe job's scrape: one page, not one per probe.
  { source: "BlackboxExporterDown", targets: ["TargetDown"], equal: ["job"] },
];

/**
 * Pages go out as soon as Alertmanager has them: the rule's `for` already debounced the
 * failure, and a group_wait is added in full to every page's delay (Alertmanager docs,
 * `group_wait`: "How long to initially wait to send a notification for a group").
 */
export const PAGING_GROUP_WAIT = "0s";

/**
 * The dead-man's switch repeats every minute. Alertmanager re-sends a firing group only on a
 * `group_interval` tick, and only if the last send is older than `repeat_interval` (v0.25
 * dispatch.go: the group's ticker; notify.go DedupStage.needsUpdate: `entry.Timestamp.Before(now
 * - repeat)`). The log timestamp is taken after the webhook answered, so a repeat_interval
 * equal to group_interval misses every other tick: repeat_interval is kept below it. With the
 * root's 5m group_interval the Watchdog went out every 5 minutes.
 */
export const WATCHDOG_TIMING = { groupInterval: "1m", repeatInterval: "30s" } as const;

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
        {
          receiver: "watchdog",
          matchers: ['alertname="Watchdog"'],
          group_wait: "0s",
          group_interval: WATCHDOG_TIMING.groupInterval,
          repeat_interval: WATCHDOG_TIMING.repeatInterval,
        },
        // Receiver failures go to chat too (and on to paging): whichever still works tells someone.
        { receiver: "chat", matchers: [`alertname=~"${ALL_RECEIVERS_ALERTS.join("|")}"`], continue: true },
        { receiver: "paging", matchers: ['severity="critical"'], group_wait: PAGING_GROUP_WAIT },
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
