/**
 * The load balancer's edge: TLS at the NLB (Kubernetes target), client credentials checked by
 * nginx, a per-client rate limit and the networks allowed to connect. The keys live under
 * `loadBalancer` (schema.ts); how they combine is checked in rules/edge.ts.
 */
import { z } from "zod";

/**
 * AWS's recommended NLB TLS policy: TLS 1.3 with TLS 1.2 for older clients ("Security policies
 * for your Network Load Balancer", Elastic Load Balancing docs: ELBSecurityPolicy-TLS13-1-2-2021-06
 * is the recommended policy, the default of the console; other clients get ELBSecurityPolicy-2016-08,
 * which still accepts TLS 1.0).
 */
export const DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** An ACM certificate in any AWS partition: arn:<partition>:acm:<region>:<account>:certificate/<id>. */
const ACM_CERTIFICATE_ARN = /^arn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/;

/** A client name: a DNS label (it names a token output and an nginx rate-limit key). */
const CLIENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const edgeTlsSchema = z
  .strictObject({
    mode: z
      .enum(["nlb", "none"])
      .describe(
        "Kubernetes target: nlb: the NLB terminates TLS with `loadBalancer.tls.certificateArn` and forwards plain TCP to nginx; none: plain HTTP, allowed only with `loadBalancer.internal: true` or a serviceType other than LoadBalancer. The Docker target always serves plain HTTP on `docker.bindAddress`.",
      )
      .default("nlb"),
    certificateArn: z
      .string()
      .regex(ACM_CERTIFICATE_ARN, "is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>")
      .describe("Kubernetes target, mode nlb: the ACM certificate the NLB's TLS listener presents (in the cluster's region).")
      .optional(),
    policy: z
      .string()
      .regex(/^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)[A-Za-z0-9-]+$/, "is not an ELB security policy that refuses TLS 1.0 and 1.1; use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06")
      .describe("Kubernetes target, mode nlb: the NLB's TLS security policy (TLS 1.2 and later only).")
      .default(DEFAULT_TLS_POLICY),
  })
  .prefault({});

export const clientAuthSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .describe(
        "nginx requires `Authorization: Bearer <token>` on the MCP routes (both targets: on Docker any local process or web page could otherwise drive the hub's tools).",
      )
      .default(true),
    clients: z
      .array(z.string().regex(CLIENT_NAME, "is not a client name; use a DNS label: a-z, 0-9 and -, at most 63 characters, e.g. claude-cli"))
      .min(1)
      .describe("Named clients, one generated token each (the `clientTokens` secret output); removing a name revokes its token.")
      .default(["operator"]),
    rotation: z
      .record(z.string(), z.string().min(1))
      .describe("Per client, any text: changing it generates that client's token anew (the old one stops working on the next deploy).")
      .default({}),
    healthPublic: z
      .boolean()
      .describe(
        "`/health` and `/health/*` answer without a token, so load-balancer checks, the monitoring probe through nginx and operators keep working; false requires a token there too.",
      )
      .default(true),
    rate: z
      .string()
      .regex(/^[1-9]\d*r\/[sm]$/, "is not an nginx rate; use forms like 20r/s or 600r/m")
      .describe("Requests per client each nginx replica lets through (limit_req_zone rate); above it and the burst a client gets 429.")
      .default("20r/s"),
    burst: z
      .number()
      .int()
      .min(0)
      .max(100000)
      .describe("Requests per client above the rate let through at once (limit_req burst, nodelay): room for many sessions starting together.")
      .default(200),
  })
  .prefault({});

export const sourceRangesSchema = z
  .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "is not an IPv4 CIDR; use forms like 203.0.113.0/24"))
  .min(1)
  .describe("Kubernetes target, serviceType LoadBalancer: networks allowed to connect to the NLB (the Service's loadBalancerSourceRanges); unset: anywhere.")
  .optional();
