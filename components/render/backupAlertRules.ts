/**
 * Backup alerts beyond BackupMissing: the restore drill's verdict (BackupUnverified), and the
 * Docker backup's planned Neo4j stop, which Neo4jDown must not page for while it lasts.
 */
import type { Thresholds } from "../config/schema";
import type { AlertRule } from "./alertRule";
import { BACKUP_VERIFIED_METRIC, STOP_WINDOW_METRIC } from "./backupMetrics";

/**
 * `expr` minus the time the Docker backup has announced it keeps Neo4j stopped. The window's end
 * is published before Neo4j stops and reset to 0 once it runs again; a backup that overruns it,
 * or dies by SIGKILL with Neo4j stopped, leaves an end in the past, so the alert pages again.
 */
export function outsideBackupStopWindow(expr: string): string {
  return `(${expr}) unless on() (max(${STOP_WINDOW_METRIC}) > time())`;
}

export function backupVerificationRules(t: Thresholds): AlertRule[] {
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
