/**
 * Rules that tie several keys together. Each returns problems as (path, message) pairs, where
 * the path names the key to change and the message completes "<value> ...".
 */
import { hubIssues } from "./hub";
import { crossKeyIssues } from "./crossKeys";
import { edgeIssues } from "./edge";
import { kubernetesIssues } from "./kubernetes";
import { formatBytes, formatMillicores } from "../quantity";
import type { Resources, StackConfig } from "../schema";
import { SIZING_SECTIONS, type SizingSection } from "../sizing";
import { NEO4J_MIN_HEADROOM_BYTES } from "../../contracts/neo4j";
import type { RuleIssue, StackCheck } from "./issue";

export type { RuleIssue, StackCheck } from "./issue";

const MiB = 1024 ** 2;

function requestsWithinLimits(part: SizingSection, r: Resources): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (r.requests.cpu > r.limits.cpu) {
    issues.push({
      path: [part, "resources", "requests", "cpu"],
      effective: formatMillicores(r.requests.cpu),
      message: `is more than the limit ${part}.resources.limits.cpu (${formatMillicores(r.limits.cpu)}); a request must not exceed its limit`,
    });
  }
  if (r.requests.memory > r.limits.memory) {
    issues.push({
      path: [part, "resources", "requests", "memory"],
      effective: formatBytes(r.requests.memory),
      message: `is more than the limit ${part}.resources.limits.memory (${formatBytes(r.limits.memory)}); a request must not exceed its limit`,
    });
  }
  return issues;
}

/** Docker sets memory in whole MiB: anything finer could not be applied exactly. */
function dockerWholeMiB(part: SizingSection, r: Resources): RuleIssue[] {
  return (["limits", "requests"] as const)
    .filter((kind) => r[kind].memory % MiB !== 0)
    .map((kind) => ({
      path: [part, "resources", kind, "memory"],
      effective: String(r[kind].memory),
      message: "is not a whole number of MiB; the Docker target sets memory in MiB (use e.g. 512Mi or 1Gi)",
    }));
}

function neo4jMemory(cfg: StackConfig): RuleIssue[] {
  const { heap, pageCache, resources } = cfg.neo4j;
  const issues: RuleIssue[] = [];
  if (heap.initial > heap.max) {
    issues.push({
      path: ["neo4j", "heap", "initial"],
      effective: formatBytes(heap.initial),
      message: `is more than neo4j.heap.max (${formatBytes(heap.max)}); the initial heap must not exceed the maximum`,
    });
  }
  const needed = heap.max + pageCache + NEO4J_MIN_HEADROOM_BYTES;
  if (needed > resources.limits.memory) {
    issues.push({
      path: ["neo4j", "resources", "limits", "memory"],
      effective: formatBytes(resources.limits.memory),
      message:
        `is too small for neo4j.heap.max (${formatBytes(heap.max)}) + neo4j.pageCache (${formatBytes(pageCache)}) ` +
        `+ ${formatBytes(NEO4J_MIN_HEADROOM_BYTES)} headroom = ${formatBytes(needed)}; raise the limit or lower heap/page cache`,
    });
  }
  return issues;
}

function editionMatchesImage(cfg: StackConfig): RuleIssue[] {
  const enterpriseImage = /-enterprise(@|$)/.test(cfg.neo4j.image);
  if (enterpriseImage === (cfg.neo4j.edition === "enterprise")) return [];
  return [
    {
      path: ["neo4j", "edition"],
      effective: cfg.neo4j.edition,
      message: `does not match neo4j.image (${cfg.neo4j.image}); use a "-${cfg.neo4j.edition}" image tag or change the edition`,
    },
  ];
}

function thresholdOrder(cfg: StackConfig): RuleIssue[] {
  const a = cfg.prometheus.alerts;
  const pairs: [keyof typeof a, keyof typeof a, boolean][] = [
    ["memoryWarningPercent", "memoryCriticalPercent", a.memoryWarningPercent < a.memoryCriticalPercent],
    ["errorRateWarningPercent", "errorRateCriticalPercent", a.errorRateWarningPercent < a.errorRateCriticalPercent],
    ["latencyWarningSeconds", "latencyCriticalSeconds", a.latencyWarningSeconds < a.latencyCriticalSeconds],
    // Free disk falls: the critical level is the lower one.
    ["diskFreeCriticalPercent", "diskFreeWarningPercent", a.diskFreeCriticalPercent < a.diskFreeWarningPercent],
  ];
  return pairs
    .filter(([, , ordered]) => !ordered)
    .map(([low, high]) => ({
      path: ["prometheus", "alerts", low],
      effective: String(a[low]),
      message: `must be below prometheus.alerts.${high} (${a[high]}) so the warning comes before the page`,
    }));
}

function targetFit(cfg: StackConfig, today: Date, stackChecks: readonly StackCheck[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (cfg.target === "docker") {
    if (cfg.loadBalancer.replicas !== 1) {
      issues.push({
        path: ["loadBalancer", "replicas"],
        effective: String(cfg.loadBalancer.replicas),
        message: "is not allowed on the Docker target, where one nginx owns the host port; use 1 (or target kubernetes)",
      });
    }
    for (const part of SIZING_SECTIONS) issues.push(...dockerWholeMiB(part, cfg[part].resources));
  } else {
    issues.push(...kubernetesIssues(cfg, today, stackChecks));
  }
  return issues;
}

/** `today` decides where the EKS version stands in its support calendar; `stackChecks` see StackCheck. */
export function crossFieldIssues(cfg: StackConfig, today: Date, stackChecks: readonly StackCheck[] = []): RuleIssue[] {
  return [
    ...SIZING_SECTIONS.flatMap((part) => requestsWithinLimits(part, cfg[part].resources)),
    ...neo4jMemory(cfg),
    ...editionMatchesImage(cfg),
    ...thresholdOrder(cfg),
    ...targetFit(cfg, today, stackChecks),
    ...hubIssues(cfg),
    ...crossKeyIssues(cfg),
    ...edgeIssues(cfg),
  ];
}
