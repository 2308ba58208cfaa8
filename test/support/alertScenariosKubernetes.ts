/**
 * promtool cases for the rules the prod (Kubernetes) stack renders: the same alerts as on Docker
 * with the kubelet's cAdvisor labels (`namespace`, `pod`, `container`) and discovered hub pods,
 * plus the kube-state-metrics and volume alerts only Kubernetes has.
 */
import type { AlertCase } from "./alertCase";

const MiB = 1024 ** 2;
const memory = (pod: string, container: string, limitBytes: number, workingSetBytes: number) => [
  { series: `container_memory_working_set_bytes{namespace="mcp",pod="${pod}",container="${container}"}`, values: `${workingSetBytes}x20` },
  { series: `container_spec_memory_limit_bytes{namespace="mcp",pod="${pod}",container="${container}"}`, values: `${limitBytes}x20` },
];
const KSM = 'job="kube-state-metrics",instance="kube-state-metrics:8080",namespace="mcp"';
const VOLUME = 'job="kubelet",instance="kubernetes.default.svc:443",namespace="mcp",persistentvolumeclaim="data-neo4j-0"';
const GiB = 1024 ** 3;
/** kubelet volume stats: capacity 100 GiB, available falling by `perStep` GiB a step from `startFree`. */
const volume = (startFree: number, perStep: number, steps: number) => [
  { series: `kubelet_volume_stats_capacity_bytes{${VOLUME}}`, values: `${100 * GiB}x${steps}` },
  { series: `kubelet_volume_stats_available_bytes{${VOLUME}}`, values: `${startFree * GiB}-${perStep * GiB}x${steps}` },
  { series: `kubelet_volume_stats_used_bytes{${VOLUME}}`, values: `${(100 - startFree) * GiB}+${perStep * GiB}x${steps}` },
];
/** A 6h trend and a 1h `for`: 10m steps keep the run short. */
const VOLUME_TIMING = { interval: "10m", evaluationInterval: "10m" };
const HUB_POD = (pod: string, values: string) => ({
  series: `up{job="mcp-hub",instance="10.0.1.7:3000",namespace="mcp",pod="${pod}",node="ip-10-0-1-7",service="mcp-hub"}`,
  values,
});

/** A dcgm-exporter series as Prometheus stores it: DCGM's labels plus the pod job's. */
const GPU = 'job="dcgm-exporter",instance="10.0.3.12:9400",namespace="mcp-node",pod="dcgm-exporter-x2v9q",node="ip-10-0-3-12",service="dcgm-exporter",gpu="0",UUID="GPU-5a1e",device="nvidia0",modelName="NVIDIA A10G",Hostname="ip-10-0-3-12"';
const GPU_LABELS = {
  job: "dcgm-exporter",
  instance: "10.0.3.12:9400",
  namespace: "mcp-node",
  pod: "dcgm-exporter-x2v9q",
  node: "ip-10-0-3-12",
  service: "dcgm-exporter",
  gpu: "0",
  UUID: "GPU-5a1e",
  device: "nvidia0",
  modelName: "NVIDIA A10G",
  Hostname: "ip-10-0-3-12",
};
const framebuffer = (usedMiB: number, freeMiB: number) => [
  { series: `DCGM_FI_DEV_FB_USED{${GPU}}`, values: `${usedMiB}x20` },
  { series: `DCGM_FI_DEV_FB_FREE{${GPU}}`, values: `${freeMiB}x20` },
];

