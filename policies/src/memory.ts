/**
 * Memory policies 1-3: every container declares a limit and a request; each role's memory stays
 * inside the runbook's bounds; limits do not overcommit requests by more than a ratio.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type MemoryBound, ROLE_POLICIES, rolesWhere } from "../../components/contracts/rolePolicies";
import { memoryKey, quantitySchema, validatePods } from "./kit";
import { describePod, podMemory } from "./pods";
import { formatBytes, quantityBytes } from "./quantities";

export const memoryLimitsAndRequests: ResourceValidationPolicy = {
  name: "memory-limits-and-requests",
  description: "Every container declares a memory limit and a memory request (Docker: reservation).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      includeInitContainers: { type: "boolean", description: "Check init containers too.", default: true },
    },
  },
  validateResource: validatePods<{ includeInitContainers: boolean }>((pod, config, report, args) => {
    const containers = [...pod.containers, ...(config.includeInitContainers ? pod.initContainers : [])];
    const request = pod.target === "docker" ? "memory reservation (memoryReservation)" : "memory request (resources.requests.memory)";
    const limit = pod.target === "docker" ? "memory limit (memory)" : "memory limit (resources.limits.memory)";
    for (const c of containers) {
      const who = `container "${c.name}" of ${describePod(pod, args.name)}`;
      for (const [field, raw] of Object.entries(c.unreadable)) {
        report(`${who}: ${field} ${JSON.stringify(raw)} is not a memory quantity; use forms like 512Mi or 1Gi`);
      }
      if (c.memoryLimit === undefined && !("resources.limits.memory" in c.unreadable)) {
        report(`${who} has no ${limit}; set ${memoryKey(pod.role, "limits")}`);
      }
      if (c.memoryRequest === undefined && !("resources.requests.memory" in c.unreadable)) {
        report(`${who} has no ${request}; set ${memoryKey(pod.role, "requests")}`);
      }
    }
  }),
};

/** The roles whose memory limit has bounds, with the config properties that hold them. */
const BOUNDED = rolesWhere((p) => p.memoryBounds !== null).map((role) => ({
  role,
  bounds: ROLE_POLICIES[role].memoryBounds!,
  minKey: `${role}MinLimit`,
  maxKey: `${role}MaxLimit`,
}));

const boundSchema = (end: "Smallest" | "Largest", name: string, b: MemoryBound) =>
  quantitySchema(`${end} ${name} memory limit${b.source ? ` (${b.source})` : ""}.`, b.limit);

export const memoryWithinRoleBounds: ResourceValidationPolicy = {
  name: "memory-within-role-bounds",
  description: "The memory limit of the hub, Neo4j and Ollama stays inside the runbook's bounds for its role.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: Object.fromEntries(
      BOUNDED.flatMap(({ bounds, minKey, maxKey }) => [
        [minKey, boundSchema("Smallest", bounds.name, bounds.min)],
        [maxKey, boundSchema("Largest", bounds.name, bounds.max)],
      ]),
    ),
  },
  validateResource: validatePods<Record<string, string>>((pod, config, report, args) => {
    const bounded = BOUNDED.find((b) => b.role === pod.role);
    if (!bounded) return;
    const { role, minKey, maxKey } = bounded;
    const limit = podMemory(pod, "memoryLimit");
    // A missing limit is memory-limits-and-requests' finding.
    if (limit === undefined) return;
    const min = quantityBytes(config[minKey])!;
    const max = quantityBytes(config[maxKey])!;
    const key = memoryKey(role, "limits");
    const who = `${describePod(pod, args.name)} (role ${role})`;
    if (limit < min) {
      report(`${who}: memory limit ${formatBytes(limit)} is below the minimum ${formatBytes(min)}; raise ${key} to at least ${formatBytes(min)}`);
    } else if (limit > max) {
      report(`${who}: memory limit ${formatBytes(limit)} is above the maximum ${formatBytes(max)}; lower ${key} to at most ${formatBytes(max)}`);
    }
  }),
};

export const memoryLimitRequestRatio: ResourceValidationPolicy = {
  name: "memory-limit-request-ratio",
  description: "A container's memory limit is at most a configurable multiple of its memory request.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxRatio: { type: "number", minimum: 1, description: "Largest allowed limit / request.", default: 2 },
    },
  },
  validateResource: validatePods<{ maxRatio: number }>((pod, config, report, args) => {
    for (const c of pod.containers) {
      const request = c.memoryRequest ?? (pod.target === "kubernetes" ? c.memoryLimit : undefined);
      if (c.memoryLimit === undefined || request === undefined || request === 0) continue;
      const ratio = c.memoryLimit / request;
      if (ratio > config.maxRatio) {
        const needed = Math.ceil(c.memoryLimit / config.maxRatio);
        report(
          `container "${c.name}" of ${describePod(pod, args.name)}: memory limit ${formatBytes(c.memoryLimit)} is ` +
            `${Number(ratio.toFixed(2))}x its request ${formatBytes(request)} (max ${config.maxRatio}x); ` +
            `raise ${memoryKey(pod.role, "requests")} to at least ${formatBytes(needed)} or lower the limit`,
        );
      }
    }
  }),
};
