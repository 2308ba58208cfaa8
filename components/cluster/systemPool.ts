/**
 * The pods that can only run on the system node group, with their requests as rendered: every
 * workload but Ollama and the per-node daemons (their share is taken from each node first, see
 * nodeCapacity.ts), the hub at its autoscaling maximum, the restore pod beside Neo4j (it mounts
 * Neo4j's ReadWriteOnce volume, so it is pinned to Neo4j's node), the largest of the other backup
 * pods, and the cluster's own controllers. Pure.
 */
import { CLUSTER_AUTOSCALER_RESOURCES } from "./clusterAutoscaler";
import { LOAD_BALANCER_CONTROLLER_REQUESTS } from "./loadBalancerController";
import type { PodDemand } from "../catalog/podPacking";
import { parseBytes, parseMillicores } from "../config/quantity";
import type { StackConfig } from "../config/schema";
import { BACKUP_CRONJOB, RESTORE_CRONJOB, VERIFY_CRONJOB } from "../kubernetes/backupJob";
import { workloadObjects } from "../kubernetes/objects";
import { describeKubernetesStack } from "../kubernetes/stack";
import type { Json, K8sObject } from "../kubernetes/types";

type Requests = { cpu?: string; memory?: string };
type ContainerJson = { resources?: { requests?: Requests }; restartPolicy?: string };

const value = (r: { ok: true; value: number } | { ok: false }) => (r.ok ? r.value : 0);
const requestsOf = (c: ContainerJson) => ({
  millicores: value(parseMillicores(c.resources?.requests?.cpu ?? "0")),
  memoryBytes: value(parseBytes(c.resources?.requests?.memory ?? "0")),
});

/**
 * A pod's effective request (Kubernetes docs, "Sidecar containers", resource sharing): its
 * containers plus its sidecars (init containers that keep running), or a plain init container
 * plus the sidecars, whichever is larger.
 */
export function podRequests(spec: { containers: ContainerJson[]; initContainers?: ContainerJson[] }): { millicores: number; memoryBytes: number } {
  const sum = (cs: ContainerJson[]) => cs.map(requestsOf).reduce((a, b) => ({ millicores: a.millicores + b.millicores, memoryBytes: a.memoryBytes + b.memoryBytes }), { millicores: 0, memoryBytes: 0 });
  const inits = spec.initContainers ?? [];
  const sidecars = sum(inits.filter((c) => c.restartPolicy === "Always"));
  const main = sum(spec.containers);
  const plainInit = inits.filter((c) => c.restartPolicy !== "Always").map(requestsOf);
  return {
    millicores: Math.max(main.millicores, ...plainInit.map((r) => r.millicores)) + sidecars.millicores,
    memoryBytes: Math.max(main.memoryBytes, ...plainInit.map((r) => r.memoryBytes)) + sidecars.memoryBytes,
  };
}

/**
 * EKS add-on controllers on the system nodes, at their upstream requests: CoreDNS 100m/70Mi
 * (coredns/deployment kubernetes/coredns.yaml.sed), metrics-server 100m/200Mi
 * (kubernetes-sigs/metrics-server manifests), the EBS CSI controller at six containers of
 * 10m/40Mi (kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver: `controller.resources`,
 * which its sidecars default to; two replicas), the snapshot controller at a 10m/64Mi budget (its
 * manifest sets none); two replicas each, as the EKS add-ons run them.
 */
const MiB = 1024 ** 2;
export const EKS_ADDON_PODS: PodDemand[] = [
  { name: "coredns", millicores: 100, memoryBytes: 70 * MiB, replicas: 2, spread: false },
  { name: "metrics-server", millicores: 100, memoryBytes: 200 * MiB, replicas: 2, spread: false },
  { name: "ebs-csi-controller", millicores: 60, memoryBytes: 240 * MiB, replicas: 2, spread: false },
  { name: "snapshot-controller", millicores: 10, memoryBytes: 64 * MiB, replicas: 2, spread: false },
];

const quantityDemand = (name: string, r: { cpu: string; memory: string }, replicas: number): PodDemand => ({
  name,
  millicores: value(parseMillicores(r.cpu)),
  memoryBytes: value(parseBytes(r.memory)),
  replicas,
  spread: false,
});

function cronJobPod(objects: K8sObject[], name: string): Json {
  const job = objects.find((o) => o.kind === "CronJob" && o.metadata.name === name);
  if (!job) throw new Error(`no CronJob ${name}`);
  return (job.spec as { jobTemplate: { spec: { template: { spec: Json } } } }).jobTemplate.spec.template.spec;
}

/** The system pool's pods; `stack` only names objects, which the requests do not depend on. */
export function systemPoolPods(cfg: StackConfig, stack: string): PodDemand[] {
  const k = describeKubernetesStack(cfg, stack);
  const planned = Object.values(k.services).filter((p) => !p.plan.gpuNode && !p.plan.everyNode);
  const restore = podRequests(cronJobPod(k.backup, RESTORE_CRONJOB) as never);
  const pods = planned.map(({ workload, plan }): PodDemand => {
    const controller = workloadObjects(workload, plan).objects.find((o) => o.kind === plan.kind)!;
    const r = podRequests((controller.spec as { template: { spec: never } }).template.spec);
    const beside = workload.name === k.services.neo4j.workload.name ? restore : { millicores: 0, memoryBytes: 0 };
    const withRestore = beside.millicores > 0 || beside.memoryBytes > 0;
    return {
      name: withRestore ? `${workload.name} (with the ${RESTORE_CRONJOB} pod on its node)` : workload.name,
      ...(withRestore ? { keys: "neo4j.resources.requests and backup.resources.requests (each of the restore pod's two containers)" } : {}),
      ...(workload.name === k.services.hub.workload.name ? { keys: "hub.resources.requests" } : {}),
      millicores: r.millicores + beside.millicores,
      memoryBytes: r.memoryBytes + beside.memoryBytes,
      replicas: plan.hpa ? plan.hpa.maxReplicas : workload.replicas,
      spread: plan.spread === true,
    };
  });
  // The backup and the restore drill never run together (the maintenance Lease): the larger counts.
  const jobs = [BACKUP_CRONJOB, VERIFY_CRONJOB].map((name) => ({ name, ...podRequests(cronJobPod(k.backup, name) as never) }));
  const job = jobs.sort((a, b) => b.memoryBytes - a.memoryBytes)[0];
  const controllers =
    cfg.cluster.mode === "create"
      ? [
          ...EKS_ADDON_PODS,
          quantityDemand("aws-load-balancer-controller", LOAD_BALANCER_CONTROLLER_REQUESTS, 2),
          ...(cfg.cluster.autoscaler.enabled ? [quantityDemand("cluster-autoscaler", CLUSTER_AUTOSCALER_RESOURCES, 1)] : []),
        ]
      : [];
  return [...pods, { ...job, replicas: 1, spread: false }, ...controllers];
}
