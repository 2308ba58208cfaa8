/**
 * The Neo4j backup, restore and restore drill on Kubernetes.
 *
 * Backup, Community (no online backup): zero downtime. A driver pod takes the maintenance Lease,
 * snapshots the live Neo4j volume (CSI VolumeSnapshot: crash-consistent, like a power cut),
 * makes a clone claim from the snapshot and starts a worker pod on it. In the worker a throwaway
 * Neo4j, reachable on 127.0.0.1 only, recovers the clone's store from its transaction logs and
 * shuts down cleanly (neo4j-admin refuses to dump a store that needs recovery), then the clone is
 * dumped and uploaded with its checksum. The live StatefulSet is never scaled: the driver has no
 * right to. Whatever ends the driver (success, failure, TERM), it deletes the worker, the clone
 * and the snapshot and releases the Lease; after a SIGKILL the next run removes them first and
 * the Lease expires on its own.
 *
 * Backup, Enterprise: one pod takes an online backup from the running server.
 * Restore: fetch and verify, then stop Neo4j (scale to 0), load, start it (scale to 1) on every
 * exit the shell can catch. Drill: load the newest backup into a scratch Neo4j inside its own pod
 * and count its nodes; the live Neo4j is never touched.
 *
 * Containers hand over through flag files in a shared work volume: the `aws` container (AWS CLI
 * image, with curl) moves files and talks to the APIs, the `neo4j` container (the Neo4j image, for
 * a matching neo4j-admin) recovers, dumps, loads and counts.
 *
 * Signals: each script is its container's PID 1. PID 1 gets no default signal actions, so an
 * untrapped SIGTERM is ignored until the kubelet's SIGKILL; every script traps TERM, INT and HUP
 * and waits in short sleeps or on background jobs, so the trap runs at once.
 */
import { BACKUP_VERIFIED_METRIC } from "../contracts/backupMetrics";
import { LOG_FUNCTION, PRINT_SUCCESS_METRIC, pruneFunction, shellVars, uploadWithChecksum } from "./backupShell";

export interface KubernetesBackupInput {
  namespace: string;
  statefulSet: string;
  /** Shared between the two containers. */
  workDir: string;
  bucket: string;
  prefix: string;
  /** URL of the Pushgateway group the backup pushes its metric to. */
  pushgatewayUrl: string;
  /** URL of the Pushgateway group the restore drill pushes its metric to. */
  verifyPushgatewayUrl: string;
  /** Enterprise: host:port of the online backup endpoint; unset for Community (snapshot and clone). */
  onlineBackupFrom?: string;
  keepLast: number;
  retentionDays: number;
}

/** Objects the Community backup makes and deletes on each run (fixed names: a run removes a killed run's leftovers). */
export interface SnapshotBackupInput {
  /** The live Neo4j data claim. */
  dataClaim: string;
  snapshotClass: string;
  snapshot: string;
  clone: string;
  cloneStorageClass: string;
  cloneSize: string;
  worker: string;
  /** The worker pod's manifest (JSON), mounted with the scripts. */
  workerManifest: string;
  /** Seconds after which a Lease its holder did not release counts as abandoned. */
  leaseSeconds: number;
}

export const SCRIPT = {
  backupDriver: "backup-driver.sh",
  backupAws: "backup-aws.sh",
  backupNeo4j: "backup-neo4j.sh",
  restoreAws: "restore-aws.sh",
  restoreNeo4j: "restore-neo4j.sh",
  verifyAws: "verify-aws.sh",
  verifyNeo4j: "verify-neo4j.sh",
  workerPod: "worker-pod.json",
  scratchConf: "neo4j.conf",
} as const;

export const MAINTENANCE_LEASE = "neo4j-maintenance";

/** Flag files: go (the file is ready / Neo4j is stopped), done (dump/load finished), failed, admin-exited (no neo4j-admin runs any more). */
const FLAGS = `go="$WORK_DIR/.go"; done_flag="$WORK_DIR/.done"; failed_flag="$WORK_DIR/.failed"; admin_exited="$WORK_DIR/.admin-exited"`;

