/**
 * Capacity (policy 6, a stack policy): the pods that can only run on a set of node pools must
 * fit those pools at their maximum size: memory requests against allocatable memory, GPU
 * requests against GPUs. DaemonSets take their share of every node first. The instance types and
 * the allocatable formula are the program's own (components/catalog/instanceTypes.ts and
 * nodeCapacity.ts); the policy's config adds types and may set another eviction threshold.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { EKS_DEFAULT_INSTANCE_TYPE, INSTANCE_TYPES, type InstanceType } from "../../components/catalog/instanceTypes";
import { allocatableMemoryBytes, EVICTION_HARD_BYTES } from "../../components/catalog/nodeCapacity";
import { GPU_RESOURCE_SCHEMA, QUANTITY_PATTERN, quantitySchema } from "./kit";
import { describePod, podGpus, podMemory, type PodView, podOf, selectsNode, tolerates } from "./pods";
import { formatBytes, formatWholeMiB, quantityBytes } from "./quantities";

export const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

interface CapacityConfig {
  gpuResource: string;
  evictionThreshold: string;
  instanceTypes: Record<string, { memory: string; gpus?: number; maxPods: number }>;
}

/** What the policy needs of an instance type: a config-added type names no vCPUs. */
type NodeType = Pick<InstanceType, "memoryGiB" | "gpus" | "maxPods">;

interface Pool {
  name: string;
  instanceType: string;
  /** The smallest instance type the group may launch; undefined when none is known. */
  type?: NodeType;
  maxSize: number;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

interface PlacedPod {
  pod: PodView;
  name: string;
  memory: number;
  gpus: number;
  pools: Pool[];
}

/** EKS writes taint effects as NO_SCHEDULE; pods tolerate NoSchedule. */
const TAINT_EFFECT: Record<string, string> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };

function pools(resources: PolicyResource[], table: Readonly<Record<string, NodeType>>): Pool[] {
  return resources
    .filter((r) => r.type === NODE_GROUP)
    .map((r) => {
      const p = r.props;
      const types: string[] = Array.isArray(p.instanceTypes) && p.instanceTypes.length ? p.instanceTypes : [EKS_DEFAULT_INSTANCE_TYPE];
      const known = types.map((name) => table[name]).filter((x): x is NodeType => x !== undefined);
      const smallest = known.length === types.length ? known.sort((a, b) => a.memoryGiB - b.memoryGiB || a.gpus - b.gpus)[0] : undefined;
      const name = String(p.nodeGroupName ?? r.name);
      return {
        name,
        instanceType: types.join("/"),
        type: smallest,
        maxSize: Number(p.scalingConfig?.maxSize ?? 0),
        labels: { ...(p.labels ?? {}), "eks.amazonaws.com/nodegroup": name },
        taints: (Array.isArray(p.taints) ? p.taints : []).map((t: { key: string; value?: string; effect: string }) => ({
          key: t.key,
          value: t.value,
          effect: TAINT_EFFECT[t.effect] ?? t.effect,
        })),
      };
    });
}

const accepts = (pool: Pool, pod: PodView) =>
  selectsNode(pod, pool.labels) &&
  pool.taints.filter((t) => t.effect !== "PreferNoSchedule").every((t) => tolerates(pod, t));

function customTypes(config: CapacityConfig): Record<string, NodeType> {
  return Object.fromEntries(
    Object.entries(config.instanceTypes).map(([name, t]) => [name, { memoryGiB: quantityBytes(t.memory)! / 1024 ** 3, gpus: t.gpus ?? 0, maxPods: t.maxPods }]),
  );
}

