/**
 * What the policy pack checks of each role, written once: the program sizes and places its
 * workloads by these facts and the pack (policies/src) checks the rendered resources against
 * them. A `Record` over every role, so a new role does not compile until it states its facts.
 */
import type { Role } from "./roles";

/** One end of a role's memory bounds: the default of the pack's config and where it comes from. */
export interface MemoryBound {
  limit: string;
  /** Shown after the config property's description, e.g. "runbook: 512M". */
  source?: string;
}

/** memory-within-role-bounds: the range its memory limit stays in (config `<role>MinLimit`, `<role>MaxLimit`). */
export interface MemoryBounds {
  /** How the config property descriptions name the role: "hub", "Neo4j". */
  name: string;
  min: MemoryBound;
  max: MemoryBound;
}

export interface RolePolicy {
  /** The stack config section whose `resources` size the role; null for fixed sizes (exporters, MinIO). */
  configSection: string | null;
  memoryBounds: MemoryBounds | null;
  /** ollama-gpu-placement: it requests GPUs, tolerates the GPU nodes' taint and selects the GPU pool. */
  gpu: boolean;
  /** hub-high-availability: at least two replicas and, on Kubernetes, a PodDisruptionBudget. */
  highlyAvailable: boolean;
  /**
   * neo4j-memory-fits-limit, neo4j-heap-fixed-size: it runs Neo4j, whose heap, page cache and
   * headroom must fit its limit; the Docker budget counts its initial heap and page cache as held.
   */
  runsNeo4j: boolean;
  /** memory-alert-thresholds: its containers carry the alert rules file (Docker uploads it to them). */
  holdsAlertRules: boolean;
}

/** A role none of the role-keyed policies singles out. */
const PLAIN = {
  configSection: null,
  memoryBounds: null,
  gpu: false,
  highlyAvailable: false,
  runsNeo4j: false,
  holdsAlertRules: false,
} as const satisfies RolePolicy;

/**
 * The memory bounds are the runbook's sizes (the upstream repository's docs/RUNBOOK.md); the
 * maxima it does not state are ours.
 */
export const ROLE_POLICIES = {
  hub: {
    ...PLAIN,
    configSection: "hub",
    memoryBounds: {
      name: "hub",
      // "Vertical Scaling", MCP Hub (line 442; Scenario 1, line 117): `memory: 1G  # Increase from 512M`.
      min: { limit: "512Mi", source: "runbook: 512M" },
      max: { limit: "1Gi", source: "runbook's OOM fix: 1G" },
    },
    highlyAvailable: true,
  },
  neo4j: {
    ...PLAIN,
    configSection: "neo4j",
    memoryBounds: {
      name: "Neo4j",
      // "Vertical Scaling", Neo4j (line 458): `memory: 8G      # Increase`. The maximum, twice that, is ours.
      min: { limit: "8Gi", source: "runbook: 8G" },
      max: { limit: "16Gi" },
    },
    runsNeo4j: true,
  },
  ollama: {
    ...PLAIN,
    configSection: "ollama",
    memoryBounds: {
      name: "Ollama",
      // "Vertical Scaling", Ollama (line 468): `memory: 32G     # Increase for larger models`; the maximum leaves room for them.
      min: { limit: "32Gi", source: "runbook: 32G" },
      max: { limit: "64Gi", source: "larger models" },
    },
    gpu: true,
  },
  "load-balancer": { ...PLAIN, configSection: "loadBalancer" },
  prometheus: { ...PLAIN, configSection: "prometheus", holdsAlertRules: true },
  alertmanager: { ...PLAIN, configSection: "alertmanager" },
  grafana: { ...PLAIN, configSection: "grafana" },
  "blackbox-exporter": PLAIN,
  "node-exporter": PLAIN,
  cadvisor: PLAIN,
  "nginx-exporter": PLAIN,
  "kube-state-metrics": PLAIN,
  "gpu-exporter": PLAIN,
  "object-store": PLAIN,
  pushgateway: PLAIN,
  backup: { ...PLAIN, configSection: "backup" },
} as const satisfies Record<Role, RolePolicy>;

/**
 * The pack's messages name the config key to change (memory bounds, GPUs, replicas): a role it
 * bounds, places on GPUs or keeps highly available without a config section fails to compile.
 */
type Facts = typeof ROLE_POLICIES;
type Unkeyed = { memoryBounds: null; gpu: false; highlyAvailable: false };
type KeyedWithoutSection = { [R in Role]: Facts[R] extends { configSection: null } ? (Facts[R] extends Unkeyed ? never : R) : never }[Role];
const everyKeyedRoleHasASection: [KeyedWithoutSection] extends [never] ? true : KeyedWithoutSection = true;
void everyKeyedRoleHasASection;

/** The facts of a label's role; undefined for a container of no known role (companions, foreign pods). */
export function rolePolicy(role: string | undefined): RolePolicy | undefined {
  return role !== undefined && Object.hasOwn(ROLE_POLICIES, role) ? ROLE_POLICIES[role as Role] : undefined;
}

/** The roles a fact holds for, in the order of the table. */
export function rolesWhere(fact: (p: RolePolicy) => boolean): Role[] {
  return (Object.keys(ROLE_POLICIES) as Role[]).filter((r) => fact(ROLE_POLICIES[r]));
}
