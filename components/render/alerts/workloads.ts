/**
 * Crashes, OOM kills, restarts and volume fill: what happens to a container after the memory
 * alerts, and what nothing else watches. Each target reads what it exports:
 *  - Docker: cAdvisor's `container_oom_events_total` (its `oom_event` metric set, on by default)
 *    and `container_start_time_seconds`, which changes on every restart of the same container.
 *  - Kubernetes: kube-state-metrics and the kubelet's volume stats, with the names, expressions and
 *    thresholds of kubernetes-monitoring/kubernetes-mixin (`alerts/apps_alerts.libsonnet`,
 *    `alerts/storage_alerts.libsonnet`). The mixin's `unless` clauses for ReadOnlyMany claims and
 *    `excluded_from_alerts` labels are left out: this stack has neither.
 */
import { CADVISOR, KUBELET, KUBE_STATE_METRICS } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain, type AlertRule, type WorkloadHealthInput } from "./domain";

/** Restarts within 15 minutes that mean a container is crash looping rather than restarted once. */
export const RESTARTS_IN_15M = 3;

function dockerRules(selector: string): AlertRule[] {
  return [
    {
      alert: "ContainerOOMKilled",
      expr: `increase(${CADVISOR.oomEventsTotal}{${selector}}[10m]) > 0`,
      for: "0m",
      severity: "warning",
      summary: "A container was OOM-killed",
      description: 'Container {{ $labels.name }} was killed for running out of memory {{ printf "%.0f" $value }} times in the last 10m.',
    },
    {
      alert: "ContainerRestarting",
      expr: `changes(${CADVISOR.startTimeSeconds}{${selector}}[15m]) >= ${RESTARTS_IN_15M}`,
      for: "0m",
      severity: "warning",
      summary: "A container keeps restarting",
      description: `Container {{ $labels.name }} restarted {{ $value }} times in the last 15m (warning at ${RESTARTS_IN_15M}).`,
    },
  ];
}

function kubernetesRules(i: Extract<WorkloadHealthInput, { kind: "kubernetes" }>): AlertRule[] {
  const ns = `namespace=~"${i.namespaces.join("|")}"`;
  const ksm = `${ns}, job="${i.kubeStateMetricsJob}"`;
  const kubelet = `${ns}, job="${i.kubeletJob}"`;
  const free = `(${KUBELET.volumeAvailableBytes}{${kubelet}} / ${KUBELET.volumeCapacityBytes}{${kubelet}})`;
  const used = `${KUBELET.volumeUsedBytes}{${kubelet}} > 0`;
  const pvcDescription = "The PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in Namespace {{ $labels.namespace }}";
  return [
    {
      alert: "KubePodCrashLooping",
      expr: `max_over_time(${KUBE_STATE_METRICS.containerWaitingReason}{reason="CrashLoopBackOff", ${ksm}}[5m]) >= 1`,
      for: "15m",
      severity: "warning",
      summary: "Pod is crash looping.",
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in waiting state (reason: "CrashLoopBackOff").',
    },
    {
      // Not in the mixin: a restart whose last termination was an OOM kill.
      alert: "KubeContainerOOMKilled",
      expr:
        `(${KUBE_STATE_METRICS.containerRestartsTotal}{${ksm}} - ${KUBE_STATE_METRICS.containerRestartsTotal}{${ksm}} offset 10m >= 1)` +
        ` and ignoring (reason) min_over_time(${KUBE_STATE_METRICS.containerLastTerminatedReason}{reason="OOMKilled", ${ksm}}[10m]) == 1`,
      for: "0m",
      severity: "warning",
      summary: "A container was OOM-killed",
      description: "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was restarted after running out of memory.",
    },
    {
      // Not in the mixin (it dropped its rate-based crash loop alert): restarts the kubelet's
      // back-off may not show as CrashLoopBackOff yet.
      alert: "KubeContainerRestarting",
      expr: `increase(${KUBE_STATE_METRICS.containerRestartsTotal}{${ksm}}[15m]) >= ${RESTARTS_IN_15M}`,
      for: "0m",
      severity: "warning",
      summary: "A container keeps restarting",
      description: `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in the last 15m (warning at ${RESTARTS_IN_15M}).`,
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      expr: `${free} < 0.03 and ${used}`,
      for: "1m",
      severity: "critical",
      summary: "PersistentVolume is filling up.",
      description: `${pvcDescription} is only {{ $value | humanizePercentage }} free.`,
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      expr: `${free} < 0.15 and ${used} and predict_linear(${KUBELET.volumeAvailableBytes}{${kubelet}}[6h], 4 * 24 * 3600) < 0`,
      for: "1h",
      severity: "warning",
      summary: "PersistentVolume is filling up.",
      description: `Based on recent sampling, ${pvcDescription.charAt(0).toLowerCase()}${pvcDescription.slice(1)} is expected to fill up within four days. Currently {{ $value | humanizePercentage }} is available.`,
    },
  ];
}

export const WORKLOAD_ALERTS: AlertDomain = {
  name: "workloads",
  groups: ({ workloadHealth: w }) => {
    if (!w) return [];
    return w.kind === "docker"
      ? [{ group: groupName("containers"), rules: dockerRules(w.containerSelector) }]
      : [{ group: groupName("kubernetes"), rules: kubernetesRules(w) }];
  },
  inhibitions: [],
};
