/**
 * How each service the prod stack runs is placed on Kubernetes: its controller, rollout, disruption
 * budget, Service and pod extras. A `Record` over the Kubernetes services of the registry, so a
 * new service does not compile until it says how it runs here. Pure.
 */
import type { StackConfig } from "../config/schema";
import type { KubernetesServiceKey } from "../services";
import { edgeAnnotations, edgeSourceRanges } from "./edgeTls";
import { nlbAnnotations, nlbServiceSpec } from "./loadBalancerService";
import { KUBE_STATE_METRICS_SERVICE_ACCOUNT, PROMETHEUS_SERVICE_ACCOUNT, nginxExporterSidecar } from "./monitoring";
import type { WorkloadPlan } from "./plan";
import { containerSecurityContext } from "./security";

/** The runbook waits 30 s for in-flight requests; before that, 10 s for endpoints and nginx to stop sending. */
export const HUB_DRAIN = { preStopSeconds: 10, inFlightSeconds: 30 } as const;

export function servicePlans(cfg: StackConfig, nodeNamespace: string): Record<KubernetesServiceKey, WorkloadPlan> {
  const base = { namespace: cfg.kubernetes.namespace, storageClass: cfg.kubernetes.storageClass };
  const nlb = cfg.loadBalancer.serviceType === "LoadBalancer";
  const single = { kind: "Deployment" as const, ...base, service: { type: "ClusterIP" as const } };
  const stateful = { ...base, kind: "StatefulSet" as const, service: { type: "ClusterIP" as const } };
  return {
    hub: {
      ...base,
      kind: "Deployment",
      strategy: "rolling",
      drain: HUB_DRAIN,
      hpa: { ...cfg.hub.autoscaling },
      pdb: { minAvailable: Math.max(1, cfg.hub.autoscaling.minReplicas - 1) },
      spread: true,
      service: { type: "ClusterIP" },
      headlessService: true,
    },
    // The cluster autoscaler never drains Neo4j's node to save a node: a move is a stop of the
    // database and its volume's reattachment (cluster-autoscaler FAQ, "What types of pods can prevent CA from removing a node?").
    neo4j: { ...stateful, podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } },
    ollama: { ...single, strategy: "recreate", gpuNode: true },
    loadBalancer: {
      ...base,
      kind: "Deployment",
      strategy: "rolling",
      spread: true,
      pdb: { maxUnavailable: 1 },
      service: {
        type: cfg.loadBalancer.serviceType,
        portNames: ["http"],
        annotations: { ...(nlb ? nlbAnnotations(cfg.loadBalancer.internal) : undefined), ...edgeAnnotations(cfg) },
        spec: { ...(nlb ? nlbServiceSpec() : {}), ...edgeSourceRanges(cfg) },
      },
      sidecars: [nginxExporterSidecar(cfg.prometheus.exporters.nginx.image, containerSecurityContext(true))],
    },
    prometheus: { ...stateful, serviceAccount: PROMETHEUS_SERVICE_ACCOUNT },
    alertmanager: stateful,
    grafana: stateful,
    blackbox: single,
    // Its persistence volume is ReadWriteOnce: the old pod must let go of it before the new one starts.
    pushgateway: { ...single, strategy: "recreate" },
    kubeStateMetrics: { ...single, serviceAccount: KUBE_STATE_METRICS_SERVICE_ACCOUNT },
    nodeExporter: { ...base, namespace: nodeNamespace, kind: "DaemonSet", everyNode: true },
    gpuExporter: { ...base, namespace: nodeNamespace, kind: "DaemonSet", gpuNode: true },
  };
}
