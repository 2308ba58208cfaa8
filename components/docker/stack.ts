/**
 * The dev stack on Docker, described as data: every workload wired to the others by service
 * name, and monitoring pointed at the container names Docker will use. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { BACKUP_WORK_VOLUME, backupBucketName, backupDockerNames, backupSchedulerWorkload, objectStoreWorkload, type DockerBackupContext } from "../workloads/backup";
import { describeServices } from "../services/describe";
import type { DockerServiceKey } from "../services";
import { waitedFor, type TargetFacts } from "../services/types";
import { backupDockerProxyWorkload } from "../workloads/backupDockerProxy";
import { NEO4J_DATA_VOLUME, neo4jMetricsEnabled } from "../workloads/neo4j";
import { DISK_SELECTOR, NGINX_JOB, addressesByServiceName, monitoringFiles, type ContainerView } from "../workloads/monitoringTargets";
import { PORT, SERVICE, replicaNames, type Workload } from "../workloads/types";
import { DOCKER_PREFIX, dockerContainerName, dockerContainerSelector, dockerNetworkName, dockerVolumeName } from "./naming";

export interface DockerStack {
  network: string;
  bucket: string;
  /** Every service of the registry that Docker runs, described, by key. */
  services: Record<DockerServiceKey, Workload>;
  objectStore: Workload;
  backup: Workload;
  /** The one container that mounts dockerd's socket; the backup reaches Docker through it. */
  backupDockerApi: Workload;
}

/**
 * Docker's embedded DNS server on user-defined networks, which answers container names
 * (https://docs.docker.com/engine/network/#dns-services): nginx asks it while running, so it
 * starts while a hub container is down and finds one that comes back with a new address.
 */
const DOCKER_DNS = "127.0.0.11";

export function describeDockerStack(cfg: StackConfig, stack: string): DockerStack {
  const network = dockerNetworkName(stack);
  const bucket = backupBucketName(stack);
  const objectStore = objectStoreWorkload(cfg);
  const backupContext: DockerBackupContext = {
    neo4jContainer: dockerContainerName(SERVICE.neo4j),
    neo4jDataVolume: dockerVolumeName(NEO4J_DATA_VOLUME),
    workVolume: dockerVolumeName(BACKUP_WORK_VOLUME),
    network,
    bucket,
    lockContainer: dockerContainerName("neo4j-maintenance-lock"),
    adminContainer: dockerContainerName("neo4j-admin"),
    scratch: { container: dockerContainerName("neo4j-verify"), volume: dockerVolumeName("neo4j-verify-data") },
  };
  const backup = backupSchedulerWorkload(cfg, backupContext);
  const backupDockerApi = backupDockerProxyWorkload(cfg, backupDockerNames(cfg, backupContext));
  const containerSelector = `name=~"${DOCKER_PREFIX}.+"`;
  const facts = {
    target: "docker" as const,
    hubUpstreams: (hub) => ({
      kind: "static",
      servers: replicaNames(hub).map((host) => ({ host, port: cfg.hub.port })),
      resolver: DOCKER_DNS,
    }),
    containers: { containerLabel: "name", containerSelector },
    namespaces: [],
    monitoringFiles: (services) => {
      const hub = waitedFor(services, "hub", "prometheus");
      const watched = [...Object.values(services).filter((w) => w !== undefined), objectStore, backup, backupDockerApi];
      const addresses = addressesByServiceName(
        neo4jMetricsEnabled(cfg),
        replicaNames(hub).map((r) => `${r}:${cfg.hub.port}`),
        {
          [SERVICE.nodeExporter]: [`${SERVICE.nodeExporter}:${PORT.nodeExporter}`],
          [SERVICE.cadvisor]: [`${SERVICE.cadvisor}:${PORT.cadvisor}`],
          // Same job name as the Kubernetes sidecars' (kubernetesScrapeJobs).
          [NGINX_JOB]: [`${SERVICE.nginxExporter}:${PORT.nginxExporter}`],
        },
      );
      const view: ContainerView = {
        containers: [...watched, { name: SERVICE.prometheus, replicas: 1, role: "prometheus" as const }].map((w) => ({
          service: w.name,
          selector: dockerContainerSelector(replicaNames(w)),
        })),
        containerLabel: "name",
        diskSelector: DISK_SELECTOR,
        workloadHealth: { kind: "docker", containerSelector },
      };
      return monitoringFiles(addresses, view, { stack, target: "docker" });
    },
  } satisfies TargetFacts;
  const services = describeServices(cfg, facts);
  return { network, bucket, services, objectStore, backup, backupDockerApi };
}
