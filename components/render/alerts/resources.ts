/** Containers against their limits: memory (working set, what the OOM killer compares) and CPU, per service. */
import { ALERT } from "../../contracts/alerts";
import { cpuOfLimit, memoryOfLimit } from "../promql";
import { groupName, ratio, type AlertDomain, type AlertRule, type AlertRulesInput } from "./domain";

function containerRules(i: AlertRulesInput, w: string): AlertRule[] {
  const t = i.thresholds;
  const by = i.containerLabel;
  return i.containers.flatMap(({ service, selector }) => {
    const memory = memoryOfLimit(by, selector);
    const cpu = cpuOfLimit(by, selector, w);
    const labels = { service };
    return [
      {
        alert: ALERT.highMemory,
        expr: `${memory} > ${ratio(t.memoryWarningPercent)}`,
        for: "5m",
        severity: "warning" as const,
        summary: `${service} memory is near its limit`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its memory limit (warning above ${t.memoryWarningPercent}%).`,
        labels,
      },
      {
        alert: ALERT.criticalMemory,
        expr: `${memory} > ${ratio(t.memoryCriticalPercent)}`,
        for: "2m",
        severity: "critical" as const,
        summary: `${service} is about to be OOM-killed`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its memory limit (critical above ${t.memoryCriticalPercent}%).`,
        labels,
      },
      {
        alert: "HighCPUUsage",
        expr: `${cpu} > ${ratio(t.cpuWarningPercent)}`,
        for: "15m",
        severity: "warning" as const,
        summary: `${service} is using most of its CPU limit`,
        description: `{{ $labels.${by} }} uses {{ $value | humanizePercentage }} of its CPU limit (warning above ${t.cpuWarningPercent}%); it is being throttled.`,
        labels,
      },
    ];
  });
}

export const RESOURCE_ALERTS: AlertDomain = {
  name: "resources",
  groups: (i, w) => [{ group: groupName("resources"), rules: containerRules(i, w) }],
  inhibitions: [
    // Equal on what tells replicas apart too (`name` on Docker, `pod` on Kubernetes; a label
    // absent on both sides counts as equal): one replica at critical must not mute another's warning.
    { source: ALERT.criticalMemory, targets: [ALERT.highMemory], equal: ["service", "name", "pod"] },
  ],
};