function checkSet(set: Pool[], placed: PlacedPod[], perNode: Map<Pool, { memory: number; gpus: number }>, evict: number, report: ReportViolation) {
  const inSet = placed.filter((p) => p.pools.every((pool) => set.includes(pool)));
  if (inSet.length === 0) return;
  const names = set.map((p) => `"${p.name}" (${p.instanceType}, max ${p.maxSize})`).join(" + ");
  const memoryCapacity = set.reduce((sum, p) => sum + (allocatableMemoryBytes(p.type!, evict) - perNode.get(p)!.memory) * p.maxSize, 0);
  const gpuCapacity = set.reduce((sum, p) => sum + (p.type!.gpus - perNode.get(p)!.gpus) * p.maxSize, 0);
  const memory = inSet.reduce((sum, p) => sum + p.memory, 0);
  const gpus = inSet.reduce((sum, p) => sum + p.gpus, 0);
  const change = set.length === 1 ? `raise scalingConfig.maxSize of node group "${set[0].name}" or use a larger instance type` : "raise the maxSize of these node groups or use larger instance types";
  if (memory > memoryCapacity) {
    report(
      `node pool ${names}: pods that must run there request ${formatBytes(memory)} of memory, ` +
        `more than its ${formatWholeMiB(Math.max(0, memoryCapacity))} allocatable at max size; ${change}`,
    );
  }
  if (gpus > gpuCapacity) {
    report(`node pool ${names}: pods that must run there request ${gpus} GPU(s), more than its ${Math.max(0, gpuCapacity)} at max size; ${change}`);
  }
}

export const nodePoolCapacity: StackValidationPolicy = {
  name: "node-pool-capacity",
  description: "Per node pool, the memory and GPU requests of the pods that must run on it fit its allocatable capacity at max size.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      gpuResource: GPU_RESOURCE_SCHEMA,
      evictionThreshold: quantitySchema("The kubelet's hard eviction threshold (memory.available).", formatBytes(EVICTION_HARD_BYTES)),
      instanceTypes: {
        type: "object",
        description: "Instance types to add to the built-in table, by name.",
        additionalProperties: {
          type: "object",
          required: ["memory", "maxPods"],
          properties: {
            memory: { type: "string", pattern: QUANTITY_PATTERN },
            gpus: { type: "integer", minimum: 0 },
            maxPods: { type: "integer", minimum: 1 },
          },
          additionalProperties: false,
        },
        default: {},
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<CapacityConfig>();
    const all = pools(args.resources, { ...INSTANCE_TYPES, ...customTypes(config) });
    if (all.length === 0) args.notApplicable("The stack has no EKS node groups");
    const evict = quantityBytes(config.evictionThreshold)!;
    for (const p of all.filter((x) => !x.type)) {
      report(`node group "${p.name}": instance type ${p.instanceType} is not in the capacity table; add it to this policy's instanceTypes config`);
    }
    const known = all.filter((p) => p.type);
    const pods = args.resources.flatMap((r) => {
      const pod = podOf(r.type, r.props, config.gpuResource);
      return pod && pod.target === "kubernetes" ? [{ pod, name: describePod(pod, r.name) }] : [];
    });
    const perNode = new Map(known.map((p) => [p, { memory: 0, gpus: 0 }]));
    const placed: PlacedPod[] = [];
    for (const { pod, name } of pods) {
      const memory = podMemory(pod, "memoryRequest") ?? 0;
      const gpus = podGpus(pod);
      const eligible = known.filter((p) => accepts(p, pod));
      if (eligible.length === 0) {
        report(`${name}: no node pool accepts this pod (node selector, affinity and tolerations); fix its placement or add a node group`);
        continue;
      }
      if (pod.perNode) {
        for (const p of eligible) {
          perNode.get(p)!.memory += memory;
          perNode.get(p)!.gpus += gpus;
        }
        continue;
      }
      const fitsSomeNode = eligible.some((p) => allocatableMemoryBytes(p.type!, evict) >= memory && p.type!.gpus >= gpus);
      if (!fitsSomeNode) {
        const sizes = eligible.map((p) => `"${p.name}" ${p.instanceType}: ${formatWholeMiB(allocatableMemoryBytes(p.type!, evict))}, ${p.type!.gpus} GPU(s)`);
        report(
          `${name}: one pod requests ${formatBytes(memory)} and ${gpus} GPU(s), more than any node of its pools offers (${sizes.join("; ")}); use a larger instance type`,
        );
      }
      for (let i = 0; i < pod.replicas; i++) placed.push({ pod, name, memory, gpus, pools: eligible });
    }
    // Hall's condition over the pool sets that occur: pods confined to a set must fit in it.
    const sets = new Map<string, Pool[]>();
    for (const set of [...known.map((p) => [p]), ...placed.map((p) => p.pools)]) sets.set(set.map((p) => p.name).sort().join(","), set);
    for (const set of sets.values()) checkSet(set, placed, perNode, evict, report);
  },
};
