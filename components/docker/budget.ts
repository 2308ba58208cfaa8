/**
 * What the dev stack asks of the Docker host, summed over every container it runs: the memory
 * it reserves, the CPUs it may use, the GPUs and the host ports. `npm run up` checks these
 * against `docker info` before any resource (scripts/lib/preflight.ts), and the config rules
 * refuse two services on one host port. Pure: no Pulumi here.
 */
import type { StackConfig } from "../config/schema";
import { sizingSection } from "../config/sizing";
import { ROLE_POLICIES } from "../contracts/rolePolicies";
import { replicaNames, type Workload } from "../workloads/types";
import { describeDockerStack, type DockerStack } from "./stack";

export interface ContainerDemand {
  container: string;
  /** The config section whose `resources` set this container, e.g. `ollama`; none for fixed ones. */
  section?: string;
  /** Memory held from the start: the reservation, or what the process commits at once if more. */
  reservedBytes: number;
  limitBytes: number;
  cpuLimitMillicores: number;
  cpuRequestMillicores: number;
  gpus: number;
}

export interface HostPort {
  port: number;
  /** The config key that sets it, e.g. `loadBalancer.port`. */
  key: string;
  service: string;
}

export interface DockerBudget {
  containers: ContainerDemand[];
  reservedBytes: number;
  limitBytes: number;
  /** Docker refuses a CPU limit above the host's CPU count ("Range of CPUs is from 0.01 to N"). */
  largestCpuLimitMillicores: number;
  cpuLimitMillicores: number;
  cpuRequestMillicores: number;
  gpus: number;
  ports: HostPort[];
}

export function stackWorkloads(d: DockerStack): Workload[] {
  return [...Object.values(d.services), d.objectStore, d.backup, d.backupDockerApi];
}

/**
 * Neo4j allocates its initial heap at start and fills its page cache as it reads: both count
 * as held, whatever the Docker reservation says (server.memory.* in the Neo4j 5 operations
 * manual, "Memory configuration").
 */
function committedAtStart(cfg: StackConfig, w: Workload): number {
  if (!ROLE_POLICIES[w.role].runsNeo4j) return w.resources.requests.memory;
  return Math.max(w.resources.requests.memory, cfg.neo4j.heap.initial + cfg.neo4j.pageCache);
}

/** The config key behind each published host port (the Neo4j ports are fixed). */
function portKey(w: Workload, port: number): string {
  const keys: Partial<Record<Workload["role"], string>> = {
    "load-balancer": "loadBalancer.port",
    prometheus: "prometheus.port",
    alertmanager: "alertmanager.port",
    grafana: "grafana.port",
    "object-store": "backup.objectStorePort",
  };
  return keys[w.role] ?? `${w.name} port ${port} (fixed)`;
}

export function dockerBudget(cfg: StackConfig, stack = "dev"): DockerBudget {
  const workloads = stackWorkloads(describeDockerStack(cfg, stack));
  const containers = workloads.flatMap((w) => {
    const section = sizingSection(w.role);
    return replicaNames(w).map((container) => ({
      container,
      ...(section ? { section } : {}),
      reservedBytes: committedAtStart(cfg, w),
      limitBytes: w.resources.limits.memory,
      cpuLimitMillicores: w.resources.limits.cpu,
      cpuRequestMillicores: w.resources.requests.cpu,
      gpus: w.gpus,
    }));
  });
  // Companions (the hub's sidecars) are containers of their own, with their own reservations.
  const companions = workloads.flatMap((w) =>
    (w.companions ?? []).flatMap((c) =>
      replicaNames(w).map((replica) => ({
        container: `${replica}-${c.name}`,
        reservedBytes: c.resources.requests.memory,
        limitBytes: c.resources.limits.memory,
        cpuLimitMillicores: c.resources.limits.cpu,
        cpuRequestMillicores: c.resources.requests.cpu,
        gpus: 0,
      })),
    ),
  );
  containers.push(...companions);
  const sum = (pick: (c: ContainerDemand) => number) => containers.reduce((total, c) => total + pick(c), 0);
  const ports = workloads.flatMap((w) =>
    w.ports.filter((p) => p.publish !== undefined).map((p) => ({ port: p.publish!, key: portKey(w, p.publish!), service: w.name })),
  );
  return {
    containers,
    reservedBytes: sum((c) => c.reservedBytes),
    limitBytes: sum((c) => c.limitBytes),
    largestCpuLimitMillicores: Math.max(...containers.map((c) => c.cpuLimitMillicores)),
    cpuLimitMillicores: sum((c) => c.cpuLimitMillicores),
    cpuRequestMillicores: sum((c) => c.cpuRequestMillicores),
    gpus: sum((c) => c.gpus),
    ports,
  };
}
