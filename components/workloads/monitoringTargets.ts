/**
 * What Prometheus scrapes and probes, and which jobs the alert rules watch, as a function of
 * addresses. Docker passes service names, Kubernetes its Service DNS names, the live test
 * 127.0.0.1 ports: all render the same jobs, so the rules' job names always match.
 */
import { HUB_PATH } from "../contracts/hub";
import { BLACKBOX_MODULE } from "../render/blackbox";
import type { ContainerTarget, WorkloadHealthInput } from "../render/alerts/domain";
import type { ProbeJob, StaticJob } from "../render/prometheus";
import type { MonitoringFiles } from "./monitoring";
import { PORT, SERVICE } from "./types";

export const JOB = {
  hub: SERVICE.hub,
  hubHealthProbe: "probe-hub-health",
  neo4jProbe: "probe-neo4j",
  ollamaProbe: "probe-ollama",
  /** The hub through nginx, as CLI clients call it. */
  clientProbe: "probe-hub-lb",
  neo4jMetrics: SERVICE.neo4j,
  prometheus: SERVICE.prometheus,
  alertmanager: SERVICE.alertmanager,
} as const;

export interface MonitoredAddresses {
  /** host:port of every hub replica; its deep `/health` is probed through blackbox too. */
  hubReplicas: string[];
  /** host:port of Neo4j's Bolt port, probed over TCP. */
  neo4jBolt: string;
  /** host:port of Neo4j's Prometheus endpoint; only Enterprise has one. */
  neo4jMetrics?: string;
  /** URL of Ollama's model list (`/api/tags`), probed over HTTP for the configured models. */
  ollamaUrl: string;
  /** URL of the hub's readiness through the load balancer, as clients reach it. */
  hubThroughLoadBalancer: string;
  /** host:port of blackbox_exporter. */
  blackbox: string;
  /** host:port of Alertmanager. */
  alertmanager: string;
  /** Other targets scraped as they are (Prometheus itself, exporters), by job name. */
  others: Record<string, string[]>;
}

/**
 * Addresses by service name, which both targets' DNS answers (Docker's network, a Kubernetes
 * namespace), given the hub targets and the scrape jobs only one target has.
 */
export function addressesByServiceName(
  neo4jMetrics: boolean,
  hubReplicas: string[],
  extraJobs: Record<string, string[]>,
): MonitoredAddresses {
  return {
    hubReplicas,
    neo4jBolt: `${SERVICE.neo4j}:${PORT.neo4jBolt}`,
    ...(neo4jMetrics ? { neo4jMetrics: `${SERVICE.neo4j}:${PORT.neo4jMetrics}` } : {}),
    ollamaUrl: `http://${SERVICE.ollama}:${PORT.ollama}/api/tags`,
    // The hub's dependency-free readiness: probed through nginx it fails exactly when no client
    // request can reach a hub, not when Neo4j or Ollama are down (their own alerts say so).
    hubThroughLoadBalancer: `http://${SERVICE.loadBalancer}:${PORT.nginxHttp}${HUB_PATH.ready}`,
    blackbox: `${SERVICE.blackbox}:${PORT.blackbox}`,
    alertmanager: `${SERVICE.alertmanager}:9093`,
    others: {
      [SERVICE.prometheus]: [`localhost:${PORT.prometheus}`],
      [SERVICE.alertmanager]: [`${SERVICE.alertmanager}:9093`],
      [SERVICE.blackbox]: [`${SERVICE.blackbox}:${PORT.blackbox}`],
      ...extraJobs,
    },
  };
}

/** How container series are told apart on the target (cAdvisor on Docker, the kubelet on Kubernetes). */
export interface ContainerView {
  containers: ContainerTarget[];
  containerLabel: string;
  diskSelector: string;
  workloadHealth: WorkloadHealthInput;
}

export function monitoringFiles(a: MonitoredAddresses, view: ContainerView, externalLabels: Record<string, string>): MonitoringFiles {
  const jobs: StaticJob[] = [
    { job: JOB.hub, targets: a.hubReplicas, labels: { service: SERVICE.hub } },
    ...(a.neo4jMetrics ? [{ job: JOB.neo4jMetrics, targets: [a.neo4jMetrics], labels: { service: SERVICE.neo4j } }] : []),
    ...Object.entries(a.others).map(([job, targets]) => ({ job, targets })),
  ];
  const hubHealth = a.hubReplicas.map((r) => `http://${r}${HUB_PATH.deepHealth}`);
  const probes: ProbeJob[] = [
    ...(hubHealth.length ? [{ job: JOB.hubHealthProbe, module: BLACKBOX_MODULE.hubHealth, targets: hubHealth, exporter: a.blackbox, labels: { service: SERVICE.hub } }] : []),
    { job: JOB.neo4jProbe, module: BLACKBOX_MODULE.bolt, targets: [a.neo4jBolt], exporter: a.blackbox, labels: { service: SERVICE.neo4j } },
    { job: JOB.ollamaProbe, module: BLACKBOX_MODULE.ollamaModels, targets: [a.ollamaUrl], exporter: a.blackbox, labels: { service: SERVICE.ollama } },
    {
      job: JOB.clientProbe,
      module: BLACKBOX_MODULE.http,
      targets: [a.hubThroughLoadBalancer],
      exporter: a.blackbox,
      labels: { service: SERVICE.loadBalancer },
    },
  ];
  return {
    prometheus: { externalLabels, alertmanagers: [a.alertmanager], jobs, probes },
    rules: {
      hubJob: JOB.hub,
      hubHealthProbeJob: JOB.hubHealthProbe,
      neo4jProbeJob: JOB.neo4jProbe,
      ollamaProbeJob: JOB.ollamaProbe,
      ...(a.neo4jMetrics ? { neo4jMetricsJob: JOB.neo4jMetrics } : {}),
      ...view,
      selfMonitoring: { prometheusJob: JOB.prometheus, alertmanagerJob: JOB.alertmanager },
      // The hub's deep health is probed on both targets (discovered per pod on Kubernetes).
      probes: { clientProbeJob: JOB.clientProbe, probeJobs: [JOB.hubHealthProbe, ...probes.map((p) => p.job).filter((j) => j !== JOB.hubHealthProbe)] },
    },
  };
}

/** The job scraping nginx-prometheus-exporter, on both targets. */
export const NGINX_JOB = "nginx";

/** Filesystems whose free space matters: everything but pseudo and overlay filesystems. */
export const DISK_SELECTOR = 'fstype!~"tmpfs|overlay|squashfs|nsfs|fuse.*"';