/** pause N: a sleep a trapped signal interrupts at once (a foreground sleep would delay the trap until it ends). */
const WAIT_FOR = `pause() { sleep "$1" & wait $! || true; }
wait_for() { while [ ! -e "$1" ] && [ ! -e "$failed_flag" ]; do pause 1; done; [ -e "$1" ]; }`;

const SIGNAL_TRAPS = `trap 'log "received SIGTERM"; exit 143' TERM
trap 'log "received SIGINT"; exit 130' INT
trap 'log "received SIGHUP"; exit 129' HUP`;

/** The Kubernetes API with the pod's own service-account token; no kubectl in the image. */
const KUBE_FUNCTIONS = `api="\${KUBERNETES_API:-https://kubernetes.default.svc}"
sa="\${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
resp="\${TMPDIR:-/tmp}/kube-response.$$"
# kube METHOD PATH [JSON]: prints the HTTP status; the body is in "$resp".
kube() {
  method="$1"; url="$api$2"; shift 2
  [ $# -eq 0 ] || set -- --data-binary "$1"
  type=application/json; [ "$method" != PATCH ] || type=application/merge-patch+json
  curl -sS -o "$resp" -w '%{http_code}' --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" \\
    -X "$method" -H "Content-Type: $type" "$@" "$url"
}
# The value of a JSON field of "$resp" (the API's compact JSON; no jq in the image).
field() { sed -n "s/.*\\"$1\\":\\"\\{0,1\\}\\([^\\",}]*\\).*/\\1/p" "$resp" | head -n 1; }`;

/**
 * The backup/restore Lease (coordination.k8s.io/v1): create is atomic (409 when it exists); a
 * Lease whose renewTime + leaseDurationSeconds has passed was abandoned (its holder was killed)
 * and is taken over with an update carrying its resourceVersion (409 if someone was faster).
 * Source: Kubernetes API reference, Lease v1 (holderIdentity, leaseDurationSeconds, renewTime).
 */
const LEASE_FUNCTIONS = `leases="/apis/coordination.k8s.io/v1/namespaces/$NAMESPACE/leases"
lease_held=0
lease_spec() {
  t=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
  printf '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"%s"%s},"spec":{"holderIdentity":"%s","leaseDurationSeconds":%s,"acquireTime":"%s","renewTime":"%s"}}' \\
    "$LEASE" "$1" "$HOLDER" "$LEASE_SECONDS" "$t" "$t"
}
lease_take() {
  code=$(kube POST "$leases" "$(lease_spec '')")
  if [ "$code" != 201 ]; then
    [ "$code" = 409 ] || { log "creating the lease $LEASE answered $code: $(cat "$resp")"; return 1; }
    kube GET "$leases/$LEASE" >/dev/null
    holder=$(field holderIdentity); renew=$(field renewTime); duration=$(field leaseDurationSeconds); rv=$(field resourceVersion)
    until_s=$(( $(date -u -d "$renew" +%s) + duration ))
    if [ "$until_s" -gt "$(date +%s)" ]; then
      log "$holder holds the lease $LEASE (until $(date -u -d "@$until_s" +%Y-%m-%dT%H:%M:%SZ) unless released); nothing is done"
      return 1
    fi
    log "the lease of $holder expired at $(date -u -d "@$until_s" +%Y-%m-%dT%H:%M:%SZ); taking it over"
    code=$(kube PUT "$leases/$LEASE" "$(lease_spec ",\\"resourceVersion\\":\\"$rv\\"")")
    [ "$code" = 200 ] || { log "taking over the lease answered $code"; return 1; }
  fi
  lease_held=1
  log "holding the lease $LEASE as $HOLDER"
}
lease_release() { [ "$lease_held" = 1 ] || return 0; kube DELETE "$leases/$LEASE" >/dev/null || true; lease_held=0; log "released the lease $LEASE"; }`;

