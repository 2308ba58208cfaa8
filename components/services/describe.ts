/** Describes the services a target runs, from the registry, in the order of its list. Pure. */
import type { StackConfig } from "../config/schema";
import type { Workload } from "../workloads/types";
import { servicesOn, type TargetServiceKey } from ".";
import type { TargetFacts, TargetKind } from "./types";

/**
 * Every service of `target`, by key. A service that watches the stack (Prometheus) is described
 * after all the others, from their descriptions; the rest in the order of the list, each seeing the
 * ones before it (the load balancer reads the hub's replicas).
 */
export function describeServices<T extends TargetKind>(cfg: StackConfig, target: T, facts: TargetFacts): Record<TargetServiceKey<T>, Workload> {
  const services = servicesOn(target);
  const described: Record<string, Workload> = {};
  for (const s of [...services.filter((m) => !m.watchesStack), ...services.filter((m) => m.watchesStack)]) {
    described[s.key] = s.workload(cfg, facts, { ...described });
  }
  return Object.fromEntries(services.map((s) => [s.key, described[s.key]])) as Record<TargetServiceKey<T>, Workload>;
}
