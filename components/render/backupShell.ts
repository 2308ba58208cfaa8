/**
 * Shell pieces every backup script shares (Docker and Kubernetes): variables, logging, the
 * checksummed upload and the last-success metric. One copy, so both targets upload and report
 * the same way.
 */
import { BACKUP_SUCCESS_METRIC } from "../contracts/backupMetrics";

export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function shellVars(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join("\n");
}

export const LOG_FUNCTION = `log() { printf '%s mcp-backup: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }`;

/**
 * Uploads "$file" to s3://$BUCKET/$key with a SHA-256 checksum S3 verifies on receipt, and the
 * digest in the object's metadata so a restore can verify the download. `aws` is the command
 * that runs the AWS CLI (in a container on Docker, directly on Kubernetes).
 */
export function uploadWithChecksum(aws: string): string {
  return `${CHECKSUM_LINES}
${uploadCommand(aws)}`;
}

/** Size and SHA-256 of "$file". */
const CHECKSUM_LINES = `size=$(wc -c < "$file" | tr -d ' ')
sha256=$(sha256sum "$file" | cut -d' ' -f1)`;

/** The upload itself, once CHECKSUM_LINES have run. */
function uploadCommand(aws: string): string {
  return `${aws} s3 cp "$file" "s3://$BUCKET/$key" \\
  --checksum-algorithm SHA256 --metadata "sha256=$sha256" --no-progress
log "uploaded s3://$BUCKET/$key ($size bytes, sha256 $sha256)"`;
}

/** The last-success metric in Prometheus' text format, on stdout. */
export const PRINT_SUCCESS_METRIC = `printf '# HELP ${BACKUP_SUCCESS_METRIC} Unix time of the last successful Neo4j backup upload.\\n# TYPE ${BACKUP_SUCCESS_METRIC} gauge\\n${BACKUP_SUCCESS_METRIC} %s\\n' "$(date +%s)"`;

/**
 * prune_backups: deletes the backups under $PREFIX older than $RETENTION_DAYS, except the newest
 * $KEEP_LAST, which are kept whatever their age (if backups stop, the last good ones stay). Keys
 * carry their UTC stamp (PREFIX + YYYYMMDDTHHMMSSZ/), so sorting them sorts by time. The bucket's
 * lifecycle never expires current objects; it only removes what this deleted, after a grace.
 */
export function pruneFunction(aws: string): string {
  return `prune_backups() {
  cutoff=$(date -u -d "@$(( $(date +%s) - RETENTION_DAYS * 86400 ))" +%Y%m%d%H%M%S)
  ${aws} s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'Contents[].Key' --output text \\
    | tr '\\t' '\\n' | grep -E "^$PREFIX[0-9]{8}T[0-9]{6}Z/" | sort -r | tail -n "+$(( KEEP_LAST + 1 ))" > "$WORK_DIR/.prune.$$" || true
  while read -r old; do
    stamp_of=\${old#"$PREFIX"}; stamp_of=\${stamp_of%%/*}; n=$(printf '%s' "$stamp_of" | tr -d 'TZ')
    if [ "$n" -lt "$cutoff" ]; then ${aws} s3api delete-object --bucket "$BUCKET" --key "$old" < /dev/null >/dev/null; log "pruned s3://$BUCKET/$old"; fi
  done < "$WORK_DIR/.prune.$$"
  rm -f "$WORK_DIR/.prune.$$"
}`;
}
