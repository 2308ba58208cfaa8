/**
 * What the stack knows about one service, whatever the target: its name and role, its component,
 * which targets run it, what it waits for, and how its workload is described. Each service is one
 * module of this folder; `SERVICES` (index.ts) lists them. What a target adds (the Kubernetes
 * plan) is a `Record` over the keys of the services that target runs, so the compiler names what
 * a new service lacks.
 */
import type { StackConfig } from "../config/schema";
import type { HubUpstreams } from "../workloads/loadBalancer";
import type { MonitoringFiles } from "../workloads/monitoring";
import type { Role, Workload } from "../workloads/types";

export type TargetKind = "docker" | "kubernetes";

/** What a target tells the services it describes: how its network and its monitoring see them. */
export interface TargetFacts {
  target: TargetKind;
  /** How nginx finds the hub replicas on this target. */
  hubUpstreams(hub: Workload): HubUpstreams;
  /** How cAdvisor series name the stack's containers (Grafana's memory panel reads them). */
  containers: { containerLabel: string; containerSelector: string };
  /** The namespaces kube-state-metrics watches (Kubernetes only; empty on Docker). */
  namespaces: string[];
  /** What Prometheus scrapes, probes and alerts on, given every other service's workload by key. */
  monitoringFiles(watched: Described): MonitoringFiles;
}

/**
 * A connection this service opens to another service of the stack: toward a port of the other's
 * workload by name, or by number for a port of a sidecar beside it. The Kubernetes allow-list
 * (NetworkPolicies) admits exactly these, besides what leaves the stack.
 */
export interface Talk {
  /** The other service's key in the registry. */
  to: string;
  port: string | number;
  reason: string;
  /** Only with this config (Neo4j Enterprise's metrics endpoint). */
  when?: (cfg: StackConfig) => boolean;
}

/** The services described so far, by key: what a service builds on (the load balancer on the hub). */
export type Described = Readonly<Partial<Record<string, Workload>>>;

/** A service this one waits for, which is described before it; reading any other is a wiring mistake. */
export function waitedFor(described: Described, key: string, by: string): Workload {
  const w = described[key];
  if (!w) throw new Error(`service ${by} reads ${key}'s description, but does not wait for it (waitsFor)`);
  return w;
}

export interface ServiceModule<K extends string = string, W extends string = string, T extends TargetKind = TargetKind, R extends Role = Role> {
  key: K;
  /** The `app.kubernetes.io/component` label of its containers. */
  role: R;
  /** Its name and what it does, for the README's services table (components/targets/reference.ts). */
  title: string;
  summary: string;
  /** Its component resource: the type token and the child name (`<stack component>-<name>`). */
  component: { type: string; name: string };
  targets: readonly T[];
  /**
   * Services deployed before this one (Pulumi dependsOn), where the target runs them. A target may
   * drop a wait (Kubernetes does not wait for a GPU workload: a GPU quota of 0 leaves it Pending).
   */
  waitsFor: readonly W[];
  /** Prometheus watches every other workload: it is described after all of them. */
  watchesStack?: boolean;
  workload(cfg: StackConfig, target: TargetFacts, described: Described): Workload;
  /** Who it connects to inside the stack; a service the target does not run is skipped. */
  talksTo?: readonly Talk[];
}

/** A module with its key, role, waits and targets kept as literals, which the registry checks (index.ts). */
export function service<const M extends ServiceModule>(m: M): M {
  return m;
}
