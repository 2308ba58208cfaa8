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
import { NEO4J_CAPABILITIES } from "../contracts/capabilities";
import { shellQuote } from "./backupShell";

/**
 * The one-off containers drop every capability and set no-new-privileges as the stack's own do
 * (components/docker/container.ts). neo4j-admin runs as root on files of uid 7474 and the scratch
 * Neo4j starts through the image's root entrypoint: both get Neo4j's own set back; the AWS CLI
 * reads and writes root's files in the work volume and needs none.
 */
export const NEO4J_ONE_OFF_CAPABILITIES = Object.keys(NEO4J_CAPABILITIES).sort();
const HARDENED = "--cap-drop ALL --security-opt no-new-privileges:true";
const NEO4J_CAP_ADDS = NEO4J_ONE_OFF_CAPABILITIES.map((c) => `--cap-add ${c}`).join(" ");

/**
 * The commands `docker exec` runs, before the query (their last argument), and the user they run
 * as: cypher-shell inside the live Neo4j as its neo4j user (the owner of its NEO4J_AUTH_FILE),
 * with the password from that file in NEO4J_PASSWORD, which cypher-shell reads (Neo4j Operations
 * Manual, "Cypher Shell": --password, environment variable NEO4J_PASSWORD), so no password passes
 * through the scheduler or shows in a process list; and inside the drill's scratch Neo4j (no
 * auth), as the image's default user. The Docker API proxy admits an exec only with these.
 */
export const NEO4J_QUERY_COMMAND = ["sh", "-c", 'NEO4J_PASSWORD="$(sed "s|^neo4j/||" "$NEO4J_AUTH_FILE")" cypher-shell -u neo4j --format plain "$0"'];
export const NEO4J_QUERY_USER = "neo4j";
export const SCRATCH_QUERY_COMMAND = ["cypher-shell", "--format", "plain"];

export const DOCKER_API_FUNCTIONS = `# --- Docker Engine calls (the only ones this script makes) ---
# POST /containers/{neo4j}/stop?t=N: SIGTERM, then SIGKILL after N s (an unclean stop).
neo4j_stop() { docker stop --time "$NEO4J_STOP_SECONDS" "$NEO4J_CONTAINER" >/dev/null; }
# POST /containers/{neo4j}/start
neo4j_start() { docker start "$NEO4J_CONTAINER" >/dev/null; }
# POST /containers/create name=LOCK (409 when held): the backup/restore lock. $1 names the holder.
lock_take() {
  docker create --name "$LOCK_CONTAINER" ${HARDENED} --label "mcp-superserver.lock-holder=$1" \\
    --label "mcp-superserver.lock-since=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$NEO4J_IMAGE" >/dev/null
}
# DELETE /containers/{lock}
lock_release() { docker rm --force "$LOCK_CONTAINER" >/dev/null; }
# admin_run VOLUME ARGS...: docker run --rm of neo4j-admin on a data volume (the live one, or the drill's scratch one) and the work volume.
admin_run() {
  volume="$1"; shift
  docker run --rm --name "$ADMIN_CONTAINER" ${HARDENED} ${NEO4J_CAP_ADDS} --user 0:0 --entrypoint neo4j-admin --env "HEAP_SIZE=$ADMIN_HEAP" \\
    --volume "$volume:/data" --volume "$WORK_VOLUME:$WORK_DIR" "$NEO4J_IMAGE" "$@"
}
# POST /containers/{neo4j}/exec: cypher-shell inside the live Neo4j as its neo4j user, the password read there from its NEO4J_AUTH_FILE.
neo4j_query() {
  docker exec --user ${NEO4J_QUERY_USER} "$NEO4J_CONTAINER" ${NEO4J_QUERY_COMMAND.map(shellQuote).join(" ")} "$1"
}
# The drill's scratch Neo4j: POST /volumes/create, a container without network or auth on that volume, exec, then DELETE both.
scratch_create() { docker volume create "$SCRATCH_VOLUME" >/dev/null; }
scratch_start() {
  docker run --detach --name "$SCRATCH_CONTAINER" ${HARDENED} ${NEO4J_CAP_ADDS} --network none --env NEO4J_AUTH=none \\
    --volume "$SCRATCH_VOLUME:/data" "$NEO4J_IMAGE" >/dev/null
}
scratch_query() { docker exec "$SCRATCH_CONTAINER" ${SCRATCH_QUERY_COMMAND.map(shellQuote).join(" ")} "$1"; }
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
  docker run --rm ${HARDENED} --interactive --network "$NETWORK" --volume "$WORK_VOLUME:$WORK_DIR" \\
    --env AWS_ACCESS_KEY_ID --env AWS_DEFAULT_REGION --entrypoint sh "$TOOLS_IMAGE" \\
    -c 'AWS_SECRET_ACCESS_KEY=$(cat) && export AWS_SECRET_ACCESS_KEY && exec aws "$@"' aws "$@" < "$S3_SECRET_KEY_FILE"
}
# --- end of Docker Engine calls ---`;

/** The names the Docker calls above act on, as the scripts' variables hold them. */
export interface BackupDockerNames {
  neo4jContainer: string;
  neo4jImage: string;
  neo4jDataVolume: string;
  /** Volume the dump is written to; mounted at `workDir` in the job's own container. */
  workVolume: string;
  workDir: string;
  network: string;
  toolsImage: string;
  /** Container whose existence is the backup/restore lock (never started). */
  lockContainer: string;
  /** The one-off neo4j-admin container of a dump or load. */
  adminContainer: string;
  /** The restore drill's scratch Neo4j and its volume. */
  scratch: { container: string; volume: string };
}

