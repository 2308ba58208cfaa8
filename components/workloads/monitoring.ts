import type { StackConfig } from "../config/schema";
import { HUB_METRICS_CONTRACTS } from "../contracts/hub";
import { renderAlertRules, type AlertRulesInput } from "../render/alertRules";
import { renderAlertmanagerConfig, type ReceiverName } from "../render/alertmanager";
import { probeNeedsToken } from "../config/rules/edge";
import { renderBlackboxConfig } from "../render/blackbox";
import { nginxExporterArgs } from "./nginxExporter";
import { renderPrometheusConfig, type PrometheusInput } from "../render/prometheus";
import { httpCheck, resourceSpec } from "./common";
import { BACKUP_METRICS_VOLUME, PORT, SERVICE, type KubernetesProbes, type Workload } from "./types";
import { SECRETS_DIR } from "./secretFiles";
import { CADVISOR_CAPABILITIES } from "../contracts/capabilities";
import { ALERTMANAGER_CONFIG_PATH, ALERT_RULES_PATH, PROMETHEUS_CONFIG_PATH } from "../contracts/monitoringPaths";

/** node_exporter's textfile directory, where the backup job reports its last success. */
export const TEXTFILE_DIR = "/textfile";

export interface MonitoringFiles {
  prometheus: Omit<PrometheusInput, "scrapeInterval" | "evaluationInterval" | "ruleFiles">;
  rules: Omit<AlertRulesInput, "thresholds" | "runbookUrl" | "hubContract">;
}

/**
 * Kubernetes probes as the Prometheus Operator sets them (prometheus-operator, pkg/prometheus/promcfg.go,
 * BuildProbes): readiness on /-/ready; liveness on /-/healthy, which answers during a WAL replay
 * while /-/ready does not, so a long replay is not killed; startup on /-/ready for 60 x 15 s.
 */
export const PROMETHEUS_PROBES: KubernetesProbes = {
  startup: { periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 60 },
  readiness: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
  liveness: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 6, probe: { http: { path: "/-/healthy", port: 9090 } } },
};

/** The operator's DefaultTerminationGracePeriodSeconds (pkg/prometheus/common.go): time to write the head block. */
export const PROMETHEUS_STOP_GRACE_SECONDS = 600;

export function prometheusWorkload(cfg: StackConfig, files: MonitoringFiles): Workload {
  const p = cfg.prometheus;
  const config = renderPrometheusConfig({
    ...files.prometheus,
    scrapeInterval: p.scrapeInterval,
    evaluationInterval: p.evaluationInterval,
    ruleFiles: [ALERT_RULES_PATH],
  });
  const rules = renderAlertRules({ ...files.rules, thresholds: p.alerts, runbookUrl: p.runbookUrl, hubContract: HUB_METRICS_CONTRACTS[cfg.hub.metricsContract] });
  return {
    name: SERVICE.prometheus,
    role: "prometheus",
    image: { ref: p.image },
    replicas: 1,
    args: [
      `--config.file=${PROMETHEUS_CONFIG_PATH}`,
      "--storage.tsdb.path=/prometheus",
      `--storage.tsdb.retention.time=${p.retention}`,
      "--web.enable-lifecycle",
    ],
    ports: [{ name: "http", port: 9090, publish: p.port }],
    env: {},
    secretEnv: {},
    resources: resourceSpec(p.resources),
    healthCheck: httpCheck(9090, "/-/ready", { startPeriodSeconds: 30, kubernetes: PROMETHEUS_PROBES }),
    stopGraceSeconds: PROMETHEUS_STOP_GRACE_SECONDS,
    volumes: [{ name: "prometheus-data", mountPath: "/prometheus", sizeBytes: p.storage }],
    files: [
      { name: "prometheus.yml", mountPath: PROMETHEUS_CONFIG_PATH, content: config },
      { name: "alert-rules.yml", mountPath: ALERT_RULES_PATH, content: rules },
    ],
    secretFiles: [],
    gpus: 0,
  };
}

