/**
 * The Neo4j backup and restore on Kubernetes: one pod, two containers that hand over through
 * flag files in a shared work volume. The `aws` container (AWS CLI image) drives: it scales the
 * Neo4j StatefulSet through the Kubernetes API (a Role allows exactly that), moves the file to
 * or from S3 with a checksum, and pushes the last-success metric to the Pushgateway. The `neo4j`
 * container (the Neo4j image, for a matching neo4j-admin) dumps or loads the database.
 *
 * Community has no online backup, so a consistent copy means Neo4j is stopped while it is
 * dumped; Neo4j is always scaled back up, even when the dump fails. Enterprise takes an online
 * backup from the running server and nothing is stopped.
 */
import { LOG_FUNCTION, PRINT_SUCCESS_METRIC, shellVars, uploadWithChecksum } from "./backupShell";

export interface KubernetesBackupInput {
  namespace: string;
  statefulSet: string;
  /** Shared between the two containers. */
  workDir: string;
  bucket: string;
  prefix: string;
  /** URL of the Pushgateway group the job pushes its metric to. */
  pushgatewayUrl: string;
  /** Enterprise: host:port of the online backup endpoint; unset for Community (stop and dump). */
  onlineBackupFrom?: string;
}

export const SCRIPT = {
  backupAws: "backup-aws.sh",
  backupNeo4j: "backup-neo4j.sh",
  restoreAws: "restore-aws.sh",
  restoreNeo4j: "restore-neo4j.sh",
} as const;

/** Flag files: go (Neo4j is stopped or the file is ready), done (dump/load finished), failed. */
const FLAGS = `go="$WORK_DIR/.go"; done_flag="$WORK_DIR/.done"; failed_flag="$WORK_DIR/.failed"`;

const WAIT_FOR = `wait_for() { while [ ! -e "$1" ] && [ ! -e "$failed_flag" ]; do sleep 2; done; [ -e "$1" ]; }`;

/** Scaling the StatefulSet with the pod's own service-account token; no kubectl in the image. */
const SCALE_FUNCTIONS = `api="\${KUBERNETES_API:-https://kubernetes.default.svc}"
sa="\${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
kube() { curl -sS --fail-with-body --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }
scale_to() {
  kube -X PATCH -H 'Content-Type: application/merge-patch+json' \\
    "$api/apis/apps/v1/namespaces/$NAMESPACE/statefulsets/$STATEFULSET/scale" -d "{\\"spec\\":{\\"replicas\\":$1}}" >/dev/null
  log "scaled statefulset $STATEFULSET to $1"
}
wait_pod_gone() {
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" \\
    "$api/api/v1/namespaces/$NAMESPACE/pods/$STATEFULSET-0")" = 404 ]; do sleep 2; done
  log "pod $STATEFULSET-0 is gone"
}
stop_neo4j() { scale_to 0; stopped_at=$(date +%s); trap 'scale_to 1' EXIT; wait_pod_gone; }
start_neo4j() { trap - EXIT; scale_to 1; log "neo4j was stopped for $(( $(date +%s) - stopped_at ))s"; }`;

function header(i: KubernetesBackupInput, what: string): string {
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
  PUSHGATEWAY_URL: i.pushgatewayUrl,
  ONLINE_BACKUP_FROM: i.onlineBackupFrom ?? "",
})}
${LOG_FUNCTION}
${FLAGS}
${WAIT_FOR}`;
}

export function renderBackupAwsScript(i: KubernetesBackupInput): string {
  const stop = i.onlineBackupFrom
    ? `log "online backup from $ONLINE_BACKUP_FROM (enterprise): nothing is stopped"
touch "$go"
wait_for "$done_flag" || { log "backup failed"; exit 1; }`
    : `${SCALE_FUNCTIONS}
log "stopping neo4j for a consistent dump (community has no online backup)"
stop_neo4j
touch "$go"
# Neo4j comes back even if the dump fails (the EXIT trap).
if wait_for "$done_flag"; then start_neo4j; else log "dump failed"; exit 1; fi`;
  return `${header(i, "Backup driver: stop Neo4j (community), wait for the dump, upload with a checksum, report.")}
${stop}
file=$(ls "$WORK_DIR"/dump/* | head -n 1)
key="\${PREFIX}$(date -u +%Y%m%dT%H%M%SZ)/$(basename "$file")"
${uploadWithChecksum("aws")}
${PRINT_SUCCESS_METRIC} | curl -sS --fail-with-body --data-binary @- "$PUSHGATEWAY_URL" >/dev/null
log "reported success to the Pushgateway; done"
`;
}

export function renderBackupNeo4jScript(i: KubernetesBackupInput): string {
  const run = i.onlineBackupFrom
    ? `neo4j-admin database backup --from="$ONLINE_BACKUP_FROM" --to-path="$WORK_DIR/dump" neo4j`
    : `neo4j-admin database dump neo4j --to-path="$WORK_DIR/dump"`;
  return `${header(i, "Backup worker: dump (community, Neo4j stopped) or online backup (enterprise).")}
wait_for "$go"
mkdir -p "$WORK_DIR/dump"
if ${run}; then touch "$done_flag"; log "dump written"; else touch "$failed_flag"; exit 1; fi
`;
}

/**
 * Restore: BACKUP_KEY names the object to restore (a key under the prefix); empty means the
 * latest. The download is checked against the SHA-256 recorded at upload before Neo4j stops.
 */
export function renderRestoreAwsScript(i: KubernetesBackupInput): string {
  return `${header(i, "Restore driver: fetch and verify a backup, stop Neo4j, wait for the load, start Neo4j.")}
${SCALE_FUNCTIONS}
key="\${BACKUP_KEY:-}"
if [ -z "$key" ]; then
  key=$(aws s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'sort_by(Contents, &LastModified)[-1].Key' --output text)
fi
[ -n "$key" ] && [ "$key" != None ] || { log "no backup found under s3://$BUCKET/$PREFIX"; touch "$failed_flag"; exit 1; }
mkdir -p "$WORK_DIR/dump"
file="$WORK_DIR/dump/$(basename "$key")"
aws s3 cp "s3://$BUCKET/$key" "$file" --no-progress
expected=$(aws s3api head-object --bucket "$BUCKET" --key "$key" --query 'Metadata.sha256' --output text)
actual=$(sha256sum "$file" | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { log "checksum mismatch for $key: expected $expected, got $actual"; touch "$failed_flag"; exit 1; }
log "fetched s3://$BUCKET/$key (sha256 $actual verified)"
stop_neo4j
touch "$go"
if wait_for "$done_flag"; then start_neo4j; log "restored $key"; else log "load failed; neo4j restarts on its old data"; exit 1; fi
`;
}

export function renderRestoreNeo4jScript(i: KubernetesBackupInput): string {
  return `${header(i, "Restore worker: load the fetched dump (or restore an enterprise backup) over the stopped database.")}
wait_for "$go"
file=$(ls "$WORK_DIR"/dump/* | head -n 1)
case "$file" in
  *.dump) cmd="neo4j-admin database load --from-path=$WORK_DIR/dump --overwrite-destination=true neo4j" ;;
  *) cmd="neo4j-admin database restore --from-path=$file --overwrite-destination=true neo4j" ;;
esac
log "running: $cmd"
if $cmd; then touch "$done_flag"; else touch "$failed_flag"; exit 1; fi
`;
}
