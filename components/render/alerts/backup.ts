/**
 * Backups: the last successful upload (BackupMissing), the restore drill's verdict
 * (BackupUnverified), and the Docker backup's planned Neo4j stop, which Neo4jDown must not page
 * for while it lasts.
 */
import { BACKUP_SUCCESS_METRIC, BACKUP_VERIFIED_METRIC, STOP_WINDOW_METRIC } from "../../contracts/backupMetrics";
import { backupAgeSeconds } from "../promql";
import { groupName, type AlertDomain, type AlertRule, type AlertRulesInput } from "./domain";

/**
 * `expr` minus the time the Docker backup has announced it keeps Neo4j stopped. The window's end
 * is published before Neo4j stops and reset to 0 once it runs again; a backup that overruns it,
 * or dies by SIGKILL with Neo4j stopped, leaves an end in the past, so the alert pages again.
 */
export function outsideBackupStopWindow(expr: string): string {
  return `(${expr}) unless on() (max(${STOP_WINDOW_METRIC}) > time())`;
}

function missingRules(i: AlertRulesInput): AlertRule[] {
  const t = i.thresholds;
  const maxAgeSeconds = t.backupMaxAgeHours * 3600;
  return [
    {
      alert: "BackupMissing",
      expr: `${backupAgeSeconds()} > ${maxAgeSeconds}`,
      for: "10m",
      severity: "critical",
      summary: "No successful Neo4j backup recently",
      description: `The last successful backup finished {{ $value | humanizeDuration }} ago (limit ${t.backupMaxAgeHours}h).`,
      labels: { reason: "stale" },
    },
    {
      alert: "BackupMissing",
      // A fresh stack has no backup yet: only complain once a whole period has passed without one.
      expr: `absent(${BACKUP_SUCCESS_METRIC})`,
      for: `${t.backupMaxAgeHours}h`,
      severity: "critical",
      summary: "No successful Neo4j backup recently",
      description: `No backup has reported success within ${t.backupMaxAgeHours}h of monitoring (${BACKUP_SUCCESS_METRIC} absent: {{ $value }}).`,
      labels: { reason: "never" },
    },
  ];
}

function verificationRules(i: AlertRulesInput): AlertRule[] {
  const t = i.thresholds;
  const maxAgeSeconds = t.backupVerifiedMaxAgeHours * 3600;
  const common = { severity: "warning" as const, summary: "No backup has passed the restore drill recently" };
  return [
    {
      alert: "BackupUnverified",
      expr: `time() - max(${BACKUP_VERIFIED_METRIC}) > ${maxAgeSeconds}`,
      for: "10m",
      ...common,
      description: `The newest backup the restore drill loaded and counted was verified {{ $value | humanizeDuration }} ago (limit ${t.backupVerifiedMaxAgeHours}h).`,
      labels: { reason: "stale" },
    },
    {
      alert: "BackupUnverified",
      // A fresh stack has had no drill yet: only complain once a whole period has passed without one.
      expr: `absent(${BACKUP_VERIFIED_METRIC})`,
      for: `${t.backupVerifiedMaxAgeHours}h`,
      ...common,
      description: `No restore drill has succeeded within ${t.backupVerifiedMaxAgeHours}h of monitoring (${BACKUP_VERIFIED_METRIC} absent: {{ $value }}).`,
      labels: { reason: "never" },
    },
  ];
}

export const BACKUP_ALERTS: AlertDomain = {
  name: "backup",
  groups: (i) => [{ group: groupName("backup"), rules: [...missingRules(i), ...verificationRules(i)] }],
  inhibitions: [],
};
