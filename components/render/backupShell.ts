/**
 * Shell pieces every backup script shares (Docker and Kubernetes): variables, logging, the
 * checksummed upload and the last-success metric. One copy, so both targets upload and report
 * the same way.
 */
import { BACKUP_SUCCESS_METRIC } from "./alertRules";

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
export const CHECKSUM_LINES = `size=$(wc -c < "$file" | tr -d ' ')
sha256=$(sha256sum "$file" | cut -d' ' -f1)`;

/** The upload itself, once CHECKSUM_LINES have run. */
export function uploadCommand(aws: string): string {
  return `${aws} s3 cp "$file" "s3://$BUCKET/$key" \\
  --checksum-algorithm SHA256 --metadata "sha256=$sha256" --no-progress
log "uploaded s3://$BUCKET/$key ($size bytes, sha256 $sha256)"`;
}

/** The last-success metric in Prometheus' text format, on stdout. */
export const PRINT_SUCCESS_METRIC = `printf '# HELP ${BACKUP_SUCCESS_METRIC} Unix time of the last successful Neo4j backup upload.\\n# TYPE ${BACKUP_SUCCESS_METRIC} gauge\\n${BACKUP_SUCCESS_METRIC} %s\\n' "$(date +%s)"`;
