/** Free space of the filesystems that hold data (node_exporter), node-mixin style: a warning and a critical level. */
import { NODE_EXPORTER } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain, type AlertRule, type AlertRulesInput } from "./domain";

function diskRules(i: AlertRulesInput): AlertRule[] {
  const t = i.thresholds;
  const free = `${NODE_EXPORTER.filesystemAvailBytes}{${i.diskSelector}} / ${NODE_EXPORTER.filesystemSizeBytes}{${i.diskSelector}} * 100`;
  return [
    {
      alert: "LowDiskSpace",
      expr: `${free} < ${t.diskFreeWarningPercent}`,
      for: "10m",
      severity: "warning",
      summary: "Disk space is low",
      description: `{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% free (warning below ${t.diskFreeWarningPercent}%).`,
    },
    {
      alert: "CriticalDiskSpace",
      expr: `${free} < ${t.diskFreeCriticalPercent}`,
      for: "5m",
      severity: "critical",
      summary: "Disk is almost full",
      description: `{{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% free (critical below ${t.diskFreeCriticalPercent}%).`,
    },
  ];
}

export const STORAGE_ALERTS: AlertDomain = {
  name: "storage",
  groups: (i) => [{ group: groupName("storage"), rules: diskRules(i) }],
  inhibitions: [{ source: "CriticalDiskSpace", targets: ["LowDiskSpace"], equal: ["instance", "mountpoint"] }],
};
