/**
 * The nightly Neo4j backup on the Docker target. Neo4j Community has no online backup, so a
 * consistent copy means: take the maintenance lock, stop Neo4j, `neo4j-admin database dump`
 * into a directory created first, start Neo4j again, then upload with a SHA-256 checksum and
 * record the success for the BackupMissing alert.
 *
 * Neo4j is started again on every exit the shell can see: EXIT, and TERM, INT and HUP, which
 * interrupt the `wait` on the dump at once (the dump runs in the background for that reason),
 * remove the dump container (it holds the store lock) and then start Neo4j. SIGKILL cannot be
 * caught: for that case the script publishes, before it stops Neo4j, the end of its planned stop
 * window; Neo4jDown is silent until then and pages after it (see maintenanceWindowRules.ts).
 */
import { DOCKER_API_FUNCTIONS } from "./backupDockerApi";
import { STOP_WINDOW_METRIC } from "./backupMetrics";
import { LOG_FUNCTION, PRINT_SUCCESS_METRIC, pruneFunction, shellQuote, shellVars, uploadWithChecksum } from "./backupShell";

export interface DockerBackupInput {
  neo4jContainer: string;
  neo4jImage: string;
  neo4jDataVolume: string;
  /** Volume the dump is written to; mounted at `workDir` in the job's own container. */
  workVolume: string;
  workDir: string;
  network: string;
  toolsImage: string;
  /** S3 endpoint for an S3-compatible store (MinIO); empty for AWS S3. */
  endpoint: string;
  bucket: string;
  prefix: string;
  /** neo4j-admin heap, in Neo4j's notation (e.g. 1g). */
  jvmHeap: string;
  /** Directory read by node_exporter's textfile collector. */
  metricsDir: string;
  /** Container whose existence is the backup/restore lock. */
  lockContainer: string;
  /** Name of the one-off neo4j-admin container. */
  adminContainer: string;
  /** Seconds Docker waits for Neo4j's clean shutdown before SIGKILL. */
  neo4jStopSeconds: number;
  /** Longest planned Neo4j stop; Neo4jDown pages once it is over. */
  stopWindowSeconds: number;
  /** The newest backups that are never pruned, and the age beyond which older ones are. */
  keepLast: number;
  retentionDays: number;
  /** Where the running backup writes its pid, for the scheduler's stop handler. */
  pidFile: string;
}

/** Variables of the Docker scripts (backup and restore): the Docker calls and the shared shell read them. */
export function dockerScriptVars(i: Omit<DockerBackupInput, "stopWindowSeconds" | "keepLast" | "retentionDays" | "pidFile">): string {
  return shellVars({
    NEO4J_CONTAINER: i.neo4jContainer,
    NEO4J_IMAGE: i.neo4jImage,
    NEO4J_DATA_VOLUME: i.neo4jDataVolume,
    NEO4J_STOP_SECONDS: String(i.neo4jStopSeconds),
    WORK_VOLUME: i.workVolume,
    WORK_DIR: i.workDir,
    NETWORK: i.network,
    TOOLS_IMAGE: i.toolsImage,
    S3_ENDPOINT: i.endpoint,
    BUCKET: i.bucket,
    PREFIX: i.prefix,
    ADMIN_HEAP: i.jvmHeap,
    METRICS_DIR: i.metricsDir,
    LOCK_CONTAINER: i.lockContainer,
    ADMIN_CONTAINER: i.adminContainer,
  });
}

/** The stop-window gauge, written atomically for the textfile collector: $1 is its end (0: Neo4j is not stopped). */
export const WRITE_STOP_WINDOW = `write_window() {
  printf '# HELP ${STOP_WINDOW_METRIC} Unix time until which the backup may keep Neo4j stopped; 0 when it is not stopped.\\n# TYPE ${STOP_WINDOW_METRIC} gauge\\n${STOP_WINDOW_METRIC} %s\\n' "$1" > "$METRICS_DIR/.mcp_backup_window.prom.$$"
  mv "$METRICS_DIR/.mcp_backup_window.prom.$$" "$METRICS_DIR/mcp_backup_window.prom"
}`;

