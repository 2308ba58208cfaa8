/**
 * Metric names the backup jobs publish beyond the last success (which promql.ts holds for the
 * dashboard): the Docker backup's planned Neo4j stop window and the restore drill's result.
 */

/** Unix time until which the Docker backup may keep Neo4j stopped; 0 while Neo4j is not stopped by it. */
export const STOP_WINDOW_METRIC = "mcp_backup_neo4j_stop_window_end_timestamp_seconds";

/** Unix time of the last backup the restore drill loaded and counted successfully. */
export const BACKUP_VERIFIED_METRIC = "mcp_backup_verified_timestamp_seconds";
