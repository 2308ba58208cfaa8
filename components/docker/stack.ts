/**
 * The dev stack on Docker, described as data: every workload wired to the others by service
 * name, and monitoring pointed at the container names Docker will use. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { BACKUP_WORK_VOLUME, backupSchedulerWorkload, objectStoreWorkload } from "../workloads/backup";
import { hubWorkload } from "../workloads/hub";
import { loadBalancerWorkload } from "../workloads/loadBalancer";
import {
  alertmanagerWorkload,
  blackboxWorkload,
  cadvisorWorkload,
  nodeExporterWorkload,
  PROBE_JOB,
  prometheusWorkload,
  serviceProbes,
} from "../workloads/monitoring";
import { neo4jWorkload } from "../workloads/neo4j";
import { ollamaWorkload } from "../workloads/ollama";
import { PORT, SERVICE, replicaNames, type Workload } from "../workloads/types";
import { dockerContainerName, dockerContainerSelector, dockerNetworkName, dockerVolumeName } from "./naming";

export interface DockerStack {
  network: string;
  bucket: string;
  hub: Workload;
  neo4j: Workload;
  ollama: Workload;
  loadBalancer: Workload;
  prometheus: Workload;
  alertmanager: Workload;
  exporters: Workload[];
  objectStore: Workload;
  backup: Workload;
}

/** Filesystems whose free space matters: everything but pseudo and overlay filesystems. */
const DISK_SELECTOR = 'fstype!~"tmpfs|overlay|squashfs|nsfs|fuse.*"';

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
  });
  const alertmanager = alertmanagerWorkload(cfg, { alwaysSecret: false });
  const exporters = [blackboxWorkload(cfg), nodeExporterWorkload(cfg, { textfile: true }), cadvisorWorkload(cfg)];
  const objectStore = objectStoreWorkload(cfg);
  const backup = backupSchedulerWorkload(cfg, {
    neo4jContainer: dockerContainerName(SERVICE.neo4j),
    neo4jDataVolume: dockerVolumeName(neo4j.volumes[0].name),
    workVolume: dockerVolumeName(BACKUP_WORK_VOLUME),
    network,
    bucket,
  });

  const watched = [hub, neo4j, ollama, loadBalancer, alertmanager, ...exporters, objectStore, backup];
  const prometheus = prometheusWorkload(cfg, {
    prometheus: {
      externalLabels: { stack, target: "docker" },
      alertmanagers: [`${SERVICE.alertmanager}:9093`],
      jobs: [
        { job: SERVICE.hub, targets: hubReplicas.map((r) => `${r}:${cfg.hub.port}`), labels: { service: SERVICE.hub } },
        { job: SERVICE.prometheus, targets: ["localhost:9090"] },
        { job: SERVICE.alertmanager, targets: [`${SERVICE.alertmanager}:9093`] },
        { job: SERVICE.blackbox, targets: [`${SERVICE.blackbox}:${PORT.blackbox}`] },
        { job: SERVICE.nodeExporter, targets: [`${SERVICE.nodeExporter}:${PORT.nodeExporter}`] },
        { job: SERVICE.cadvisor, targets: [`${SERVICE.cadvisor}:${PORT.cadvisor}`] },
      ],
      probes: serviceProbes(),
    },
    rules: {
      hubJob: SERVICE.hub,
      neo4jProbeJob: PROBE_JOB.neo4j,
      ollamaProbeJob: PROBE_JOB.ollama,
      containers: [...watched, { name: SERVICE.prometheus, replicas: 1, role: "prometheus" as const }].map((w) => ({
        service: w.name,
        selector: dockerContainerSelector(replicaNames(w)),
      })),
      containerLabel: "name",
      diskSelector: DISK_SELECTOR,
    },
  });
  return { network, bucket, hub, neo4j, ollama, loadBalancer, prometheus, alertmanager, exporters, objectStore, backup };
}
