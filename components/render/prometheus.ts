/**
 * prometheus.yml: what is scraped, where rules live and where alerts go. Targets are inputs,
 * so the same renderer serves Docker (static service names), Kubernetes and tests (127.0.0.1).
 */
import { stringify } from "yaml";

export interface StaticJob {
  job: string;
  targets: string[];
  metricsPath?: string;
  /** Labels added to every series of the job (e.g. `service`). */
  labels?: Record<string, string>;
}

/** A blackbox probe: the exporter checks each target with a module and reports `probe_success`. */
export interface ProbeJob {
  job: string;
  module: string;
  targets: string[];
  /** host:port of blackbox_exporter. */
  exporter: string;
  labels?: Record<string, string>;
}

/**
 * A job whose targets Prometheus discovers from the Kubernetes API (kubernetes_sd_configs),
 * shaped by relabelling; for pods that come and go (hub replicas, nginx) and for nodes.
 */
export interface KubernetesSdJob {
  job: string;
  role: "pod" | "node" | "endpoints" | "service";
  namespaces?: string[];
  scheme?: "http" | "https";
  metricsPath?: string;
  /** Authenticate with the pod's service-account token and trust the cluster CA (the API server proxy). */
  inClusterAuth?: boolean;
  /** URL parameters of every scrape (a blackbox probe's `module`). */
  params?: Record<string, string[]>;
  relabelConfigs: Record<string, unknown>[];
}

export interface PrometheusInput {
  scrapeInterval: string;
  evaluationInterval: string;
  externalLabels: Record<string, string>;
  ruleFiles: string[];
  alertmanagers: string[];
  jobs: StaticJob[];
  probes: ProbeJob[];
  kubernetesJobs?: KubernetesSdJob[];
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function kubernetesJob(j: KubernetesSdJob) {
  return {
    job_name: j.job,
    ...(j.scheme ? { scheme: j.scheme } : {}),
    ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
    ...(j.params ? { params: j.params } : {}),
    ...(j.inClusterAuth
      ? { authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` }, tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt` } }
      : {}),
    kubernetes_sd_configs: [{ role: j.role, ...(j.namespaces ? { namespaces: { names: j.namespaces } } : {}) }],
    relabel_configs: j.relabelConfigs,
  };
}

function staticJob(j: StaticJob) {
  return {
    job_name: j.job,
    ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
    static_configs: [{ targets: j.targets, ...(j.labels ? { labels: j.labels } : {}) }],
  };
}

function probeJob(p: ProbeJob) {
  return {
    job_name: p.job,
    metrics_path: "/probe",
    params: { module: [p.module] },
    static_configs: [{ targets: p.targets, ...(p.labels ? { labels: p.labels } : {}) }],
    // The target becomes the probe's ?target= parameter and the `instance` label; the scrape
    // itself goes to the exporter.
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: p.exporter },
    ],
  };
}

export function renderPrometheusConfig(i: PrometheusInput): string {
  const config = {
    global: {
      scrape_interval: i.scrapeInterval,
      evaluation_interval: i.evaluationInterval,
      external_labels: i.externalLabels,
    },
    rule_files: i.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: i.alertmanagers }] }] },
    scrape_configs: [...i.jobs.map(staticJob), ...(i.kubernetesJobs ?? []).map(kubernetesJob), ...i.probes.map(probeJob)],
  };
  return `# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.\n${stringify(config)}`;
}
