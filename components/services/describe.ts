/** Describes the services a target runs, from the registry. Pure. */
import type { StackConfig } from "../config/schema";
import type { Workload } from "../workloads/types";
import { declarationOrder, servicesOn, type TargetServiceKey } from ".";
import type { TargetFacts, TargetKind } from "./types";

/**
 * Every service of `target`, by key. Each is described after the services it waits for
 * (declarationOrder) and sees those described so far, in the order of the list (the load balancer
 * reads the hub's replicas); a service that watches the stack (Prometheus) comes after all others.
 */
export function describeServices<T extends TargetKind>(cfg: StackConfig, facts: TargetFacts & { target: T }): Record<TargetServiceKey<T>, Workload> {
  const services = servicesOn(facts.target);
  const described: Record<string, Workload> = {};
  const soFar = () => Object.fromEntries(services.filter((s) => s.key in described).map((s) => [s.key, described[s.key]]));
  for (const s of [...declarationOrder(services.filter((m) => !m.watchesStack)), ...services.filter((m) => m.watchesStack)]) {
    described[s.key] = s.workload(cfg, facts, soFar());
  }
  return soFar() as Record<TargetServiceKey<T>, Workload>;
}