/** Scaling the StatefulSet (restore only: the backup never stops Neo4j). */
const SCALE_FUNCTIONS = `neo4j_stopped=0
scale_to() {
  code=$(kube PATCH "/apis/apps/v1/namespaces/$NAMESPACE/statefulsets/$STATEFULSET/scale" "{\\"spec\\":{\\"replicas\\":$1}}")
  [ "$code" = 200 ] || { log "scaling $STATEFULSET to $1 answered $code: $(cat "$resp")"; return 1; }
  log "scaled statefulset $STATEFULSET to $1"
}
wait_pod_gone() { until [ "$(kube GET "/api/v1/namespaces/$NAMESPACE/pods/$STATEFULSET-0")" = 404 ]; do pause 2; done; log "pod $STATEFULSET-0 is gone"; }
stop_neo4j() { neo4j_stopped=1; scale_to 0; stopped_at=$(date +%s); wait_pod_gone; }
start_neo4j() { scale_to 1; neo4j_stopped=0; log "neo4j was stopped for $(( $(date +%s) - stopped_at ))s"; }`;

function header(i: KubernetesBackupInput, what: string, extra: Record<string, string> = {}): string {
  return `#!/bin/sh
# Rendered by mcp-superserver-infra; do not edit by hand.
# ${what}
set -eu
${shellVars({
  NAMESPACE: i.namespace,
  STATEFULSET: i.statefulSet,
  WORK_DIR: i.workDir,
  BUCKET: i.bucket,
  PREFIX: i.prefix,
  ...extra,
})}
${LOG_FUNCTION}
${FLAGS}
${WAIT_FOR}`;
}

/** The Community backup's driver: Lease, snapshot, clone, worker pod, cleanup. Never scales Neo4j. */
export function renderBackupDriverScript(i: KubernetesBackupInput, s: SnapshotBackupInput): string {
  const snapshots = `/apis/snapshot.storage.k8s.io/v1/namespaces/$NAMESPACE/volumesnapshots`;
  const claims = `/api/v1/namespaces/$NAMESPACE/persistentvolumeclaims`;
  const pods = `/api/v1/namespaces/$NAMESPACE/pods`;
  return `${header(i, "Backup driver (community): snapshot the live volume, dump a recovered clone in a worker pod; Neo4j keeps running.", {
    DATA_CLAIM: s.dataClaim,
    SNAPSHOT_CLASS: s.snapshotClass,
    SNAPSHOT: s.snapshot,
    CLONE: s.clone,
    CLONE_CLASS: s.cloneStorageClass,
    CLONE_SIZE: s.cloneSize,
    WORKER: s.worker,
    WORKER_MANIFEST: s.workerManifest,
    LEASE: MAINTENANCE_LEASE,
    LEASE_SECONDS: String(s.leaseSeconds),
  })}
HOLDER="backup/\${POD_NAME:-$(hostname)}"
${KUBE_FUNCTIONS}
${LEASE_FUNCTIONS}
# Deletes what a run makes (404: already gone); waits until the worker has let go of the clone.
remove_run_objects() {
  kube DELETE "${pods}/$WORKER" >/dev/null || true
  n=0; until [ "$(kube GET "${pods}/$WORKER")" = 404 ]; do n=$((n + 1)); [ "$n" -lt 300 ] || { log "the worker pod does not go away"; return 1; }; pause 1; done
  kube DELETE "${claims}/$CLONE" >/dev/null || true
  kube DELETE "${snapshots}/$SNAPSHOT" >/dev/null || true
}
cleanup() {
  status=$?
  trap - EXIT TERM INT HUP
  if [ "$lease_held" = 1 ]; then remove_run_objects; log "removed the worker, the clone and the snapshot"; lease_release; fi
  exit "$status"
}
trap cleanup EXIT
${SIGNAL_TRAPS}

lease_take || exit 1
remove_run_objects
started_at=$(date +%s)
code=$(kube POST "${snapshots}" "{\\"apiVersion\\":\\"snapshot.storage.k8s.io/v1\\",\\"kind\\":\\"VolumeSnapshot\\",\\"metadata\\":{\\"name\\":\\"$SNAPSHOT\\"},\\"spec\\":{\\"volumeSnapshotClassName\\":\\"$SNAPSHOT_CLASS\\",\\"source\\":{\\"persistentVolumeClaimName\\":\\"$DATA_CLAIM\\"}}}")
[ "$code" = 201 ] || { log "creating the snapshot answered $code: $(cat "$resp")"; exit 1; }
log "snapshot $SNAPSHOT of $DATA_CLAIM requested (Neo4j keeps running)"
until kube GET "${snapshots}/$SNAPSHOT" >/dev/null && [ "$(field readyToUse)" = true ]; do
  [ -z "$(field message)" ] || { log "snapshot failed: $(field message)"; exit 1; }
  pause 5
done
log "snapshot ready after $(( $(date +%s) - started_at ))s"
code=$(kube POST "${claims}" "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"PersistentVolumeClaim\\",\\"metadata\\":{\\"name\\":\\"$CLONE\\"},\\"spec\\":{\\"accessModes\\":[\\"ReadWriteOnce\\"],\\"storageClassName\\":\\"$CLONE_CLASS\\",\\"resources\\":{\\"requests\\":{\\"storage\\":\\"$CLONE_SIZE\\"}},\\"dataSource\\":{\\"apiGroup\\":\\"snapshot.storage.k8s.io\\",\\"kind\\":\\"VolumeSnapshot\\",\\"name\\":\\"$SNAPSHOT\\"}}}")
[ "$code" = 201 ] || { log "creating the clone claim answered $code: $(cat "$resp")"; exit 1; }
code=$(kube POST "${pods}" "$(cat "$WORKER_MANIFEST")")
[ "$code" = 201 ] || { log "creating the worker pod answered $code: $(cat "$resp")"; exit 1; }
log "worker $WORKER started on the clone $CLONE"
phase=""
until [ "$phase" = Succeeded ] || [ "$phase" = Failed ]; do pause 5; kube GET "${pods}/$WORKER" >/dev/null; phase=$(field phase); done
[ "$phase" = Succeeded ] || { log "the worker failed; see its log (kept until this job ends)"; exit 1; }
log "backup done in $(( $(date +%s) - started_at ))s; Neo4j was never stopped"
`;
}

