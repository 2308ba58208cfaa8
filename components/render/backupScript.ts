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
 * window; Neo4jDown is silent until then and pages after it (see render/alerts/backup.ts).
 */
import { type BackupDockerNames, DOCKER_API_FUNCTIONS } from "./backupDockerApi";
import { BACKUP_VERIFIED_METRIC, STOP_WINDOW_METRIC } from "../contracts/backupMetrics";
import { LOG_FUNCTION, PRINT_SUCCESS_METRIC, pruneFunction, shellVars, uploadWithChecksum } from "./backupShell";

/** The names the Docker calls act on (but the drill's scratch ones, which only the drill gets), and the job's settings. */
export interface DockerBackupInput extends Omit<BackupDockerNames, "scratch"> {
  /** S3 endpoint for an S3-compatible store (MinIO); empty for AWS S3. */
  endpoint: string;
  /** File holding the store's secret access key, read by the job and handed to the AWS CLI on its stdin. */
  secretKeyFile: string;
  bucket: string;
  prefix: string;
  /** neo4j-admin heap, in Neo4j's notation (e.g. 1g). */
  jvmHeap: string;
  /** Directory read by node_exporter's textfile collector. */
  metricsDir: string;
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
    S3_SECRET_KEY_FILE: i.secretKeyFile,
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

/** Names of the drill's scratch Neo4j and its volume (never the live ones). */
export interface DockerScratch {
  container: string;
  volume: string;
}

/**
 * What every Docker maintenance script (backup, restore, drill) starts with: variables, the
 * Docker calls, the lock, and the cleanup that runs on every exit the shell can catch. A
 * neo4j-admin cut short is removed first (it holds the store lock), then Neo4j starts, the
 * scratch Neo4j goes, the lock is released.
 */
function dockerPrelude(i: DockerBackupInput, what: string, scratch?: DockerScratch): string {
  return `#!/bin/sh
# Rendered by mcp-superserver-infra; do not edit by hand.
# ${what}
set -eu
${dockerScriptVars(i)}
${shellVars({
  STOP_WINDOW_SECONDS: String(i.stopWindowSeconds),
  KEEP_LAST: String(i.keepLast),
  RETENTION_DAYS: String(i.retentionDays),
  PID_FILE: i.pidFile,
  SCRATCH_CONTAINER: scratch?.container ?? "",
  SCRATCH_VOLUME: scratch?.volume ?? "",
})}

${LOG_FUNCTION}
${DOCKER_API_FUNCTIONS}
${WRITE_STOP_WINDOW}
locked=0; neo4j_stopped=0; admin_pid=""; scratch_up=0; work=""

cleanup() {
  status=$?
  trap - EXIT TERM INT HUP
  if [ -n "$admin_pid" ]; then kill "$admin_pid" 2>/dev/null || true; admin_remove; fi
  if [ "$neo4j_stopped" = 1 ]; then
    if neo4j_start; then log "started $NEO4J_CONTAINER"; write_window 0; else log "could not start $NEO4J_CONTAINER; Neo4jDown pages after the stop window"; fi
  fi
  if [ "$scratch_up" = 1 ]; then scratch_remove; fi
  [ -z "$work" ] || rm -rf "$work" "$work.log"
  if [ "$locked" = 1 ]; then lock_release || log "could not release the lock $LOCK_CONTAINER"; rm -f "$PID_FILE"; fi
  exit "$status"
}
on_signal() { log "received SIG$1 while neo4j_stopped=$neo4j_stopped; cleaning up"; exit "$2"; }
trap cleanup EXIT
trap 'on_signal TERM 143' TERM
trap 'on_signal INT 130' INT
trap 'on_signal HUP 129' HUP

# take_lock HOLDER: the backup/restore/drill lock, or exit without touching anything.
take_lock() {
  lock_take "$1" || { log "another backup, restore or drill holds the lock $LOCK_CONTAINER; nothing is stopped"; exit 1; }
  locked=1
  # The scheduler's PID 1 signals this pid when the container is stopped.
  echo $$ > "$PID_FILE"
}
# admin VOLUME ARGS...: neo4j-admin in the background, so that a signal interrupts the wait at once; its output in "$work.log".
admin() {
  admin_run "$@" > "$work.log" 2>&1 &
  admin_pid=$!
  admin_status=0
  wait "$admin_pid" || admin_status=$?
  admin_pid=""
  cat "$work.log"
  return "$admin_status"
}
stop_neo4j() {
  log "stopping $NEO4J_CONTAINER (window \${STOP_WINDOW_SECONDS}s)"
  write_window "$(( $(date +%s) + STOP_WINDOW_SECONDS ))"
  stopped_at=$(date +%s)
  neo4j_stopped=1
  neo4j_stop
}
start_neo4j() {
  neo4j_start
  neo4j_stopped=0
  write_window 0
  log "started $NEO4J_CONTAINER; it was stopped for $(( $(date +%s) - stopped_at ))s"
}
# fetch KEY: downloads a backup into "$work" and checks it against the SHA-256 recorded at upload.
fetch() {
  mkdir -p "$work"
  aws_run s3 cp "s3://$BUCKET/$1" "$work/neo4j.dump" --no-progress >/dev/null
  expected=$(aws_run s3api head-object --bucket "$BUCKET" --key "$1" --query 'Metadata.sha256' --output text)
  actual=$(sha256sum "$work/neo4j.dump" | cut -d' ' -f1)
  [ "$expected" = "$actual" ] || { log "checksum mismatch for $1: expected $expected, got $actual; nothing is loaded"; exit 1; }
  log "fetched s3://$BUCKET/$1 (sha256 $actual verified)"
}
newest_key() {
  k=$(aws_run s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'sort_by(Contents, &LastModified)[-1].Key' --output text)
  [ -n "$k" ] && [ "$k" != None ] || { log "no backup found under s3://$BUCKET/$PREFIX"; exit 1; }
  echo "$k"
}
# until_answers QUERY-FUNCTION: waits (up to 300 s) until RETURN 1 answers; Neo4j takes 30-90 s to start.
until_answers() {
  n=0
  until "$1" "RETURN 1" >/dev/null 2>&1; do n=$((n + 1)); [ "$n" -lt 150 ] || { log "Neo4j does not answer RETURN 1 after 300s"; return 1; }; sleep 2 & wait $! || true; done
}
# count_nodes QUERY-FUNCTION: the node count (cypher-shell --format plain: the column name, then the value).
count_nodes() { "$1" "MATCH (n) RETURN count(n) AS nodes" | tail -n 1; }`;
}

export function renderDockerBackupScript(i: DockerBackupInput): string {
  return `${dockerPrelude(i, "Consistent Neo4j Community backup: lock, stop, dump, start, upload with a checksum, prune.")}
${pruneFunction("aws_run")}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
key="\${PREFIX}\${stamp}/neo4j.dump"
take_lock backup
work="\${WORK_DIR}/\${stamp}"
# neo4j-admin refuses a --to-path that is not an existing directory.
mkdir -p "$work"
stop_neo4j
dump_status=0
admin "$NEO4J_DATA_VOLUME" database dump neo4j --to-path="$work" || dump_status=$?
start_neo4j
if [ "$dump_status" != 0 ]; then
  # neo4j-admin's refusal of a store with an active logical log (see the stand-in's sources).
  if grep -q "Active logical log detected" "$work.log"; then
    log "the store needs recovery (Neo4j did not shut down cleanly within \${NEO4J_STOP_SECONDS}s); Neo4j recovers on this start, the next run dumps"
  fi
  log "dump failed (exit $dump_status); nothing is uploaded"
  exit 1
fi

file="$work/neo4j.dump"
${uploadWithChecksum("aws_run")}

# Last success for the BackupMissing alert, written atomically for the textfile collector.
tmp="$METRICS_DIR/.mcp_backup.prom.$$"
${PRINT_SUCCESS_METRIC} > "$tmp"
mv "$tmp" "$METRICS_DIR/mcp_backup.prom"
prune_backups
log "done"
`;
}

/** Restore on Docker: `mcp-restore [KEY]` (the newest backup without a key). */
export function renderDockerRestoreScript(i: DockerBackupInput): string {
  return `${dockerPrelude(i, "Restore: lock, fetch and verify a backup, stop Neo4j, load, start Neo4j, check it answers.")}

if [ "\${1:-}" = --list ]; then
  aws_run s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'Contents[].Key' --output text | tr '\\t' '\\n' | grep -v '^None$' || true
  exit 0
fi
take_lock restore
key="\${1:-}"
[ -n "$key" ] || key=$(newest_key)
log "restoring s3://$BUCKET/$key"
work="$WORK_DIR/restore"
fetch "$key"
stop_neo4j
load_status=0
admin "$NEO4J_DATA_VOLUME" database load --from-path="$work" --overwrite-destination=true neo4j || load_status=$?
start_neo4j
[ "$load_status" = 0 ] || { log "the load failed (exit $load_status); Neo4j runs on what its store holds now"; exit 1; }
log "loaded; waiting for Neo4j to answer"
until_answers neo4j_query
log "Neo4j answers RETURN 1"
log "restored $key: Neo4j holds $(count_nodes neo4j_query) nodes"
`;
}

/** The restore drill on Docker: the newest backup into a scratch Neo4j; the live one is never touched. */
export function renderDockerVerifyScript(i: DockerBackupInput, scratch: DockerScratch): string {
  return `${dockerPrelude(i, "Restore drill: load the newest backup into a scratch Neo4j, count its nodes, record the verification.", scratch)}

take_lock verify
key=$(newest_key)
work="$WORK_DIR/verify"
fetch "$key"
scratch_up=1
scratch_create
admin "$SCRATCH_VOLUME" database load --from-path="$work" --overwrite-destination=true neo4j || { log "the drill failed: $key does not load"; exit 1; }
scratch_start
until_answers scratch_query || { log "the drill failed: the scratch Neo4j does not answer"; exit 1; }
count=$(count_nodes scratch_query)
case "$count" in ''|*[!0-9]*) log "the drill failed: the count query answered '$count'"; exit 1 ;; esac
[ "$count" -gt 0 ] || { log "the drill failed: $key loads but holds no nodes"; exit 1; }
tmp="$METRICS_DIR/.mcp_backup_verified.prom.$$"
printf '# HELP ${BACKUP_VERIFIED_METRIC} Unix time of the last backup the restore drill loaded and counted.\\n# TYPE ${BACKUP_VERIFIED_METRIC} gauge\\n${BACKUP_VERIFIED_METRIC} %s\\n' "$(date +%s)" > "$tmp"
mv "$tmp" "$METRICS_DIR/mcp_backup_verified.prom"
log "drill passed: $key loads and holds $count nodes"
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