/** A container the scripts create (`docker create`/`docker run`), with exactly what it may get from the host. */
export interface CreatedContainer {
  /** `--name`; "" for the AWS CLI runs, which have none. */
  name: string;
  image: string;
  /** `--volume` arguments, as HostConfig.Binds carries them: named volumes only, never a host path. */
  binds: string[];
  /** HostConfig.NetworkMode: "default" (the CLI's value without --network), "none", or the stack network. */
  networkMode: string;
  /** HostConfig.CapAdd after CapDrop ALL (and SecurityOpt no-new-privileges, always). */
  capAdd: string[];
}

/** A call the scripts make, by method and path after the API version (`/v1.NN`); `{id}` is a container or exec id. */
export interface DockerCall {
  method: "GET" | "HEAD" | "POST" | "DELETE";
  path: string;
  /** Query string the CLI sends, as a regular expression over the whole of it ("" for none). */
  query: string;
  /** Calls whose JSON body the proxy checks (create, exec, volume create). */
  body?: "container" | "exec" | "volume";
  why: string;
}

export interface BackupDockerCalls {
  calls: DockerCall[];
  containers: CreatedContainer[];
  /** Exec commands per container name: the command before its one last argument (the query), and the user it runs as ("" for the image's). */
  execs: Record<string, { command: string[]; user: string }>;
  volumes: string[];
}

/**
 * Every Engine API call the functions above make through the docker CLI, measured with the CLI
 * (`docker` 27/28, which negotiates the version with HEAD /_ping and then prefixes every path
 * with it). `docker run` is POST create, then attach (unless --detach), wait and start by the
 * new container's id; `docker exec` inspects the container first, then creates the exec, starts
 * it (a hijacked stream) and reads its exit code.
 */
export function backupDockerCalls(n: BackupDockerNames): BackupDockerCalls {
  const { neo4jContainer: neo4j, lockContainer: lock, adminContainer: admin } = n;
  const scratch = n.scratch.container;
  const id = "{id}";
  const calls: DockerCall[] = [
    { method: "HEAD", path: "/_ping", query: "", why: "API version negotiation (GET when HEAD is refused)" },
    { method: "GET", path: "/_ping", query: "", why: "API version negotiation" },
    { method: "POST", path: `/containers/${neo4j}/stop`, query: "t=[0-9]+", why: "neo4j_stop" },
    { method: "POST", path: `/containers/${neo4j}/start`, query: "", why: "neo4j_start" },
    { method: "POST", path: "/containers/create", query: `(name=(${[lock, admin, scratch].map(escapeRegExp).join("|")}))?`, body: "container", why: "lock_take, admin_run, scratch_start, aws_run" },
    ...[lock, admin, scratch].map((c): DockerCall => ({ method: "DELETE", path: `/containers/${c}`, query: "force=1", why: "lock_release, admin_remove, scratch_remove" })),
    { method: "POST", path: `/containers/${id}/attach`, query: "stderr=1(&stdin=1)?&stdout=1&stream=1", why: "docker run (attached): the one-off container's output; aws_run (--interactive) also writes the store's key to its stdin" },
    { method: "POST", path: `/containers/${id}/wait`, query: "condition=(removed|next-exit)", why: "docker run: its exit status" },
    { method: "POST", path: `/containers/${id}/start`, query: "", why: "docker run: start of the container it created" },
    ...[neo4j, scratch].map((c): DockerCall => ({ method: "GET", path: `/containers/${c}/json`, query: "", why: "docker exec inspects the container first" })),
    ...[neo4j, scratch].map((c): DockerCall => ({ method: "POST", path: `/containers/${c}/exec`, query: "", body: "exec", why: "neo4j_query, scratch_query" })),
    { method: "POST", path: `/exec/${id}/start`, query: "", why: "docker exec: the command's output" },
    { method: "GET", path: `/exec/${id}/json`, query: "", why: "docker exec: the command's exit code" },
    { method: "POST", path: "/volumes/create", query: "", body: "volume", why: "scratch_create" },
    { method: "DELETE", path: `/volumes/${n.scratch.volume}`, query: "", why: "scratch_remove" },
  ];
  const work = `${n.workVolume}:${n.workDir}`;
  const neo4jCaps = NEO4J_ONE_OFF_CAPABILITIES;
  return {
    calls,
    containers: [
      { name: lock, image: n.neo4jImage, binds: [], networkMode: "default", capAdd: [] },
      { name: admin, image: n.neo4jImage, binds: [`${n.neo4jDataVolume}:/data`, work], networkMode: "default", capAdd: neo4jCaps },
      { name: admin, image: n.neo4jImage, binds: [`${n.scratch.volume}:/data`, work], networkMode: "default", capAdd: neo4jCaps },
      { name: scratch, image: n.neo4jImage, binds: [`${n.scratch.volume}:/data`], networkMode: "none", capAdd: neo4jCaps },
      { name: "", image: n.toolsImage, binds: [work], networkMode: n.network, capAdd: [] },
    ],
    execs: { [neo4j]: { command: NEO4J_QUERY_COMMAND, user: NEO4J_QUERY_USER }, [scratch]: { command: SCRATCH_QUERY_COMMAND, user: "" } },
    volumes: [n.scratch.volume],
  };
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
