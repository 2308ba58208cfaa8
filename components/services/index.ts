/**
 * The services of the stack. A new service is a module of this folder and one line here. What
 * else it needs, the compiler asks for: its role in contracts/roles.ts, then that role's pod
 * security (kubernetes/security.ts) and policy facts (contracts/rolePolicies.ts), and its plan on
 * Kubernetes (kubernetes/plans.ts, a `Record` over `KubernetesServiceKey`). Its config section, if
 * it has one, is a section of config/schema.ts (the config sits below the services: the rules and
 * the policy pack read it without the program).
 */
import { alertmanager } from "./alertmanager";
import { blackbox, cadvisor, gpuExporter, kubeStateMetrics, nginxExporter, nodeExporter, pushgateway } from "./exporters";
import { grafana } from "./grafana";
import { hub } from "./hub";
import { loadBalancer } from "./loadBalancer";
import { neo4j } from "./neo4j";
import { ollama } from "./ollama";
import { prometheus } from "./prometheus";
import type { Role } from "../workloads/types";
import type { ServiceModule, TargetKind } from "./types";

export const SERVICES = [
  hub,
  neo4j,
  ollama,
  loadBalancer,
  alertmanager,
  grafana,
  blackbox,
  nodeExporter,
  cadvisor,
  nginxExporter,
  pushgateway,
  kubeStateMetrics,
  gpuExporter,
  prometheus,
] as const;

type Module = (typeof SERVICES)[number];
export type ServiceKey = Module["key"];
type KeyOn<M, T> = M extends { key: infer K; targets: readonly (infer U)[] } ? (T extends U ? K : never) : never;
/** The keys of the services a target runs. */
export type TargetServiceKey<T extends TargetKind> = KeyOn<Module, T>;
export type DockerServiceKey = TargetServiceKey<"docker">;
export type KubernetesServiceKey = TargetServiceKey<"kubernetes">;

/**
 * Every role belongs to a service of the list, or to the backup component (MinIO, the scheduler
 * and its Docker API proxy, the backup CronJobs): a role nobody runs fails to compile.
 */
type BackupRole = "object-store" | "backup";
type RoleWithoutService = Exclude<Role, Module["role"] | BackupRole>;
const everyRoleRuns: [RoleWithoutService] extends [never] ? true : RoleWithoutService = true;
void everyRoleRuns;

/** A connection to a key that is no service fails to compile. */
type TalkTarget = NonNullable<Extract<Module, { talksTo: unknown }>["talksTo"]>[number]["to"];
type UnknownTalk = Exclude<TalkTarget, ServiceKey>;
const noUnknownTalk: [UnknownTalk] extends [never] ? true : UnknownTalk = true;
void noUnknownTalk;

/** A wait on a key that is no service fails to compile. */
type UnknownWait = Exclude<Module["waitsFor"][number], ServiceKey>;
const noUnknownWait: [UnknownWait] extends [never] ? true : UnknownWait = true;
void noUnknownWait;

/** The services a target runs, in the order of the list. */
export function servicesOn<T extends TargetKind>(target: T): ServiceModule<TargetServiceKey<T>, ServiceKey, TargetKind>[] {
  const on: readonly ServiceModule[] = SERVICES.filter((s) => (s.targets as readonly TargetKind[]).includes(target));
  return on as ServiceModule<TargetServiceKey<T>, ServiceKey, TargetKind>[];
}

/**
 * The order components are declared in: each service after the ones it waits for, otherwise in
 * the order of the list. A circle of waits is refused.
 */
export function declarationOrder<M extends Pick<ServiceModule, "key" | "waitsFor">>(services: readonly M[]): M[] {
  const keys = new Set(services.map((s) => s.key));
  const done = new Set<string>();
  const order: M[] = [];
  while (order.length < services.length) {
    const next = services.find((s) => !done.has(s.key) && s.waitsFor.every((w) => done.has(w) || !keys.has(w)));
    if (!next) throw new Error(`services wait for each other in a circle: ${services.filter((s) => !done.has(s.key)).map((s) => s.key).join(", ")}`);
    done.add(next.key);
    order.push(next);
  }
  return order;
}