export function renderDockerBackupScript(i: DockerBackupInput): string {
  return `#!/bin/sh
# Rendered by mcp-superserver-infra; do not edit by hand.
# Consistent Neo4j Community backup: lock, stop, dump, start, upload with a checksum, prune.
set -eu
${dockerScriptVars(i)}
STOP_WINDOW_SECONDS=${i.stopWindowSeconds}
KEEP_LAST=${i.keepLast}
RETENTION_DAYS=${i.retentionDays}
PID_FILE=${shellQuote(i.pidFile)}

${LOG_FUNCTION}
${DOCKER_API_FUNCTIONS}
${WRITE_STOP_WINDOW}
${pruneFunction("aws_run")}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
key="\${PREFIX}\${stamp}/neo4j.dump"
dump_dir="\${WORK_DIR}/\${stamp}"
locked=0; neo4j_stopped=0; dump_pid=""

# Runs on every exit: a dump cut short is removed first (it holds the store lock), then Neo4j starts.
cleanup() {
  status=$?
  trap - EXIT TERM INT HUP
  if [ -n "$dump_pid" ]; then kill "$dump_pid" 2>/dev/null || true; admin_remove; fi
  if [ "$neo4j_stopped" = 1 ]; then
    if neo4j_start; then log "started $NEO4J_CONTAINER"; write_window 0; else log "could not start $NEO4J_CONTAINER; Neo4jDown pages after the stop window"; fi
  fi
  rm -rf "$dump_dir" "$dump_dir.log"
  if [ "$locked" = 1 ]; then lock_release || log "could not release the lock $LOCK_CONTAINER"; rm -f "$PID_FILE"; fi
  exit "$status"
}
on_signal() { log "received SIG$1 while neo4j_stopped=$neo4j_stopped; cleaning up"; exit "$2"; }
trap cleanup EXIT
trap 'on_signal TERM 143' TERM
trap 'on_signal INT 130' INT
trap 'on_signal HUP 129' HUP

if ! lock_take backup; then
  log "another backup or a restore holds the lock $LOCK_CONTAINER; nothing is stopped"
  exit 1
fi
locked=1
# The scheduler's PID 1 signals this pid when the container is stopped.
echo $$ > "$PID_FILE"
# neo4j-admin refuses a --to-path that is not an existing directory.
mkdir -p "$dump_dir"

log "stopping $NEO4J_CONTAINER for a consistent dump (window \${STOP_WINDOW_SECONDS}s)"
write_window "$(( $(date +%s) + STOP_WINDOW_SECONDS ))"
stopped_at=$(date +%s)
neo4j_stopped=1
neo4j_stop
admin_run database dump neo4j --to-path="$dump_dir" > "$dump_dir.log" 2>&1 &
dump_pid=$!
dump_status=0
wait "$dump_pid" || dump_status=$?
dump_pid=""
cat "$dump_dir.log"
# neo4j-admin's refusal of a store with an active logical log (see the stand-in's sources).
needs_recovery=0; grep -q "Active logical log detected" "$dump_dir.log" && needs_recovery=1
rm -f "$dump_dir.log"
neo4j_start
neo4j_stopped=0
write_window 0
log "started $NEO4J_CONTAINER; it was stopped for $(( $(date +%s) - stopped_at ))s"
if [ "$dump_status" != 0 ]; then
  if [ "$needs_recovery" = 1 ]; then
    log "the store needs recovery (Neo4j did not shut down cleanly within \${NEO4J_STOP_SECONDS}s); Neo4j recovers on this start, the next run dumps"
  fi
  log "dump failed (exit $dump_status); nothing is uploaded"
  exit 1
fi

file="$dump_dir/neo4j.dump"
${uploadWithChecksum("aws_run")}

# Last success for the BackupMissing alert, written atomically for the textfile collector.
tmp="$METRICS_DIR/.mcp_backup.prom.$$"
${PRINT_SUCCESS_METRIC} > "$tmp"
mv "$tmp" "$METRICS_DIR/mcp_backup.prom"
prune_backups
log "done"
`;
}

export interface SchedulerEntrypointInput {
  crontabDir: string;
  /** The pid file of the running backup or restore (the lock holder). */
  pidFile: string;
}

/**
 * PID 1 of the Docker backup scheduler. busybox crond as PID 1 dies on SIGTERM, and when PID 1
 * exits the kernel SIGKILLs every process of the container: a `docker stop` of the scheduler
 * during a backup would kill it before its trap starts Neo4j. This shell runs crond as its child,
 * passes the stop on to the running backup or restore and waits until it has cleaned up.
 */
export function renderSchedulerEntrypoint(i: SchedulerEntrypointInput): string {
  return `#!/bin/sh
# Rendered by mcp-superserver-infra; do not edit by hand.
${shellVars({ CRONTAB_DIR: i.crontabDir, PID_FILE: i.pidFile })}
crond -f -l 6 -c "$CRONTAB_DIR" &
crond_pid=$!
on_stop() {
  trap - TERM INT HUP
  kill -TERM "$crond_pid" 2>/dev/null
  if [ -f "$PID_FILE" ]; then
    job=$(cat "$PID_FILE")
    kill -TERM "$job" 2>/dev/null
    # Once crond is gone the job is this shell's child: a zombie (state Z) has finished.
    while kill -0 "$job" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$job/stat" 2>/dev/null; do sleep 1; done
  fi
  exit 0
}
trap on_stop TERM INT HUP
wait "$crond_pid"
`;
}