/** The receivers that have a URL configured; their URLs are secrets named `receiver-<name>`. */
export function configuredReceivers(cfg: StackConfig): ReceiverName[] {
  return (["paging", "chat", "watchdog"] as const).filter((r) => cfg.alertmanager.receivers[r].url);
}

/**
 * Alertmanager's config embeds webhook URLs, which carry tokens: with any receiver set, the
 * whole file is a secret (a secret file in the workload), rendered once the URLs are known.
 */
export function alertmanagerConfig(cfg: StackConfig, urls: Partial<Record<ReceiverName, string>>): string {
  const a = cfg.alertmanager;
  return renderAlertmanagerConfig({
    receivers: urls,
    groupWait: a.groupWait,
    groupInterval: a.groupInterval,
    repeatInterval: a.repeatInterval,
  });
}

/**
 * With any receiver set the config file is a secret; `alwaysSecret` (Kubernetes) keeps it in a
 * Secret even before, so adding a receiver never moves it from a ConfigMap to a Secret.
 */
export function alertmanagerWorkload(cfg: StackConfig, opts: { alwaysSecret: boolean }): Workload {
  const a = cfg.alertmanager;
  const secretConfig = opts.alwaysSecret || configuredReceivers(cfg).length > 0;
  return {
    name: SERVICE.alertmanager,
    role: "alertmanager",
    image: { ref: a.image },
    replicas: 1,
    args: [`--config.file=${ALERTMANAGER_CONFIG_PATH}`, "--storage.path=/alertmanager"],
    ports: [{ name: "http", port: 9093, publish: a.port }],
    env: {},
    secretEnv: {},
    resources: resourceSpec(a.resources),
    healthCheck: httpCheck(9093, "/-/ready"),
    volumes: [{ name: "alertmanager-data", mountPath: "/alertmanager", sizeBytes: a.storage }],
    files: secretConfig ? [] : [{ name: "alertmanager.yml", mountPath: ALERTMANAGER_CONFIG_PATH, content: alertmanagerConfig(cfg, {}) }],
    secretFiles: secretConfig ? [{ name: "alertmanager.yml", mountPath: ALERTMANAGER_CONFIG_PATH, secret: "alertmanager-config" }] : [],
    gpus: 0,
  };
}

/**
 * Small fixed sizes: exporters hold no data and barely use CPU. Memory requests are half the
 * limits, the most the policy pack lets a limit overcommit its request.
 */
const EXPORTER_RESOURCES = {
  limits: { cpu: 200, memory: 128 * 1024 ** 2 },
  requests: { cpu: 50, memory: 64 * 1024 ** 2 },
};

/** A small stateless exporter-like service: one port, an HTTP health path, no secrets. */
function smallService(w: Pick<Workload, "name" | "role" | "args" | "files"> & Partial<Pick<Workload, "secretFiles">> & { image: string; port: number; healthPath: string }): Workload {
  return {
    name: w.name,
    role: w.role,
    image: { ref: w.image },
    replicas: 1,
    args: w.args,
    ports: [{ name: "http", port: w.port }],
    env: {},
    secretEnv: {},
    resources: resourceSpec(EXPORTER_RESOURCES),
    healthCheck: httpCheck(w.port, w.healthPath),
    volumes: [],
    files: w.files,
    secretFiles: w.secretFiles ?? [],
    gpus: 0,
  };
}

export function blackboxWorkload(cfg: StackConfig): Workload {
  const probe = probeNeedsToken(cfg);
  return smallService({
    name: SERVICE.blackbox,
    role: "blackbox-exporter",
    image: cfg.prometheus.exporters.blackbox.image,
    args: ["--config.file=/etc/blackbox_exporter/blackbox.yml"],
    port: PORT.blackbox,
    healthPath: "/-/healthy",
    files: [{ name: "blackbox.yml", mountPath: "/etc/blackbox_exporter/blackbox.yml", content: renderBlackboxConfig(cfg.ollama.models, probe ? PROBE_TOKEN_PATH : undefined) }],
    secretFiles: probe ? [{ name: "probe-token", mountPath: PROBE_TOKEN_PATH, secret: "probe-token" }] : [],
  });
}

