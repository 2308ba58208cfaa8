/**
 * Crashes, OOM kills, restarts and volume fill: what happens to a container after the memory
 * alerts, and what nothing else watches. Each target reads what it exports:
 *  - Docker: cAdvisor's `container_oom_events_total` (its `oom_event` metric set, on by default)
 *    and `container_start_time_seconds`, which changes on every restart of the same container.
 *  - Kubernetes: kube-state-metrics and the kubelet's volume stats, with the names, expressions and
 *    thresholds of kubernetes-monitoring/kubernetes-mixin (`alerts/apps_alerts.libsonnet`,
 *    `alerts/storage_alerts.libsonnet`). The mixin's `unless` clauses for ReadOnlyMany claims and
 *    `excluded_from_alerts` labels are left out: this stack has neither.
 *  - The GPU node: NVIDIA dcgm-exporter's default counters (`etc/default-counters.csv`):
 *    `DCGM_FI_DEV_FB_USED`/`_FREE` (MiB) and `DCGM_FI_DEV_XID_ERRORS` (the last XID seen).
 */
import type { AlertRule } from "./alertRule";

export type WorkloadHealthInput =
  | { kind: "docker"; containerSelector: string }
  | { kind: "kubernetes"; namespaces: string[]; kubeStateMetricsJob: string; kubeletJob: string; gpuJob?: string };

/** Restarts within 15 minutes that mean a container is crash looping rather than restarted once. */
export const RESTARTS_IN_15M = 3;

function dockerRules(selector: string): AlertRule[] {
  return [
    {
      alert: "ContainerOOMKilled",
      expr: `increase(container_oom_events_total{${selector}}[10m]) > 0`,
      for: "0m",
      severity: "warning",
      summary: "A container was OOM-killed",
      description: 'Container {{ $labels.name }} was killed for running out of memory {{ printf "%.0f" $value }} times in the last 10m.',
    },
    {
      alert: "ContainerRestarting",
      expr: `changes(container_start_time_seconds{${selector}}[15m]) >= ${RESTARTS_IN_15M}`,
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
  const free = `(kubelet_volume_stats_available_bytes{${kubelet}} / kubelet_volume_stats_capacity_bytes{${kubelet}})`;
  const used = `kubelet_volume_stats_used_bytes{${kubelet}} > 0`;
  const pvcDescription = "The PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in Namespace {{ $labels.namespace }}";
  return [
    {
      alert: "KubePodCrashLooping",
      expr: `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${ksm}}[5m]) >= 1`,
      for: "15m",
      severity: "warning",
      summary: "Pod is crash looping.",
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in waiting state (reason: "CrashLoopBackOff").',
    },
    {
      // Not in the mixin: a restart whose last termination was an OOM kill.
      alert: "KubeContainerOOMKilled",
      expr:
        `(kube_pod_container_status_restarts_total{${ksm}} - kube_pod_container_status_restarts_total{${ksm}} offset 10m >= 1)` +
        ` and ignoring (reason) min_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled", ${ksm}}[10m]) == 1`,
      for: "0m",
      severity: "warning",
      summary: "A container was OOM-killed",
      description: "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was restarted after running out of memory.",
    },
    {
      // Not in the mixin (it dropped its rate-based crash loop alert): restarts the kubelet's
      // back-off may not show as CrashLoopBackOff yet.
      alert: "KubeContainerRestarting",
      expr: `increase(kube_pod_container_status_restarts_total{${ksm}}[15m]) >= ${RESTARTS_IN_15M}`,
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
      expr: `${free} < 0.15 and ${used} and predict_linear(kubelet_volume_stats_available_bytes{${kubelet}}[6h], 4 * 24 * 3600) < 0`,
      for: "1h",
      severity: "warning",
      summary: "PersistentVolume is filling up.",
      description: `Based on recent sampling, ${pvcDescription.charAt(0).toLowerCase()}${pvcDescription.slice(1)} is expected to fill up within four days. Currently {{ $value | humanizePercentage }} is available.`,
    },
  ];
}

/** GPU framebuffer share at which Ollama cannot load another model next to the resident ones. */
export const GPU_MEMORY_WARNING = 0.95;

function gpuRules(job: string): AlertRule[] {
  const sel = `job="${job}"`;
  return [
    {
      alert: "GPUMemoryNearlyFull",
      expr: `DCGM_FI_DEV_FB_USED{${sel}} / (DCGM_FI_DEV_FB_USED{${sel}} + DCGM_FI_DEV_FB_FREE{${sel}}) > ${GPU_MEMORY_WARNING}`,
      for: "15m",
      severity: "warning",
      summary: "GPU memory is nearly full",
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} uses {{ $value | humanizePercentage }} of its memory (warning above ${GPU_MEMORY_WARNING * 100}%); models no longer fit and Ollama falls back to CPU.`,
    },
    {
      alert: "GPUXidError",
      // The gauge holds the last XID seen; max_over_time keeps one between two scrapes.
      expr: `max_over_time(DCGM_FI_DEV_XID_ERRORS{${sel}}[5m]) > 0`,
      for: "0m",
      severity: "critical",
      summary: "The GPU reported an XID error",
      description: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $value }}; see NVIDIA's XID catalogue (e.g. 48 double-bit ECC, 79 fallen off the bus).",
    },
  ];
}

export function workloadHealthGroups(i: WorkloadHealthInput): { group: string; rules: AlertRule[] }[] {
  if (i.kind === "docker") return [{ group: "mcp-superserver.containers", rules: dockerRules(i.containerSelector) }];
  return [
    { group: "mcp-superserver.kubernetes", rules: kubernetesRules(i) },
    ...(i.gpuJob ? [{ group: "mcp-superserver.gpu", rules: gpuRules(i.gpuJob) }] : []),
  ];
}
