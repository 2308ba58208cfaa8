/**
 * The alert rule file: the recorded hub series, then every domain's groups (alerts/), each
 * alert with a `severity` label and `summary`, `description` and `runbook_url` annotations
 * (kube-prometheus style). Thresholds come from the typed stack config, so the rules, the
 * policy pack and the docs cannot disagree. Selectors, label names and jobs are inputs: the
 * Docker stack, the Kubernetes stack and the tests render the same rules.
 */
import { stringify } from "yaml";
import { durationSeconds } from "../config/primitives";
import { ALERT_DOMAINS } from "./alerts/domains";
import type { AlertGroup, AlertRulesInput, AlertTiming } from "./alerts/domain";
import { hubRecordingRules, type RecordingRule } from "./promql";

export type { AlertRulesInput, AlertTiming } from "./alerts/domain";

export const RUNBOOK_TIMING: AlertTiming = { rateWindow: "5m", pendingScale: 1 };

/** The recorded hub series the alerts and the dashboard read. */
function recordingRules(i: AlertRulesInput): RecordingRule[] {
  const w = (i.timing ?? RUNBOOK_TIMING).rateWindow;
  return hubRecordingRules({ contract: i.hubContract, job: i.hubJob, window: w }, [i.thresholds.latencyWarningSeconds, i.thresholds.latencyCriticalSeconds]);
}

/** The groups of every domain (alerts/domains.ts) for this stack. */
function alertRules(i: AlertRulesInput): AlertGroup[] {
  const w = (i.timing ?? RUNBOOK_TIMING).rateWindow;
  return ALERT_DOMAINS.flatMap((d) => d.groups(i, w));
}

/** Anchor of an alert's section in the operator runbook (`docs/runbook.md`). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** A rule's `for` under the timing: unchanged at scale 1, else whole seconds. */
export function pendingFor(runbookFor: string, timing: AlertTiming): string {
  if (timing.pendingScale === 1 || runbookFor === "0m") return runbookFor;
  return `${Math.max(1, Math.round(durationSeconds(runbookFor) * timing.pendingScale))}s`;
}

export function renderAlertRules(i: AlertRulesInput): string {
  const timing = i.timing ?? RUNBOOK_TIMING;
  const recorded = { name: "mcp-superserver.hub.recording", rules: recordingRules(i) };
  const alerting = alertRules(i).map(({ group, rules }) => ({
    name: group,
    rules: rules.map((r) => ({
      alert: r.alert,
      expr: r.expr,
      for: pendingFor(r.for, timing),
      labels: { severity: r.severity, ...r.labels },
      annotations: {
        summary: r.summary,
        description: r.description,
        runbook_url: `${i.runbookUrl}#${runbookAnchor(r.alert)}`,
      },
    })),
  }));
  // Recording rules first: alerts of a later group read what they recorded in this evaluation.
  const groups = [recorded, ...alerting];
  return `# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.\n${stringify({ groups }, { lineWidth: 0 })}`;
}