export const KUBERNETES_CASES: AlertCase[] = [
  {
    alert: "GPUMemoryNearlyFull",
    title: "fires after 15m with 99.88% of the framebuffer used",
    interval: "1m",
    series: framebuffer(23000, 28),
    evalTime: "16m",
    expected: [
      {
        labels: { severity: "warning", ...GPU_LABELS },
        summary: "GPU memory is nearly full",
        description: "GPU 0 on ip-10-0-3-12 uses 99.88% of its memory (warning above 95%); models no longer fit and Ollama falls back to CPU.",
      },
    ],
  },
  {
    alert: "GPUMemoryNearlyFull",
    title: "stays quiet at 86.85%",
    interval: "1m",
    series: framebuffer(20000, 3028),
    evalTime: "16m",
    expected: [],
  },
  {
    alert: "GPUXidError",
    title: "fires on an XID 79 (GPU fallen off the bus) seen in the last 5m",
    interval: "1m",
    series: [{ series: `DCGM_FI_DEV_XID_ERRORS{${GPU}}`, values: "0 0 79 0 0" }],
    evalTime: "4m",
    expected: [
      {
        labels: { severity: "critical", ...GPU_LABELS },
        summary: "The GPU reported an XID error",
        description: "GPU 0 on ip-10-0-3-12 reported XID 79; see NVIDIA's XID catalogue (e.g. 48 double-bit ECC, 79 fallen off the bus).",
      },
    ],
  },
  {
    alert: "GPUXidError",
    title: "stays quiet without XID errors",
    interval: "1m",
    series: [{ series: `DCGM_FI_DEV_XID_ERRORS{${GPU}}`, values: "0x10" }],
    evalTime: "4m",
    expected: [],
  },
  {
    alert: "MCPHubDown",
    title: "fires when every discovered hub pod fails its scrapes",
    interval: "1m",
    series: [HUB_POD("mcp-hub-7d9f-abcde", "1 0x5"), HUB_POD("mcp-hub-7d9f-fghij", "1 0x5")],
    evalTime: "2m",
    expected: [
      {
        labels: { severity: "critical", job: "mcp-hub" },
        summary: "MCP hub is down",
        description: "0 replicas of mcp-hub answer scrapes; every CLI client is failing.",
      },
    ],
  },
  {
    alert: "MCPHubDown",
    title: "stays quiet while one pod answers",
    interval: "1m",
    series: [HUB_POD("mcp-hub-7d9f-abcde", "1x5"), HUB_POD("mcp-hub-7d9f-fghij", "1 0x5")],
    evalTime: "3m",
    expected: [],
  },
  {
    alert: "CriticalMemoryUsage",
    title: "fires for the Neo4j pod at 95.31% of its limit",
    interval: "1m",
    series: memory("neo4j-0", "neo4j", 8192 * MiB, 7808 * MiB),
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "critical", pod: "neo4j-0", service: "neo4j" },
        summary: "neo4j is about to be OOM-killed",
        description: "neo4j-0 uses 95.31% of its memory limit (critical above 95%).",
      },
    ],
  },
  {
    alert: "CriticalMemoryUsage",
    title: "fires once, as the backup, for a backup pod's `neo4j` container (not also as neo4j)",
    interval: "1m",
    series: memory("neo4j-backup-29000000-x7k2p", "neo4j", 1024 * MiB, 1000 * MiB),
    evalTime: "3m",
    expected: [
      {
        labels: { severity: "critical", pod: "neo4j-backup-29000000-x7k2p", service: "backup" },
        summary: "backup is about to be OOM-killed",
        description: "neo4j-backup-29000000-x7k2p uses 97.66% of its memory limit (critical above 95%).",
      },
    ],
  },
  {
    alert: "CriticalMemoryUsage",
    title: "stays quiet at 94.53%",
    interval: "1m",
    series: memory("neo4j-0", "neo4j", 8192 * MiB, 7744 * MiB),
    evalTime: "3m",
    expected: [],
  },
  {
    alert: "HighMemoryUsage",
    title: "fires per hub pod, each with its own pod label",
    interval: "1m",
    series: [...memory("mcp-hub-7d9f-abcde", "hub", 512 * MiB, 480 * MiB), ...memory("mcp-hub-7d9f-fghij", "hub", 512 * MiB, 100 * MiB)],
    evalTime: "6m",
    expected: [
      {
        labels: { severity: "warning", pod: "mcp-hub-7d9f-abcde", service: "mcp-hub" },
        summary: "mcp-hub memory is near its limit",
        description: "mcp-hub-7d9f-abcde uses 93.75% of its memory limit (warning above 90%).",
      },
    ],
  },
  {
    alert: "HighMemoryUsage",
    title: "stays quiet at 89.84%",
    interval: "1m",
    series: memory("mcp-hub-7d9f-abcde", "hub", 512 * MiB, 460 * MiB),
    evalTime: "6m",
    expected: [],
  },
  {
    alert: "HighCPUUsage",
    title: "fires for an Ollama pod using 95% of its CPU limit for 15m",
    interval: "1m",
    series: [
      { series: 'container_cpu_usage_seconds_total{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "0+57x30" },
      { series: 'container_spec_cpu_quota{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "100000x30" },
      { series: 'container_spec_cpu_period{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "100000x30" },
    ],
    evalTime: "20m",
    expected: [
      {
        labels: { severity: "warning", pod: "ollama-5c8d-qwert", service: "ollama" },
        summary: "ollama is using most of its CPU limit",
        description: "ollama-5c8d-qwert uses 95% of its CPU limit (warning above 90%); it is being throttled.",
      },
    ],
  },
  {
    alert: "HighCPUUsage",
    title: "stays quiet at 88%",
    interval: "1m",
    series: [
      { series: 'container_cpu_usage_seconds_total{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "0+52.8x30" },
      { series: 'container_spec_cpu_quota{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "100000x30" },
      { series: 'container_spec_cpu_period{namespace="mcp",pod="ollama-5c8d-qwert",container="ollama"}', values: "100000x30" },
    ],
    evalTime: "20m",
    expected: [],
  },
  {
    alert: "KubePodCrashLooping",
    title: "fires after 15m in CrashLoopBackOff",
    interval: "1m",
    series: [{ series: `kube_pod_container_status_waiting_reason{${KSM},pod="neo4j-0",container="neo4j",reason="CrashLoopBackOff"}`, values: "1x30" }],
    evalTime: "16m",
    expected: [
      {
        labels: { severity: "warning", job: "kube-state-metrics", instance: "kube-state-metrics:8080", namespace: "mcp", pod: "neo4j-0", container: "neo4j", reason: "CrashLoopBackOff" },
        summary: "Pod is crash looping.",
        description: 'Pod mcp/neo4j-0 (neo4j) is in waiting state (reason: "CrashLoopBackOff").',
      },
    ],
  },
  {
    alert: "KubePodCrashLooping",
    title: "stays quiet while only creating the container",
    interval: "1m",
    series: [{ series: `kube_pod_container_status_waiting_reason{${KSM},pod="neo4j-0",container="neo4j",reason="ContainerCreating"}`, values: "1x30" }],
    evalTime: "16m",
    expected: [],
  },
  {
    alert: "KubeContainerOOMKilled",
    title: "fires on a restart whose last termination was OOMKilled",
    interval: "1m",
    series: [
      { series: `kube_pod_container_status_restarts_total{${KSM},pod="neo4j-0",container="neo4j"}`, values: "0x10 1x10" },
      { series: `kube_pod_container_status_last_terminated_reason{${KSM},pod="neo4j-0",container="neo4j",reason="OOMKilled"}`, values: "_x10 1x10" },
    ],
    evalTime: "12m",
    expected: [
      {
        labels: { severity: "warning", job: "kube-state-metrics", instance: "kube-state-metrics:8080", namespace: "mcp", pod: "neo4j-0", container: "neo4j" },
        summary: "A container was OOM-killed",
        description: "Container neo4j of pod mcp/neo4j-0 was restarted after running out of memory.",
      },
    ],
  },
  {
    alert: "KubeContainerOOMKilled",
    title: "stays quiet when the restart was a plain error exit",
    interval: "1m",
    series: [
      { series: `kube_pod_container_status_restarts_total{${KSM},pod="neo4j-0",container="neo4j"}`, values: "0x10 1x10" },
      { series: `kube_pod_container_status_last_terminated_reason{${KSM},pod="neo4j-0",container="neo4j",reason="Error"}`, values: "_x10 1x10" },
    ],
    evalTime: "12m",
    expected: [],
  },
  {
    alert: "KubeContainerRestarting",
    title: "fires after 3 restarts within 15m",
    interval: "1m",
    series: [{ series: `kube_pod_container_status_restarts_total{${KSM},pod="mcp-hub-7d9f-abcde",container="hub"}`, values: "0 1 2 3 3x10" }],
    evalTime: "5m",
    expected: [
      {
        labels: { severity: "warning", job: "kube-state-metrics", instance: "kube-state-metrics:8080", namespace: "mcp", pod: "mcp-hub-7d9f-abcde", container: "hub" },
        summary: "A container keeps restarting",
        description: "Container hub of pod mcp/mcp-hub-7d9f-abcde restarted 3 times in the last 15m (warning at 3).",
      },
    ],
  },
  {
    alert: "KubeContainerRestarting",
    title: "stays quiet after one restart",
    interval: "1m",
    series: [{ series: `kube_pod_container_status_restarts_total{${KSM},pod="mcp-hub-7d9f-abcde",container="hub"}`, values: "0 1 1x10" }],
    evalTime: "5m",
    expected: [],
  },
  {
    alert: "KubePersistentVolumeFillingUp",
    title: "fires critical with 2% free",
    ...VOLUME_TIMING,
    series: volume(2, 0, 10),
    evalTime: "20m",
    expected: [
      {
        labels: { severity: "critical", job: "kubelet", instance: "kubernetes.default.svc:443", namespace: "mcp", persistentvolumeclaim: "data-neo4j-0" },
        summary: "PersistentVolume is filling up.",
        description: "The PersistentVolume claimed by data-neo4j-0 in Namespace mcp is only 2% free.",
      },
    ],
  },
  {
    alert: "KubePersistentVolumeFillingUp",
    title: "fires warning with 11.3% free and falling towards full within four days",
    ...VOLUME_TIMING,
    series: volume(14, 0.05, 60),
    evalTime: "9h",
    expected: [
      {
        labels: { severity: "warning", job: "kubelet", instance: "kubernetes.default.svc:443", namespace: "mcp", persistentvolumeclaim: "data-neo4j-0" },
        summary: "PersistentVolume is filling up.",
        description:
          "Based on recent sampling, the PersistentVolume claimed by data-neo4j-0 in Namespace mcp is expected to fill up within four days. Currently 11.3% is available.",
      },
    ],
  },
  {
    alert: "KubePersistentVolumeFillingUp",
    title: "stays quiet with 10% free that is not shrinking",
    ...VOLUME_TIMING,
    series: volume(10, 0, 60),
    evalTime: "9h",
    expected: [],
  },
];
