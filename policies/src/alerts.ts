/**
 * Alert thresholds (policy 7, a stack policy): the rendered Prometheus rules carry a
 * HighMemoryUsage (warning) and a CriticalMemoryUsage (critical) alert, at the runbook's
 * thresholds, for every service that has a memory limit. Reads only what every renderer keeps:
 * the alert name, its `service` label and the `> <ratio>` comparison ending its expression.
 */
import * as path from "node:path";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { prometheusSchema } from "../../components/config/schema";
import { ALERT } from "../../components/contracts/alerts";
import { ALERT_RULES_PATH } from "../../components/contracts/monitoringPaths";
import { rolePolicy } from "../../components/contracts/rolePolicies";
import { DOCKER_CONTAINER, podMemory, podOf } from "./pods";

export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** The runbook's thresholds, from the same typed config the alert rules are rendered from. */
const DEFAULT_THRESHOLDS = prometheusSchema.parse({}).alerts;

interface AlertConfig {
  warningPercent: number;
  criticalPercent: number;
  rulesFile: string;
}

interface MemoryAlert {
  alert: string;
  service?: string;
  threshold?: number;
}

/** Rule files by where they come from: Docker uploads at `rulesFile`, ConfigMap keys named like it. */
function ruleFiles(resources: PolicyResource[], rulesFile: string): { source: string; content: string }[] {
  return resources.flatMap((r) => {
    // Only the uploads of the role that holds the rules (Prometheus): others may hold secrets that are unknown during a preview.
    if (r.type === DOCKER_CONTAINER && rolePolicy(podOf(r.type, r.props)?.role)?.holdsAlertRules) {
      const uploads: { file?: string; content?: unknown }[] = Array.isArray(r.props.uploads) ? r.props.uploads : [];
      return uploads.filter((u) => u.file === rulesFile && typeof u.content === "string").map((u) => ({ source: r.name, content: u.content as string }));
    }
    if (r.type === CONFIG_MAP) {
      const content = r.props.data?.[path.posix.basename(rulesFile)];
      return typeof content === "string" ? [{ source: r.name, content }] : [];
    }
    return [];
  });
}

function memoryAlerts(content: string): MemoryAlert[] {
  const doc = (parse(content) ?? {}) as { groups?: { rules?: { alert?: string; expr?: string; labels?: Record<string, string> }[] }[] };
  return (doc.groups ?? []).flatMap((g) =>
    (g.rules ?? [])
      .filter((r) => r.alert === ALERT.highMemory || r.alert === ALERT.criticalMemory)
      .map((r) => {
        const match = />\s*([0-9.eE+-]+)\s*$/.exec(String(r.expr ?? ""));
        return { alert: r.alert!, service: r.labels?.service, threshold: match ? Number(match[1]) : undefined };
      }),
  );
}

const sameRatio = (a: number, b: number) => Math.abs(a - b) < 1e-9;

export const memoryAlertThresholds: StackValidationPolicy = {
  name: "memory-alert-thresholds",
  description: "Every service with a memory limit has memory alerts at the runbook's warning and critical thresholds.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      warningPercent: {
        type: "number",
        exclusiveMinimum: 0,
        maximum: 100,
        description: "Memory use of the limit at which HighMemoryUsage fires (runbook: 90).",
        default: DEFAULT_THRESHOLDS.memoryWarningPercent,
      },
      criticalPercent: {
        type: "number",
        exclusiveMinimum: 0,
        maximum: 100,
        description: "Memory use of the limit at which CriticalMemoryUsage fires (runbook: 95).",
        default: DEFAULT_THRESHOLDS.memoryCriticalPercent,
      },
      rulesFile: { type: "string", minLength: 1, description: "Path of the rendered alert rules file.", default: ALERT_RULES_PATH },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<AlertConfig>();
    const services = new Set<string>();
    for (const r of args.resources) {
      const pod = podOf(r.type, r.props);
      if (pod?.service && podMemory(pod, "memoryLimit") !== undefined) services.add(pod.service);
    }
    if (services.size === 0) args.notApplicable("No service in the stack has a memory limit");
    const files = ruleFiles(args.resources, config.rulesFile);
    if (files.length === 0) {
      report(`no alert rules file ${config.rulesFile} is deployed; render the memory alerts (prometheus.alerts) into it`);
      return;
    }
    const alerts = files.flatMap((f) => memoryAlerts(f.content));
    const expected = [
      { alert: ALERT.highMemory, percent: config.warningPercent, key: "memoryWarningPercent" },
      { alert: ALERT.criticalMemory, percent: config.criticalPercent, key: "memoryCriticalPercent" },
    ];
    for (const service of [...services].sort()) {
      for (const e of expected) {
        const found = alerts.filter((a) => a.alert === e.alert && a.service === service);
        const ratio = e.percent / 100;
        if (found.length === 0) {
          report(`service ${service} has a memory limit but no ${e.alert} alert; add it to the alert rules with label service="${service}"`);
        }
        for (const a of found.filter((x) => x.threshold === undefined || !sameRatio(x.threshold, ratio))) {
          report(
            `service ${service}: ${e.alert} fires at ${a.threshold === undefined ? "an unreadable threshold" : `${+(a.threshold * 100).toFixed(6)}%`}, ` +
              `not ${e.percent}%; set mcp-superserver:prometheus.alerts.${e.key} to ${e.percent}`,
          );
        }
      }
    }
  },
};