/** Driver side of the pod that moves the dump: waits for it, uploads it with a checksum, prunes, reports. */
export function renderBackupAwsScript(i: KubernetesBackupInput): string {
  const source = i.onlineBackupFrom ? "online backup from $ONLINE_BACKUP_FROM (enterprise)" : "dump of the recovered clone (community)";
  return `${header(i, "Backup upload: wait for the dump, upload it with a checksum, prune, report to the Pushgateway.", {
    PUSHGATEWAY_URL: i.pushgatewayUrl,
    ONLINE_BACKUP_FROM: i.onlineBackupFrom ?? "",
    KEEP_LAST: String(i.keepLast),
    RETENTION_DAYS: String(i.retentionDays),
  })}
${SIGNAL_TRAPS}
${pruneFunction("aws")}
log "waiting for the ${source}; nothing is stopped"
touch "$go"
wait_for "$done_flag" || { log "backup failed"; exit 1; }
file=$(ls "$WORK_DIR"/dump/* | head -n 1)
key="\${PREFIX}$(date -u +%Y%m%dT%H%M%SZ)/$(basename "$file")"
${uploadWithChecksum("aws")}
prune_backups
# A few retries, and no retry of the whole job on failure (backoffLimit 0): a failed push never
# takes the backup again; BackupMissing then says the freshness is unknown.
${PRINT_SUCCESS_METRIC} | curl -sS --fail-with-body --retry 5 --retry-connrefused --retry-delay 5 --data-binary @- "$PUSHGATEWAY_URL" >/dev/null
log "reported success to the Pushgateway; done"
`;
}

/** The throwaway Neo4j on 127.0.0.1: start it on the store, wait until it answers, stop it cleanly. */
const SCRATCH_NEO4J = `scratch_up() {
  neo4j start
  i=0
  until cypher-shell -a bolt://127.0.0.1:7687 --format plain "RETURN 1" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 300 ] || { log "the scratch Neo4j did not answer within 600s"; neo4j stop || true; return 1; }
    pause 2
  done
  log "scratch Neo4j is up"
}
scratch_down() { neo4j stop; log "scratch Neo4j stopped cleanly"; }`;

