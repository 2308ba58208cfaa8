/**
 * The nightly Neo4j backup on the Docker target. Neo4j Community has no online backup, so a
 * consistent copy means: stop Neo4j, `neo4j-admin database dump`, start Neo4j again (always,
 * even when the dump fails), then upload with a SHA-256 checksum and record the success for
 * the BackupMissing alert. Downtime is the dump's duration plus Neo4j's start (30-90 s).
 */
import { CHECKSUM_LINES, LOG_FUNCTION, PRINT_SUCCESS_METRIC, shellVars, uploadCommand } from "./backupShell";

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
}

export function renderDockerBackupScript(i: DockerBackupInput): string {
  const vars: Record<string, string> = {
    NEO4J_CONTAINER: i.neo4jContainer,
    NEO4J_IMAGE: i.neo4jImage,
    NEO4J_DATA_VOLUME: i.neo4jDataVolume,
    WORK_VOLUME: i.workVolume,
    WORK_DIR: i.workDir,
    NETWORK: i.network,
    TOOLS_IMAGE: i.toolsImage,
    S3_ENDPOINT: i.endpoint,
    BUCKET: i.bucket,
    PREFIX: i.prefix,
    DUMP_HEAP: i.jvmHeap,
    METRICS_DIR: i.metricsDir,
  };
  return `#!/bin/sh
# Rendered by mcp-superserver-infra; do not edit by hand.
# Consistent Neo4j Community backup: stop, dump, start, upload with a checksum.
set -eu
${shellVars(vars)}

${LOG_FUNCTION}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
key="\${PREFIX}\${stamp}/neo4j.dump"
dump_dir="\${WORK_DIR}/\${stamp}"

restart_neo4j() { docker start "$NEO4J_CONTAINER" >/dev/null && log "started $NEO4J_CONTAINER"; }

log "stopping $NEO4J_CONTAINER for a consistent dump"
stopped_at=$(date +%s)
docker stop --time 60 "$NEO4J_CONTAINER" >/dev/null
# Neo4j comes back even if the dump fails.
trap restart_neo4j EXIT
docker run --rm --user 0:0 --entrypoint neo4j-admin --env "HEAP_SIZE=$DUMP_HEAP" \\
  --volume "$NEO4J_DATA_VOLUME:/data" --volume "$WORK_VOLUME:$WORK_DIR" \\
  "$NEO4J_IMAGE" database dump neo4j --to-path="$dump_dir"
trap - EXIT
restart_neo4j
log "neo4j was stopped for $(( $(date +%s) - stopped_at ))s"

file="$dump_dir/neo4j.dump"
${CHECKSUM_LINES}
endpoint_args=""
if [ -n "$S3_ENDPOINT" ]; then endpoint_args="--endpoint-url $S3_ENDPOINT"; fi
# shellcheck disable=SC2086 # endpoint_args is empty or two words
${uploadCommand(`docker run --rm --network "$NETWORK" --volume "$WORK_VOLUME:$WORK_DIR:ro" \\
  --env AWS_ACCESS_KEY_ID --env AWS_SECRET_ACCESS_KEY --env AWS_DEFAULT_REGION \\
  "$TOOLS_IMAGE" $endpoint_args`)}
rm -rf "$dump_dir"

# Last success for the BackupMissing alert, written atomically for the textfile collector.
tmp="$METRICS_DIR/.mcp_backup.prom.$$"
${PRINT_SUCCESS_METRIC} > "$tmp"
mv "$tmp" "$METRICS_DIR/mcp_backup.prom"
log "done"
`;
}
