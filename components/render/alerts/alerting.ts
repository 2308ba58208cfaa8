/**
 * The alerting pipeline itself (Prometheus and Alertmanager), mixin style. Names, expressions,
 * `for` and severities are those of the upstream mixins:
 *  - prometheus/prometheus `documentation/prometheus-mixin/alerts.libsonnet` (group `prometheus`),
 *  - prometheus/alertmanager `doc/alertmanager-mixin/alerts.libsonnet` (group `alertmanager.rules`),
 * with the mixins' `prometheusSelector`/`alertmanagerSelector` being our job names and their
 * `prometheusName`/`alertmanagerName` `{{ $labels.instance }}` (their defaults).
 *
 * Where we differ, and why:
 *  - PrometheusNotificationsDropped is not in the mixin. `prometheus_notifications_dropped_total`
 *    counts alerts Prometheus gave up on (queue overflow, or every Alertmanager failed); each is
 *    a page that never left, so it is critical after 5m.
 *  - The mixin's per-instance AlertmanagerFailedToSendAlerts is a warning and its cluster-wide
 *    variant is critical for critical integrations. We run one Alertmanager, so the instance is
 *    the cluster and every integration (one webhook each) can carry pages: one alert, critical,
 *    routed to both the paging and the chat receiver so whichever still works delivers it.
 *  - No traffic floor on either notification ratio: a notification is already one page or one
 *    chat message, so a single one lost after Alertmanager's retries is a real failure; the
 *    mixins' `for` (15m and 5m) rides out a transient error.
 */
import { ALERT } from "../../contracts/alerts";
import { groupName, type AlertDomain, type AlertRule } from "./domain";

function prometheusSelfRules(job: string): AlertRule[] {
  const sel = `job="${job}"`;
  return [
    {
      alert: "PrometheusBadConfig",
      // max_over_time: a failed scrape must not hide a failed reload (mixin comment).
      expr: `max_over_time(prometheus_config_last_reload_successful{${sel}}[5m]) == 0`,
      for: "10m",
      severity: "critical",
      summary: "Failed Prometheus configuration reload.",
      description: "Prometheus {{ $labels.instance }} has failed to reload its configuration.",
    },
    {
      alert: "PrometheusRuleFailures",
      expr: `increase(prometheus_rule_evaluation_failures_total{${sel}}[5m]) > 0`,
      for: "15m",
      severity: "critical",
      summary: "Prometheus is failing rule evaluations.",
      description: 'Prometheus {{ $labels.instance }} has failed to evaluate {{ printf "%.0f" $value }} rules in the last 5m.',
    },
    {
      alert: "PrometheusErrorSendingAlertsToAnyAlertmanager",
      expr:
        `min without (alertmanager) (rate(prometheus_notifications_errors_total{${sel}}[5m])` +
        ` / rate(prometheus_notifications_sent_total{${sel}}[5m])) * 100 > 3`,
      for: "15m",
      severity: "critical",
      summary: "Prometheus encounters more than 3% errors sending alerts to any Alertmanager.",
      description: '{{ printf "%.1f" $value }}% minimum errors while sending alerts from Prometheus {{ $labels.instance }} to any Alertmanager.',
    },
    {
      alert: "PrometheusNotificationsDropped",
      expr: `increase(prometheus_notifications_dropped_total{${sel}}[5m]) > 0`,
      for: "5m",
      severity: "critical",
      summary: "Prometheus is dropping alerts it could not deliver.",
      description: 'Prometheus {{ $labels.instance }} dropped {{ printf "%.0f" $value }} alerts in the last 5m: they never reached Alertmanager.',
    },
    {
      alert: "PrometheusNotConnectedToAlertmanagers",
      expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${sel}}[5m]) < 1`,
      for: "10m",
      severity: "warning",
      summary: "Prometheus is not connected to any Alertmanagers.",
      description: "Prometheus {{ $labels.instance }} is not connected to any Alertmanagers.",
    },
    {
      alert: "PrometheusTSDBCompactionsFailing",
      expr: `increase(prometheus_tsdb_compactions_failed_total{${sel}}[3h]) > 0`,
      for: "4h",
      severity: "warning",
      summary: "Prometheus has issues compacting blocks.",
      description: "Prometheus {{ $labels.instance }} has detected {{ $value | humanize }} compaction failures over the last 3h.",
    },
  ];
}

function alertmanagerSelfRules(job: string): AlertRule[] {
  const sel = `job="${job}"`;
  return [
    {
      alert: "AlertmanagerFailedReload",
      expr: `max_over_time(alertmanager_config_last_reload_successful{${sel}}[5m]) == 0`,
      for: "10m",
      severity: "critical",
      summary: "Reloading an Alertmanager configuration has failed.",
      description: "Configuration has failed to load for {{ $labels.instance }}.",
    },
    {
      alert: ALERT.alertmanagerFailedToSend,
      // `reason` exists from Alertmanager 0.26 on; ignoring it is harmless before.
      expr:
        `(rate(alertmanager_notifications_failed_total{${sel}}[15m])` +
        ` / ignoring (reason) group_left rate(alertmanager_notifications_total{${sel}}[15m])) > 0.01`,
      for: "5m",
      severity: "critical",
      summary: "An Alertmanager instance failed to send notifications.",
      description: "Alertmanager {{ $labels.instance }} failed to send {{ $value | humanizePercentage }} of notifications to {{ $labels.integration }}.",
    },
  ];
}

/** Alerts whose page must go out on every receiver: they say a receiver may be failing. */
export const ALL_RECEIVERS_ALERTS = [ALERT.alertmanagerFailedToSend];

/** The alerting pipeline, one group per mixin. */
export const ALERTING_ALERTS: AlertDomain = {
  name: "alerting",
  groups: (i) =>
    i.selfMonitoring
      ? [
          { group: groupName("prometheus"), rules: prometheusSelfRules(i.selfMonitoring.prometheusJob) },
          { group: groupName("alertmanager"), rules: alertmanagerSelfRules(i.selfMonitoring.alertmanagerJob) },
        ]
      : [],
  inhibitions: [],
};
