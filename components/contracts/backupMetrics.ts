/**
 * Metric names the backup jobs publish (the Docker scripts through node_exporter's textfile
 * directory, the Kubernetes job through the Pushgateway) and the alert rules and the dashboard read.
 */

/** Unix time of the last successful backup upload; BackupMissing watches it. */
export const BACKUP_SUCCESS_METRIC = "mcp_backup_last_success_timestamp_seconds";

/** Unix time until which the Docker backup may keep Neo4j stopped; 0 while Neo4j is not stopped by it. */
export const STOP_WINDOW_METRIC = "mcp_backup_neo4j_stop_window_end_timestamp_seconds";

/** Unix time of the last backup the restore drill loaded and counted successfully. */
export const BACKUP_VERIFIED_METRIC = "mcp_backup_verified_timestamp_seconds";