export function renderBackupNeo4jScript(i: KubernetesBackupInput): string {
  const run = i.onlineBackupFrom
    ? `neo4j-admin database backup --from="$ONLINE_BACKUP_FROM" --to-path="$WORK_DIR/dump" neo4j`
    : `neo4j-admin database dump neo4j --to-path="$WORK_DIR/dump"`;
  const recover = i.onlineBackupFrom
    ? ""
    : `# The clone is a crash-consistent copy: recover it (start, clean stop) before neo4j-admin will dump it.
scratch_up || { touch "$failed_flag"; exit 1; }
scratch_down
`;
  return `${header(i, "Backup worker: recover and dump the clone (community) or take an online backup (enterprise).", {
    ONLINE_BACKUP_FROM: i.onlineBackupFrom ?? "",
  })}
${SIGNAL_TRAPS}
${i.onlineBackupFrom ? "" : `${SCRATCH_NEO4J}\n`}wait_for "$go"
${recover}mkdir -p "$WORK_DIR/dump"
if ${run}; then touch "$done_flag"; log "dump written"; else touch "$failed_flag"; exit 1; fi
`;
}

/** Fetches $key into "$WORK_DIR/dump" and checks it against the SHA-256 recorded at upload. */
const FETCH_AND_VERIFY = `mkdir -p "$WORK_DIR/dump"
file="$WORK_DIR/dump/$(basename "$key")"
aws s3 cp "s3://$BUCKET/$key" "$file" --no-progress
expected=$(aws s3api head-object --bucket "$BUCKET" --key "$key" --query 'Metadata.sha256' --output text)
actual=$(sha256sum "$file" | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { log "checksum mismatch for $key: expected $expected, got $actual"; touch "$failed_flag"; exit 1; }
log "fetched s3://$BUCKET/$key (sha256 $actual verified)"`;

const NEWEST_KEY = `[ -n "$key" ] || key=$(aws s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'sort_by(Contents, &LastModified)[-1].Key' --output text)
[ -n "$key" ] && [ "$key" != None ] || { log "no backup found under s3://$BUCKET/$PREFIX"; touch "$failed_flag"; exit 1; }`;

/**
 * Restore: BACKUP_KEY names the object to restore (a key under the prefix); empty means the
 * newest. The download is checked before Neo4j stops; the Lease keeps a backup from overlapping.
 */
export function renderRestoreAwsScript(i: KubernetesBackupInput, s: Pick<SnapshotBackupInput, "leaseSeconds">): string {
  return `${header(i, "Restore driver: take the lease, fetch and verify a backup, stop Neo4j, wait for the load, start Neo4j.", {
    LEASE: MAINTENANCE_LEASE,
    LEASE_SECONDS: String(s.leaseSeconds),
  })}
HOLDER="restore/\${POD_NAME:-$(hostname)}"
${KUBE_FUNCTIONS}
${LEASE_FUNCTIONS}
${SCALE_FUNCTIONS}
cleanup() {
  status=$?
  trap - EXIT TERM INT HUP
  [ "$status" = 0 ] || touch "$failed_flag"
  if [ "$neo4j_stopped" = 1 ]; then
    # Neo4j must not start while neo4j-admin still writes its store: the failed flag stops the load.
    if [ -e "$go" ]; then n=0; while [ ! -e "$admin_exited" ] && [ "$n" -lt 60 ]; do n=$((n + 1)); pause 1; done; fi
    [ "$status" = 0 ] || log "the restore did not complete: Neo4j starts on a store that may be incomplete; run the restore again"
    start_neo4j || log "could not scale $STATEFULSET back to 1"
  fi
  lease_release
  exit "$status"
}
trap cleanup EXIT
${SIGNAL_TRAPS}
lease_take || exit 1
key="\${BACKUP_KEY:-}"
${NEWEST_KEY}
${FETCH_AND_VERIFY}
stop_neo4j
touch "$go"
if wait_for "$done_flag"; then start_neo4j; log "restored $key"; else log "the load failed"; exit 1; fi
`;
}

/**
 * run_admin CMD...: neo4j-admin in the background, so that a TERM or the driver's failed flag
 * stops it at once; "$admin_exited" says when no neo4j-admin touches the store any more.
 */
