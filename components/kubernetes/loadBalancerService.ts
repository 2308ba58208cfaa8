/**
 * The nginx Service as an NLB of the AWS Load Balancer Controller (LBC), with pod IPs as targets.
 * Annotation names and values: the LBC's docs at the pinned version (kubernetes-sigs/
 * aws-load-balancer-controller v3.5.0, docs/guide/service/nlb.md and annotations.md).
 */
import type { Json } from "./types";

/** The LBC reconciles a Service of this class; the in-tree cloud controller ignores any Service with a class. */
export const NLB_LOAD_BALANCER_CLASS = "service.k8s.aws/nlb";

/**
 * `external` hands the Service to the LBC (also for a cluster whose in-tree controller predates
 * loadBalancerClass); `ip` registers pod IPs, so traffic skips kube-proxy and a second node hop.
 * The LBC's default scheme is internal: internet-facing must be asked for. With TCP and IP targets
 * the NLB hides client addresses unless `preserve_client_ip.enabled=true` (nlb.md, "Protocols"),
 * so nginx and the NetworkPolicies see the real client. Cross-zone load balancing through the
 * current attribute annotation (the old `...-cross-zone-load-balancing-enabled` is deprecated).
 */
export function nlbAnnotations(internal: boolean): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": internal ? "internal" : "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
    "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
  };
}

/**
 * Service spec fields of the NLB. externalTrafficPolicy Cluster: with IP targets kube-proxy is not
 * in the path, and under Local the documented health check default moves to the node health-check
 * port, which pod-IP targets do not serve (annotations.md, healthcheck-port). No NodePorts: only
 * instance targets use them (annotations.md, nlb-target-type), and unallocated they open nothing on the nodes.
 */
export function nlbServiceSpec(): Json {
  return { loadBalancerClass: NLB_LOAD_BALANCER_CLASS, externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: false };
}

/**
 * With IP targets a rollout can replace nginx pods faster than the NLB registers the new ones,
 * leaving only initial or draining targets (docs/deploy/pod_readiness_gate.md). On a namespace
 * with this label the controller's pod webhook adds a readiness gate to the Service's pods, so a
 * pod counts as ready only once its target is healthy. The webhook ignores its own failures
 * (chart: podMutatorWebhookConfig.failurePolicy Ignore): pods are still created while it is down.
 */
export const NLB_READINESS_GATE_LABEL = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } as const;
