/**
 * The dev stack on Docker, described as data: every workload wired to the others by service
 * name, and monitoring pointed at the container names Docker will use. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { BACKUP_WORK_VOLUME, backupDockerNames, backupSchedulerWorkload, objectStoreWorkload, type DockerBackupContext } from "../workloads/backup";
import { backupDockerProxyWorkload } from "../workloads/backupDockerProxy";
import { stackGrafanaWorkload } from "../workloads/grafana";
import { hubWorkload } from "../workloads/hub";
import { loadBalancerWorkload } from "../workloads/loadBalancer";
import {
  alertmanagerWorkload,
  blackboxWorkload,
  cadvisorWorkload,
  nginxExporterWorkload,
  nodeExporterWorkload,
  prometheusWorkload,
} from "../workloads/monitoring";
import { neo4jMetricsEnabled, neo4jWorkload } from "../workloads/neo4j";
import { DISK_SELECTOR, NGINX_JOB, addressesByServiceName, monitoringFiles, type ContainerView } from "../workloads/monitoringTargets";
import { ollamaWorkload } from "../workloads/ollama";
import { PORT, SERVICE, replicaNames, type Workload } from "../workloads/types";
import { DOCKER_PREFIX, dockerContainerName, dockerContainerSelector, dockerNetworkName, dockerVolumeName } from "./naming";

export interface DockerStack {
  network: string;
  bucket: string;
  hub: Workload;
  neo4j: Workload;
  ollama: Workload;
  loadBalancer: Workload;
  prometheus: Workload;
  alertmanager: Workload;
  grafana: Workload;
  exporters: Workload[];
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
  const bucket = `mcp-superserver-backups-${stack}`;
  const hub = hubWorkload(cfg);
  const hubReplicas = replicaNames(hub);
  const neo4j = neo4jWorkload(cfg);
  const ollama = ollamaWorkload(cfg);
  const loadBalancer = loadBalancerWorkload(cfg, {
    kind: "static",
    servers: hubReplicas.map((host) => ({ host, port: cfg.hub.port })),
    resolver: DOCKER_DNS,
  });
  const alertmanager = alertmanagerWorkload(cfg, { alwaysSecret: false });
  const exporters = [blackboxWorkload(cfg), nodeExporterWorkload(cfg, { textfile: true }), cadvisorWorkload(cfg), nginxExporterWorkload(cfg)];
  const objectStore = objectStoreWorkload(cfg);
  const backupContext: DockerBackupContext = {
    neo4jContainer: dockerContainerName(SERVICE.neo4j),
    neo4jDataVolume: dockerVolumeName(neo4j.volumes[0].name),
    workVolume: dockerVolumeName(BACKUP_WORK_VOLUME),
    network,
    bucket,
    lockContainer: dockerContainerName("neo4j-maintenance-lock"),
    adminContainer: dockerContainerName("neo4j-admin"),
    scratch: { container: dockerContainerName("neo4j-verify"), volume: dockerVolumeName("neo4j-verify-data") },
  };
  const backup = backupSchedulerWorkload(cfg, backupContext);
  const backupDockerApi = backupDockerProxyWorkload(cfg, backupDockerNames(cfg, backupContext));

  const grafana = stackGrafanaWorkload(cfg, { containerLabel: "name", containerSelector: `name=~"${DOCKER_PREFIX}.+"` });

  const watched = [hub, neo4j, ollama, loadBalancer, alertmanager, grafana, ...exporters, objectStore, backup, backupDockerApi];
  const addresses = addressesByServiceName(
    neo4jMetricsEnabled(cfg),
    hubReplicas.map((r) => `${r}:${cfg.hub.port}`),
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
    workloadHealth: { kind: "docker", containerSelector: `name=~"${DOCKER_PREFIX}.+"` },
  };
  const prometheus = prometheusWorkload(cfg, monitoringFiles(addresses, view, { stack, target: "docker" }));
  return { network, bucket, hub, neo4j, ollama, loadBalancer, prometheus, alertmanager, grafana, exporters, objectStore, backup, backupDockerApi };
}