const RUN_ADMIN = `run_admin() {
  "$@" &
  admin=$!
  trap 'kill "$admin" 2>/dev/null; wait "$admin" || true; touch "$admin_exited"; exit 143' TERM INT HUP
  while kill -0 "$admin" 2>/dev/null; do
    if [ -e "$failed_flag" ]; then kill "$admin" 2>/dev/null; wait "$admin" || true; touch "$admin_exited"; return 1; fi
    pause 1
  done
  admin_status=0; wait "$admin" || admin_status=$?
  touch "$admin_exited"
  return "$admin_status"
}`;

export function renderRestoreNeo4jScript(i: KubernetesBackupInput): string {
  return `${header(i, "Restore worker: load the fetched dump (or restore an enterprise backup) over the stopped database.")}
${SIGNAL_TRAPS}
${RUN_ADMIN}
wait_for "$go"
file=$(ls "$WORK_DIR"/dump/* | head -n 1)
case "$file" in
  *.dump) set -- neo4j-admin database load --from-path="$WORK_DIR/dump" --overwrite-destination=true neo4j ;;
  *) set -- neo4j-admin database restore --from-path="$file" --overwrite-destination=true neo4j ;;
esac
log "running: $*"
if run_admin "$@"; then touch "$done_flag"; else touch "$failed_flag"; exit 1; fi
`;
}

/** Restore drill, fetch side: the newest backup, verified, then the drill's verdict to the Pushgateway. */
export function renderVerifyAwsScript(i: KubernetesBackupInput): string {
  return `${header(i, "Restore drill: fetch and verify the newest backup; record the verification when the scratch load counts.", {
    PUSHGATEWAY_URL: i.verifyPushgatewayUrl,
  })}
${SIGNAL_TRAPS}
key=""
${NEWEST_KEY}
${FETCH_AND_VERIFY}
touch "$go"
wait_for "$done_flag" || { log "the drill failed: $key does not load or count"; exit 1; }
log "drill passed: $key loads and holds $(cat "$WORK_DIR/.count") nodes"
printf '# HELP ${BACKUP_VERIFIED_METRIC} Unix time of the last backup the restore drill loaded and counted.\\n# TYPE ${BACKUP_VERIFIED_METRIC} gauge\\n${BACKUP_VERIFIED_METRIC} %s\\n' "$(date +%s)" \\
  | curl -sS --fail-with-body --retry 5 --retry-connrefused --retry-delay 5 --data-binary @- "$PUSHGATEWAY_URL" >/dev/null
`;
}

/** Restore drill, Neo4j side: load into the pod's own scratch store, start it on 127.0.0.1, count, stop. */
export function renderVerifyNeo4jScript(i: KubernetesBackupInput): string {
  return `${header(i, "Restore drill worker: load the backup into a scratch store, start a scratch Neo4j, count nodes.")}
${SIGNAL_TRAPS}
${SCRATCH_NEO4J}
wait_for "$go"
neo4j-admin database load --from-path="$WORK_DIR/dump" --overwrite-destination=true neo4j || { touch "$failed_flag"; exit 1; }
scratch_up || { touch "$failed_flag"; exit 1; }
count=$(cypher-shell -a bolt://127.0.0.1:7687 --format plain "MATCH (n) RETURN count(n) AS nodes" | tail -n 1) || count=""
scratch_down
case "$count" in ''|*[!0-9]*) log "the count query failed"; touch "$failed_flag"; exit 1 ;; esac
[ "$count" -gt 0 ] || { log "the backup loads but holds no nodes"; touch "$failed_flag"; exit 1; }
printf '%s' "$count" > "$WORK_DIR/.count"
touch "$done_flag"
`;
}

/** neo4j.conf of the scratch Neo4j (recovery of the clone, the drill): local only, no auth, small. */
export function renderScratchNeo4jConf(dataDir: string, heap: string): string {
  return `# Rendered by mcp-superserver-infra: a throwaway Neo4j inside a backup pod.
server.directories.data=${dataDir}
server.default_listen_address=127.0.0.1
server.http.enabled=false
dbms.security.auth_enabled=false
server.memory.heap.initial_size=${heap}
server.memory.heap.max_size=${heap}
server.memory.pagecache.size=256m
`;
}
