/**
 * promtool cases for the backup alerts of components/render/alerts/backup.ts: the restore
 * drill's BackupUnverified, and Neo4jDown around the Docker backup's announced stop window.
 */
import type { AlertCase } from "./alertCase";

const NEO4J_PROBE = 'probe_success{job="probe-neo4j",instance="neo4j:7687",service="neo4j"}';
/** The window's end as the backup publishes it: Unix seconds, here relative to promtool's time 0. */
const WINDOW = (endSeconds: number, minutes: number) => ({
  series: 'mcp_backup_neo4j_stop_window_end_timestamp_seconds{job="node-exporter",instance="node-exporter:9100"}',
  values: `${endSeconds}x${minutes}`,
});
const VERIFIED = 'mcp_backup_verified_timestamp_seconds{job="node-exporter",instance="node-exporter:9100"}';
/** 9 days at 1m would be ~13000 evaluations of every rule; 30m keeps the run short. */
const DRILL_TIMING = { interval: "30m", evaluationInterval: "30m" };

export const BACKUP_ALERT_CASES: AlertCase[] = [
  {
    alert: "Neo4jDown",
    title: "stays quiet while the backup keeps Neo4j stopped inside its announced 20m window",
    interval: "1m",
    series: [{ series: NEO4J_PROBE, values: "0x15" }, WINDOW(1200, 15)],
    evalTime: "12m",
    expected: [],
  },
  {
    alert: "Neo4jDown",
    title: "pages 2m after the announced window ends with Neo4j still down (an overrun, or a backup killed by SIGKILL)",
    interval: "1m",
    series: [{ series: NEO4J_PROBE, values: "0x15" }, WINDOW(300, 15)],
    evalTime: "8m",
    expected: [
      {
        labels: { severity: "critical", job: "probe-neo4j", instance: "neo4j:7687", service: "neo4j" },
        summary: "Neo4j is unreachable",
        description: "The Bolt port neo4j:7687 does not complete a Bolt handshake; graph memory tool calls fail.",
      },
    ],
  },
  {
    alert: "BackupUnverified",
    title: "warns 9 days after the last successful restore drill",
    ...DRILL_TIMING,
    series: [{ series: VERIFIED, values: "0x500" }],
    evalTime: "216h",
    expected: [
      {
        labels: { severity: "warning", reason: "stale" },
        summary: "No backup has passed the restore drill recently",
        description: "The newest backup the restore drill loaded and counted was verified 9d 0h 0m 0s ago (limit 192h).",
      },
    ],
  },
  {
    alert: "BackupUnverified",
    title: "stays quiet 7 days after the last drill (the weekly drill is due, not late)",
    ...DRILL_TIMING,
    series: [{ series: VERIFIED, values: "0x500" }],
    evalTime: "168h",
    expected: [],
  },
  {
    alert: "BackupUnverified",
    title: "warns when no drill has ever succeeded for 192h",
    ...DRILL_TIMING,
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "1x500" }],
    evalTime: "193h",
    expected: [
      {
        labels: { severity: "warning", reason: "never" },
        summary: "No backup has passed the restore drill recently",
        description: "No restore drill has succeeded within 192h of monitoring (mcp_backup_verified_timestamp_seconds absent: 1).",
      },
    ],
  },
  {
    alert: "BackupUnverified",
    title: "stays quiet on a stack younger than 192h",
    ...DRILL_TIMING,
    series: [{ series: 'up{job="node-exporter",instance="node-exporter:9100"}', values: "1x500" }],
    evalTime: "191h",
    expected: [],
  },
];
