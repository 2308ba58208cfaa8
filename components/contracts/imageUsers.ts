/**
 * The users the images we run start as, from their Dockerfiles: what owns a secret file on
 * Docker (where the stack sets no user) and what a pod runs as on Kubernetes where it keeps the
 * image's own user. Written once here.
 */
import { HUB_IMAGE_USER } from "./hub";

export interface ImageUser {
  uid: number;
  gid: number;
}

export const IMAGE_USERS = {
  /** The upstream hub's image (contracts/hub.ts). */
  hub: { uid: HUB_IMAGE_USER, gid: HUB_IMAGE_USER },
  /** neo4j: its entrypoint starts as root and drops to neo4j (docker-neo4j Dockerfile `adduser --uid 7474`). */
  neo4j: { uid: 7474, gid: 7474 },
  /** grafana/grafana: GF_UID 472, GF_GID 0 (its Dockerfile). */
  grafana: { uid: 472, gid: 0 },
  /** nginx: the workers' nginx user (nginxinc/docker-nginx Dockerfile `adduser -u 101`, built with --user=nginx). */
  nginx: { uid: 101, gid: 101 },
  /** The prom/* images (Prometheus, Alertmanager, blackbox, node_exporter, Pushgateway) and kube-state-metrics: `USER nobody` / 65534. */
  nobody: { uid: 65534, gid: 65534 },
  /** MinIO and the docker CLI image run as root. */
  root: { uid: 0, gid: 0 },
} as const satisfies Record<string, ImageUser>;
