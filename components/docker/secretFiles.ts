/**
 * How a secret file lands in a Docker container: uploaded (never a bind mount of a host file),
 * mode 0400, owned by the user the image reads it as, so no other user of the container can
 * read it; it never shows in `docker inspect` (uploads are not part of the container's config).
 * The provider sets mode and owner on the upload (@pulumi/docker 5.2 ContainerUpload
 * `permissions`, `owner`, `group`; numeric ids are used as they are, kreuzwerker/
 * terraform-provider-docker#996).
 */
import type { Role, SecretFileSpec } from "../workloads/types";

export const DOCKER_SECRET_FILE_MODE = "0400";

/**
 * uid:gid each image reads its secret files as on Docker, where the stack sets no user: the
 * image's own. Neo4j's entrypoint starts as root but checks the file is readable by its neo4j user
 * (7474:7474, docker-neo4j Dockerfile `adduser --uid 7474`); Grafana runs as 472:0 (its Dockerfile,
 * GF_UID/GF_GID); Alertmanager as nobody (65534:65534, its Dockerfile `USER nobody`); MinIO and the
 * backup scheduler (docker CLI image) run as root.
 */
const SECRET_READER: Partial<Record<Role, { uid: number; gid: number }>> = {
  neo4j: { uid: 7474, gid: 7474 },
  grafana: { uid: 472, gid: 0 },
  alertmanager: { uid: 65534, gid: 65534 },
  "object-store": { uid: 0, gid: 0 },
  backup: { uid: 0, gid: 0 },
  // The probe token (loadBalancer.auth.healthPublic: false): prom/blackbox-exporter's Dockerfile `USER nobody`.
  "blackbox-exporter": { uid: 65534, gid: 65534 },
  // nginx's workers, which run the njs script, are the image's nginx user (nginxinc/docker-nginx
  // Dockerfile: `adduser -u 101`, nginx built with --user=nginx); the master (root) reads no secret.
  "load-balancer": { uid: 101, gid: 101 },
};

export function dockerSecretUpload(role: Role, f: SecretFileSpec) {
  const reader = SECRET_READER[role];
  if (!reader) throw new Error(`secret file ${f.name}: no known user reads secret files in ${role} containers on Docker`);
  return { file: f.mountPath, permissions: DOCKER_SECRET_FILE_MODE, owner: String(reader.uid), group: String(reader.gid) };
}
