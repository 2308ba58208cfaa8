/**
 * Every Docker Engine call the Docker backup and restore scripts make, in one place: the
 * scheduler drives the Docker socket, so this list is exactly what a narrower proxy in front of
 * the socket has to allow (container stop/start of Neo4j, create/delete of the lock and of the
 * one-off dump, load and AWS CLI containers, wait and attach through `docker run`, exec of
 * cypher-shell, create/delete of the drill's scratch volume).
 *
 * `docker run` is create + start + attach + wait (+ delete with --rm); `docker rm --force` is
 * DELETE /containers/{id}?force=1 (kill, then remove); `docker create --name` fails with 409
 * Conflict when the name is taken, which makes the lock container an atomic lock.
 * Source: Docker Engine API v1.47 reference (ContainerCreate 409 "conflict", ContainerStop `t`).
 */

export const DOCKER_API_FUNCTIONS = `# --- Docker Engine calls (the only ones this script makes) ---
# POST /containers/{neo4j}/stop?t=N: SIGTERM, then SIGKILL after N s (an unclean stop).
neo4j_stop() { docker stop --time "$NEO4J_STOP_SECONDS" "$NEO4J_CONTAINER" >/dev/null; }
# POST /containers/{neo4j}/start
neo4j_start() { docker start "$NEO4J_CONTAINER" >/dev/null; }
# POST /containers/create name=LOCK (409 when held): the backup/restore lock. $1 names the holder.
lock_take() {
  docker create --name "$LOCK_CONTAINER" --label "mcp-superserver.lock-holder=$1" \\
    --label "mcp-superserver.lock-since=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$NEO4J_IMAGE" >/dev/null
}
# DELETE /containers/{lock}
lock_release() { docker rm --force "$LOCK_CONTAINER" >/dev/null; }
# admin_run VOLUME ARGS...: docker run --rm of neo4j-admin on a data volume (the live one, or the drill's scratch one) and the work volume.
admin_run() {
  volume="$1"; shift
  docker run --rm --name "$ADMIN_CONTAINER" --user 0:0 --entrypoint neo4j-admin --env "HEAP_SIZE=$ADMIN_HEAP" \\
    --volume "$volume:/data" --volume "$WORK_VOLUME:$WORK_DIR" "$NEO4J_IMAGE" "$@"
}
# POST /containers/{neo4j}/exec: cypher-shell inside the live Neo4j, as its neo4j user (the owner of
# its NEO4J_AUTH_FILE), with the password from that file in NEO4J_PASSWORD, which cypher-shell reads
# (Neo4j Operations Manual, "Cypher Shell": --password, environment variable NEO4J_PASSWORD): no
# password passes through here, none shows in a process list.
neo4j_query() {
  docker exec --user neo4j "$NEO4J_CONTAINER" sh -c 'NEO4J_PASSWORD="$(sed "s|^neo4j/||" "$NEO4J_AUTH_FILE")" cypher-shell -u neo4j --format plain "$0"' "$1"
}
# The drill's scratch Neo4j: POST /volumes/create, a container without network or auth on that volume, exec, then DELETE both.
scratch_create() { docker volume create "$SCRATCH_VOLUME" >/dev/null; }
scratch_start() {
  docker run --detach --name "$SCRATCH_CONTAINER" --network none --env NEO4J_AUTH=none \\
    --volume "$SCRATCH_VOLUME:/data" "$NEO4J_IMAGE" >/dev/null
}
scratch_query() { docker exec "$SCRATCH_CONTAINER" cypher-shell --format plain "$1"; }
scratch_remove() {
  docker rm --force "$SCRATCH_CONTAINER" >/dev/null 2>&1 || true
  docker volume rm "$SCRATCH_VOLUME" >/dev/null 2>&1 || true
}
# DELETE /containers/{admin}?force=1: a dump or load cut short must release the store first.
admin_remove() { docker rm --force "$ADMIN_CONTAINER" >/dev/null 2>&1 || true; }
# docker run --rm --interactive of the AWS CLI on the stack network (MinIO), the work volume mounted.
# The secret key goes in on its stdin and into aws's own environment, never into the container's
# config (\`docker inspect\`): sh -c reads it, then execs aws, which takes it from AWS_SECRET_ACCESS_KEY.
aws_run() {
  set -- --endpoint-url "$S3_ENDPOINT" "$@"
  [ -n "$S3_ENDPOINT" ] || shift 2
  docker run --rm --interactive --network "$NETWORK" --volume "$WORK_VOLUME:$WORK_DIR" \\
    --env AWS_ACCESS_KEY_ID --env AWS_DEFAULT_REGION --entrypoint sh "$TOOLS_IMAGE" \\
    -c 'AWS_SECRET_ACCESS_KEY=$(cat) && export AWS_SECRET_ACCESS_KEY && exec aws "$@"' aws "$@" < "$S3_SECRET_KEY_FILE"
}
# --- end of Docker Engine calls ---`;
