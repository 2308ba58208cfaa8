/**
 * alertmanager.yml: critical alerts page, warnings go to chat, the Watchdog to its own
 * dead-man's-switch receiver. A receiver without a URL receives nothing (its alerts are dropped).
 * Webhook URLs carry tokens: the caller passes them in and keeps the rendered file secret.
 */
import { stringify } from "yaml";
import { ALERT } from "../contracts/alerts";
import { ALL_RECEIVERS_ALERTS } from "./alerts/alerting";
import { INHIBITIONS } from "./alerts/domains";

export type ReceiverName = "paging" | "chat" | "watchdog";

export interface AlertmanagerInput {
  receivers: Partial<Record<ReceiverName, string>>;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

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
          matchers: [`alertname="${ALERT.watchdog}"`],
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
    // Each domain's own inhibitions (alerts/domains.ts): the source alert's domain owns the pair.
    inhibit_rules: INHIBITIONS.map((r) => ({
      source_matchers: [`alertname="${r.source}"`],
      target_matchers: [`alertname=~"${r.targets.join("|")}"`],
      ...(r.equal.length ? { equal: r.equal } : {}),
    })),
    receivers: (["paging", "chat", "watchdog"] as const).map((name) => receiver(name, i.receivers[name])),
  };
  return `# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.\n${stringify(config)}`;
}
