/**
 * Alert names read outside the alert domain that renders them (components/render/alerts/): by
 * the policy pack (policies/src/alerts.ts checks the memory alerts' thresholds), by
 * Alertmanager's routes (render/alertmanager.ts) and by other domains' inhibitions. Renaming one
 * of these renames it for every reader.
 */
export const ALERT = {
  /** Memory of its limit above the warning threshold, per service (`service` label). */
  highMemory: "HighMemoryUsage",
  /** Memory of its limit above the critical threshold, per service (`service` label). */
  criticalMemory: "CriticalMemoryUsage",
  /** Always firing; routed to the dead-man's-switch receiver. */
  watchdog: "Watchdog",
  /** A receiver may be failing: routed to every receiver. */
  alertmanagerFailedToSend: "AlertmanagerFailedToSendAlerts",
  /** A scrape target is down; muted by the alerts that say why. */
  targetDown: "TargetDown",
  /** The hub's deep /health fails; muted by the dependency's own down alert. */
  hubDegraded: "MCPHubDegraded",
} as const;