/** The client-path probe's token (a client of its own, PROBE_CLIENT), when /health needs one. */
const PROBE_TOKEN_PATH = `${SECRETS_DIR}/probe-token`;

/**
 * nginx-prometheus-exporter on Docker: its own container reading nginx's stub_status port over
 * the stack network (on Kubernetes it is a sidecar reading 127.0.0.1). The image has no shell
 * or wget, so Docker gets no health check; Prometheus' `up` for the job says whether it works.
 */
export function nginxExporterWorkload(cfg: StackConfig): Workload {
  return {
    ...smallService({
      name: SERVICE.nginxExporter,
      role: "nginx-exporter",
      image: cfg.prometheus.exporters.nginx.image,
      args: nginxExporterArgs(SERVICE.loadBalancer),
      port: PORT.nginxExporter,
      healthPath: "/metrics",
      files: [],
    }),
    healthCheck: undefined,
  };
}

/**
 * kube-state-metrics (Kubernetes target) limited to pods of the stack's namespaces (its
 * `--resources` and `--namespaces` flags): restarts, waiting and last-terminated reasons, what
 * KubePodCrashLooping and KubeContainerOOMKilled read. `/healthz` answers on the metrics port.
 */
export function kubeStateMetricsWorkload(cfg: StackConfig, namespaces: string[]): Workload {
  return smallService({
    name: SERVICE.kubeStateMetrics,
    role: "kube-state-metrics",
    image: cfg.prometheus.exporters.kubeStateMetrics.image,
    args: ["--resources=pods", `--namespaces=${namespaces.join(",")}`, `--port=${PORT.kubeStateMetrics}`, `--telemetry-port=${PORT.kubeStateMetricsTelemetry}`],
    port: PORT.kubeStateMetrics,
    healthPath: "/healthz",
    files: [],
  });
}

/**
 * NVIDIA dcgm-exporter (Kubernetes target, one per GPU node): serves the default counters
 * (NVIDIA/dcgm-exporter `etc/default-counters.csv`) on :9400, among them framebuffer use and the
 * last XID error. It requests no GPU: `NVIDIA_VISIBLE_DEVICES=all` makes the NVIDIA container
 * runtime (the GPU nodes' default runtime) expose every GPU read-only to it, as its Helm chart
 * does. DCGM's embedded host engine needs more memory than the other exporters.
 */
export function gpuExporterWorkload(cfg: StackConfig): Workload {
  return {
    ...smallService({
      name: SERVICE.gpuExporter,
      role: "gpu-exporter",
      image: cfg.prometheus.exporters.dcgm.image,
      args: [],
      port: PORT.gpuExporter,
      healthPath: "/health",
      files: [],
    }),
    env: { NVIDIA_VISIBLE_DEVICES: "all" },
    resources: { limits: { cpu: 500, memory: 512 * 1024 ** 2 }, requests: { cpu: 100, memory: 256 * 1024 ** 2 } },
  };
}

/** Where the Pushgateway keeps what was pushed to it, on its own volume. */
export const PUSHGATEWAY_DATA_DIR = "/data";

/**
 * Pushgateway: holds the metric a short-lived job (the Kubernetes backup) pushes, for Prometheus to scrape.
 * Without `--persistence.file` it keeps pushed metrics only in memory (prometheus/pushgateway
 * README "Run it", main.go: default "", `--persistence.interval` default 5m), so a restart would
 * lose the backup's last success until the next run. With it, the file is loaded at start, written
 * at most once per interval after a push (storage/diskmetricstore.go: a temporary file in the same
 * directory, then a rename, so the directory must be writable) and once more on SIGTERM. The
 * prometheus-community chart mounts the same path and suggests the 5m default; 1m narrows what a
 * crash or node loss right after a push can lose, for one tiny write a minute at most.
 */
