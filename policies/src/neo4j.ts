/**
 * Neo4j memory (policy 4): heap max + page cache + headroom must fit the container's limit, or
 * the kernel OOM-kills the JVM under load; and a heap that starts at its maximum is advised, so
 * the JVM never pauses to grow it.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { NEO4J_MIN_HEADROOM_BYTES, neo4jSettingEnv } from "../../components/contracts/neo4j";
import { rolePolicy } from "../../components/contracts/rolePolicies";
import { quantitySchema, validatePods } from "./kit";
import { type ContainerView, describePod, type PodView } from "./pods";
import { formatBytes, neo4jBytes, quantityBytes } from "./quantities";

export const NEO4J_ENV = {
  heapInitial: neo4jSettingEnv("server.memory.heap.initial_size"),
  heapMax: neo4jSettingEnv("server.memory.heap.max_size"),
  pageCache: neo4jSettingEnv("server.memory.pagecache.size"),
} as const;

/** The container that runs Neo4j: the one carrying its memory settings. */
function neo4jContainer(pod: PodView): ContainerView | undefined {
  if (!rolePolicy(pod.role)?.runsNeo4j) return undefined;
  return pod.containers.find((c) => NEO4J_ENV.heapMax in c.env) ?? pod.containers[0];
}

export const neo4jMemoryFitsLimit: ResourceValidationPolicy = {
  name: "neo4j-memory-fits-limit",
  description: "Neo4j's heap max plus page cache plus headroom fits inside its container memory limit.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      headroom: quantitySchema(
        "Memory Neo4j needs outside heap and page cache (metaspace, threads, native buffers).",
        formatBytes(NEO4J_MIN_HEADROOM_BYTES),
      ),
    },
  },
  validateResource: validatePods<{ headroom: string }>((pod, config, report, args) => {
    const c = neo4jContainer(pod);
    if (!c) return;
    const who = `${describePod(pod, args.name)}`;
    const heapMax = neo4jBytes(c.env[NEO4J_ENV.heapMax]);
    const pageCache = neo4jBytes(c.env[NEO4J_ENV.pageCache]);
    if (heapMax === undefined || pageCache === undefined) {
      report(
        `${who}: Neo4j memory is not set explicitly (${NEO4J_ENV.heapMax}=${c.env[NEO4J_ENV.heapMax] ?? "unset"}, ` +
          `${NEO4J_ENV.pageCache}=${c.env[NEO4J_ENV.pageCache] ?? "unset"}); set mcp-superserver:neo4j.heap.max and neo4j.pageCache`,
      );
      return;
    }
    if (c.memoryLimit === undefined) return;
    const headroom = quantityBytes(config.headroom)!;
    const needed = heapMax + pageCache + headroom;
    if (needed > c.memoryLimit) {
      report(
        `${who}: heap max ${formatBytes(heapMax)} + page cache ${formatBytes(pageCache)} + headroom ${formatBytes(headroom)} = ` +
          `${formatBytes(needed)} does not fit the memory limit ${formatBytes(c.memoryLimit)}; raise ` +
          `mcp-superserver:neo4j.resources.limits.memory to at least ${formatBytes(needed)} or lower neo4j.heap.max / neo4j.pageCache`,
      );
    }
  }),
};

export const neo4jHeapFixedSize: ResourceValidationPolicy = {
  name: "neo4j-heap-fixed-size",
  description: "Neo4j's initial heap equals its maximum heap, so the JVM never pauses to grow it.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateResource: validatePods<object>((pod, _config, report, args) => {
    const c = neo4jContainer(pod);
    if (!c) return;
    const initial = neo4jBytes(c.env[NEO4J_ENV.heapInitial]);
    const max = neo4jBytes(c.env[NEO4J_ENV.heapMax]);
    if (max !== undefined && initial !== max) {
      report(
        `${describePod(pod, args.name)}: initial heap ${initial === undefined ? "unset" : formatBytes(initial)} differs from ` +
          `heap max ${formatBytes(max)}; set mcp-superserver:neo4j.heap.initial to ${formatBytes(max)}`,
      );
    }
  }),
};
