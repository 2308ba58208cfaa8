/**
 * How a secret file lands in a Docker container: uploaded (never a bind mount of a host file),
 * mode 0400, owned by the user the image reads it as, so no other user of the container can
 * read it; it never shows in `docker inspect` (uploads are not part of the container's config).
 * The provider sets mode and owner on the upload (@pulumi/docker 5.2 ContainerUpload
 * `permissions`, `owner`, `group`; numeric ids are used as they are, kreuzwerker/
 * terraform-provider-docker#996).
 */
import { IMAGE_USERS, type ImageUser } from "../contracts/imageUsers";
import type { Role, SecretFileSpec } from "../workloads/types";

export const DOCKER_SECRET_FILE_MODE = "0400";

/**
 * uid:gid each image reads its secret files as on Docker, where the stack sets no user: the
 * image's own (contracts/imageUsers.ts). Neo4j's entrypoint starts as root but checks the file is
 * readable by its neo4j user; nginx's workers, which run the njs script, read the client tokens
 * (the master reads no secret); blackbox reads the probe token (loadBalancer.auth.healthPublic:
 * false); the backup scheduler runs the docker CLI image.
 */
const SECRET_READER: Partial<Record<Role, ImageUser>> = {
  neo4j: IMAGE_USERS.neo4j,
  grafana: IMAGE_USERS.grafana,
  alertmanager: IMAGE_USERS.nobody,
  "object-store": IMAGE_USERS.root,
  backup: IMAGE_USERS.root,
  "blackbox-exporter": IMAGE_USERS.nobody,
  "load-balancer": IMAGE_USERS.nginx,
};

export function dockerSecretUpload(role: Role, f: SecretFileSpec) {
  const reader = SECRET_READER[role];
  if (!reader) throw new Error(`secret file ${f.name}: no known user reads secret files in ${role} containers on Docker`);
  return { file: f.mountPath, permissions: DOCKER_SECRET_FILE_MODE, owner: String(reader.uid), group: String(reader.gid) };
}