export function pushgatewayWorkload(cfg: StackConfig): Workload {
  return {
    ...smallService({
      name: SERVICE.pushgateway,
      role: "pushgateway",
      image: cfg.prometheus.exporters.pushgateway.image,
      args: [
        `--web.listen-address=:${PORT.pushgateway}`,
        `--persistence.file=${PUSHGATEWAY_DATA_DIR}/pushgateway.data`,
        "--persistence.interval=1m",
      ],
      port: PORT.pushgateway,
      healthPath: "/-/ready",
      files: [],
    }),
    // A few pushed groups take kilobytes; 1 GiB is the smallest gp3 volume.
    volumes: [{ name: "pushgateway-data", mountPath: PUSHGATEWAY_DATA_DIR, sizeBytes: 1024 ** 3 }],
  };
}

/**
 * node_exporter for disk space. On Docker it also publishes the backup job's last success from
 * a shared textfile directory; on Kubernetes the job pushes to a Pushgateway instead.
 */
export function nodeExporterWorkload(cfg: StackConfig, opts: { textfile: boolean }): Workload {
  return {
    name: SERVICE.nodeExporter,
    role: "node-exporter",
    image: { ref: cfg.prometheus.exporters.nodeExporter.image },
    replicas: 1,
    args: ["--path.rootfs=/host", ...(opts.textfile ? [`--collector.textfile.directory=${TEXTFILE_DIR}`] : [])],
    ports: [{ name: "http", port: PORT.nodeExporter }],
    env: {},
    secretEnv: {},
    resources: resourceSpec(EXPORTER_RESOURCES),
    healthCheck: httpCheck(PORT.nodeExporter, "/"),
    volumes: opts.textfile ? [{ name: BACKUP_METRICS_VOLUME, mountPath: TEXTFILE_DIR, sizeBytes: 1024 ** 2 }] : [],
    files: [],
    secretFiles: [],
    gpus: 0,
    host: { mounts: [{ hostPath: "/", mountPath: "/host", readOnly: true }], pidHost: true },
  };
}

/** cAdvisor: per-container memory and CPU against their limits (Docker target). */
export function cadvisorWorkload(cfg: StackConfig): Workload {
  return {
    name: SERVICE.cadvisor,
    role: "cadvisor",
    capabilities: CADVISOR_CAPABILITIES,
    image: { ref: cfg.prometheus.exporters.cadvisor.image },
    replicas: 1,
    args: ["--docker_only=true", "--housekeeping_interval=15s", "--store_container_labels=false"],
    ports: [{ name: "http", port: PORT.cadvisor }],
    env: {},
    secretEnv: {},
    resources: {
      limits: { cpu: 500, memory: 256 * 1024 ** 2 },
      requests: { cpu: 100, memory: 128 * 1024 ** 2 },
    },
    healthCheck: httpCheck(PORT.cadvisor, "/healthz"),
    volumes: [],
    files: [],
    secretFiles: [],
    gpus: 0,
    host: {
      mounts: [
        { hostPath: "/", mountPath: "/rootfs", readOnly: true },
        { hostPath: "/var/run", mountPath: "/var/run", readOnly: true },
        { hostPath: "/sys", mountPath: "/sys", readOnly: true },
        { hostPath: "/var/lib/docker", mountPath: "/var/lib/docker", readOnly: true },
        { hostPath: "/dev/disk", mountPath: "/dev/disk", readOnly: true },
      ],
      // Not privileged: google/cadvisor docs/running.md runs it with these read-only mounts and
      // no --privileged; the README's example adds --privileged with --device=/dev/kmsg, and the
      // maintainers' review of that example (#2553, #2554) says the device alone serves OOM
      // events while --privileged is for perf and GPU (NVML) metrics, which this stack does not
      // collect. SELinux hosts (RHEL) may still refuse the reads (#2493); Docker Desktop and
      // Debian/Ubuntu hosts do not confine containers with SELinux.
      devices: [{ hostPath: "/dev/kmsg", permissions: "r" }],
    },
  };
}
