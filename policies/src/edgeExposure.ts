/**
 * Guardrail: a Service the internet can reach terminates TLS and says how clients authenticate.
 *
 * Internet-facing: type LoadBalancer without `service.beta.kubernetes.io/aws-load-balancer-scheme:
 * internal` (the AWS Load Balancer Controller's annotation, "Service annotations" page; its default
 * scheme is internal, but the in-tree cloud provider's is internet-facing, so an unset scheme
 * counts as internet-facing) and without the legacy `service.beta.kubernetes.io/aws-load-balancer-internal`.
 * TLS: an ACM certificate on the listener (`service.beta.kubernetes.io/aws-load-balancer-ssl-cert`,
 * honoured by both controllers), or every exposed port named `https` (TLS terminated by the pods).
 * Client credentials: the Service declares them with `mcp-superserver/client-auth: bearer`, which
 * the stack sets when nginx requires bearer tokens (README, the policy pack table).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

export const SERVICE_TYPE = "kubernetes:core/v1:Service";

export const ANNOTATION = {
  scheme: "service.beta.kubernetes.io/aws-load-balancer-scheme",
  legacyInternal: "service.beta.kubernetes.io/aws-load-balancer-internal",
  sslCert: "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
  clientAuth: "mcp-superserver/client-auth",
} as const;

/** The client authentication schemes the edge implements. */
export const CLIENT_AUTH_SCHEMES = ["bearer"];

interface ServiceProps {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { type?: string; ports?: { name?: string; port?: number }[] };
}

export function internetFacing(s: ServiceProps): boolean {
  const a = s.metadata?.annotations ?? {};
  return s.spec?.type === "LoadBalancer" && a[ANNOTATION.scheme] !== "internal" && a[ANNOTATION.legacyInternal] !== "true";
}

/** What an internet-facing Service lacks: "TLS", "client credentials", both or none. */
export function edgeGaps(s: ServiceProps): string[] {
  const a = s.metadata?.annotations ?? {};
  const ports = s.spec?.ports ?? [];
  const tls = (typeof a[ANNOTATION.sslCert] === "string" && a[ANNOTATION.sslCert].trim() !== "") || (ports.length > 0 && ports.every((p) => p.name === "https"));
  const auth = CLIENT_AUTH_SCHEMES.includes(a[ANNOTATION.clientAuth]);
  return [...(tls ? [] : ["TLS"]), ...(auth ? [] : ["client credentials"])];
}

export const internetFacingServiceSecured: ResourceValidationPolicy = {
  name: "internet-facing-service-secured",
  description: "A Service reachable from the internet terminates TLS and requires client credentials.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, report) => {
    if (args.type !== SERVICE_TYPE) args.notApplicable("Policy only applies to Kubernetes Services");
    const s = args.props as ServiceProps;
    if (!internetFacing(s)) args.notApplicable("The Service is not an internet-facing load balancer");
    const gaps = edgeGaps(s);
    if (gaps.length === 0) return;
    const name = `Service ${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? args.name}`;
    const fixes = [
      ...(gaps.includes("TLS") ? [`TLS (an ACM certificate in the ${ANNOTATION.sslCert} annotation, or every port named https)`] : []),
      ...(gaps.includes("client credentials") ? [`client credentials (bearer tokens in nginx, declared by ${ANNOTATION.clientAuth}: bearer)`] : []),
    ];
    report(
      `${name} is an internet-facing load balancer without ${gaps.join(" or ")}; give it ${fixes.join(" and ")}, or make it internal (${ANNOTATION.scheme}: internal)`,
    );
  },
};
