/**
 * What the nginx Service tells the AWS Load Balancer Controller about the edge: a TLS listener
 * with the ACM certificate, and whether nginx checks client tokens. Pure: no Pulumi here.
 *
 * The NLB terminates TLS and forwards plain TCP to nginx's container port 8080: every Service
 * port equals its container port (the VPC CNI's NetworkPolicies need it, kubernetes/objects.ts),
 * so the TLS listener is on 8080 and clients connect to https://<NLB host>:8080.
 * Annotation names and values: AWS Load Balancer Controller, "Service annotations" (TLS section):
 * `aws-load-balancer-ssl-cert` (certificate ARNs), `aws-load-balancer-ssl-ports` (the frontend
 * ports with TLS listeners, "*" when absent: we name ours), `aws-load-balancer-ssl-negotiation-policy`
 * (the ELB security policy; the controller's default ELBSecurityPolicy-2016-08 still accepts TLS 1.0).
 */
import { edgeTerminatesTls } from "../config/rules/edge";
import type { StackConfig } from "../config/schema";
import { PORT } from "../workloads/types";

export const TLS_ANNOTATION = {
  certificate: "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
  ports: "service.beta.kubernetes.io/aws-load-balancer-ssl-ports",
  policy: "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy",
} as const;

/** Set whenever nginx enforces bearer tokens: the policy pack's "client credentials" contract. */
export const CLIENT_AUTH_ANNOTATION = "mcp-superserver/client-auth";

/** The nginx Service's TLS and client-auth annotations, spread into the load balancer's others. */
export function edgeAnnotations(cfg: StackConfig): Record<string, string> {
  const lb = cfg.loadBalancer;
  const tls: Record<string, string> =
    edgeTerminatesTls(cfg) && lb.tls.certificateArn !== undefined
      ? { [TLS_ANNOTATION.certificate]: lb.tls.certificateArn, [TLS_ANNOTATION.ports]: String(PORT.nginxHttp), [TLS_ANNOTATION.policy]: lb.tls.policy }
      : {};
  return { ...tls, ...(lb.auth.enabled ? { [CLIENT_AUTH_ANNOTATION]: "bearer" } : {}) };
}

/** The Service's loadBalancerSourceRanges, when the config narrows who may connect. */
export function edgeSourceRanges(cfg: StackConfig): { loadBalancerSourceRanges: string[] } | Record<string, never> {
  const ranges = cfg.loadBalancer.sourceRanges;
  return ranges && cfg.loadBalancer.serviceType === "LoadBalancer" ? { loadBalancerSourceRanges: ranges } : {};
}
