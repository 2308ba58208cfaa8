/**
 * Alert rules as data, split by domain like the monitoring mixins (kubernetes-mixin's
 * `alerts/*.libsonnet`, node-mixin): each domain module renders its own group(s) and owns the
 * inhibitions whose source alert it fires. render/alertRules.ts renders the union of the
 * domains, render/alertmanager.ts their inhibitions: neither keeps a list of its own.
 */
import type { Thresholds } from "../../config/schema";
import type { HubMetricsContract } from "../../contracts/hub";

export type Severity = "critical" | "warning" | "none";

/** One alert rule as data, the shape every domain builds and render/alertRules.ts renders. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: Severity;
  summary: string;
  description: string;
  /** Extra labels, e.g. the `service` a per-service rule watches. */
  labels?: Record<string, string>;
}

export interface AlertGroup {
  group: string;
  rules: AlertRule[];
}

/** While `source` fires, `targets` with the same `equal` labels are noise (Alertmanager inhibit_rules). */
export interface Inhibition {
  source: string;
  targets: string[];
  equal: string[];
}

export interface AlertDomain {
  /** What the domain watches; the README's alert table groups by it. */
  name: string;
  /** The domain's groups for a stack (none where the stack lacks what it watches). */
  groups(i: AlertRulesInput, rateWindow: string): AlertGroup[];
  /** Inhibitions whose source is one of this domain's alerts. */
  inhibitions: Inhibition[];
}

/** The group of a domain with one group: `mcp-superserver.<domain>`. */
export const groupName = (domain: string) => `mcp-superserver.${domain}`;

/** Series of one service in the container metrics (cAdvisor). */
export interface ContainerTarget {
  service: string;
  /** PromQL label matchers selecting the service's containers, e.g. `name=~"mcp-hub-[0-9]+"`. */
  selector: string;
}

/**
 * How fast the rules react. Production keeps the runbook's windows; a live test runs the very
 * same rules in seconds by shrinking the rate window and scaling every `for`.
 */
export interface AlertTiming {
  /** Range of the `rate()` in the error-rate, latency and CPU rules. */
  rateWindow: string;
  /** Multiplies every rule's `for`. */
  pendingScale: number;
}

export interface ProbeRulesInput {
  /** Job probing the hub through nginx as a CLI client calls it. */
  clientProbeJob: string;
  /** Every blackbox probe job whose result other alerts rely on. */
  probeJobs: string[];
}

export interface SelfMonitoringInput {
  /** Job scraping Prometheus' own /metrics. */
  prometheusJob: string;
  /** Job scraping Alertmanager's /metrics. */
  alertmanagerJob: string;
}

export type WorkloadHealthInput =
  | { kind: "docker"; containerSelector: string }
  | { kind: "kubernetes"; namespaces: string[]; kubeStateMetricsJob: string; kubeletJob: string; gpuJob?: string };

export interface AlertRulesInput {
  thresholds: Thresholds;
  hubJob: string;
  /** The metric names the hub exports (contracts/hub.ts). */
  hubContract: HubMetricsContract;
  /** Job probing each hub replica's deep `/health` through blackbox. */
  hubHealthProbeJob: string;
  neo4jProbeJob: string;
  ollamaProbeJob: string;
  /** Job scraping Neo4j's own metrics (Enterprise only); without it there are no Neo4j query alerts. */
  neo4jMetricsJob?: string;
  /** Services with a memory (and CPU) limit; each gets its own memory and CPU alerts. */
  containers: ContainerTarget[];
  /** The label that tells containers apart in cAdvisor series (`name` on Docker, `pod` on Kubernetes). */
  containerLabel: string;
  /** Matchers for the filesystems whose free space matters (node_exporter). */
  diskSelector: string;
  /** Where the operator runbook lives; each alert links to its own section. */
  runbookUrl: string;
  timing?: AlertTiming;
  /** Prometheus' and Alertmanager's own jobs: alerts on the alerting pipeline. */
  selfMonitoring?: SelfMonitoringInput;
  /** The client-path probe and the probes other alerts rely on. */
  probes?: ProbeRulesInput;
  /** Crashes, OOM kills and volume fill, from what the target exports. */
  workloadHealth?: WorkloadHealthInput;
}

/** A threshold in percent as the 0..1 ratio the expressions compare with. */
export const ratio = (percent: number) => String(percent / 100);
