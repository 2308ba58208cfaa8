/**
 * The two network policies of the pack on the prod synth: "internet-facing-service-secured" on
 * fixtures made from the synth's nginx Service (internet-facing with and without TLS and client
 * credentials, internal), and "namespace-default-deny" on the synth as declared (it passes) and on
 * copies with the default deny of a namespace removed or weakened.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { changed, checkPolicies, messages, prodResources } from "../support/policyRuns";

const NGINX = "mcp-lb-service-nginx";
const NODE_DENY = "mcp-node-policy-networkpolicy-default-deny";
const MAIN_DENY = "mcp-policy-networkpolicy-default-deny";
const EDGE = "internet-facing-service-secured";
const ISOLATION = "namespace-default-deny";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

let prod: RecordedResource[];
beforeAll(async () => {
  prod = await prodResources();
});

/** The prod nginx Service without what declares TLS and client credentials (plain HTTP, no token check). */
const bare = () =>
  changed(prod, NGINX, (i) => {
    const { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": _cert, "mcp-superserver/client-auth": _auth, ...rest } = i.metadata.annotations;
    i.metadata.annotations = rest;
  });

const withAnnotations = (annotations: Record<string, string>, edit: (i: Record<string, any>) => void = () => {}) =>
  changed(bare(), NGINX, (i) => {
    i.metadata.annotations = { ...i.metadata.annotations, ...annotations };
    edit(i);
  });

const edge = async (resources: RecordedResource[]) => messages(await checkPolicies(resources, "prod"), EDGE);

const FIX_TLS = "TLS (an ACM certificate in the service.beta.kubernetes.io/aws-load-balancer-ssl-cert annotation, or every port named https)";
const FIX_AUTH = "client credentials (bearer tokens in nginx, declared by mcp-superserver/client-auth: bearer)";
const INTERNAL = "or make it internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal)";

describe(`${EDGE}: fixtures from the prod nginx Service`, () => {
  it("passes the committed prod synth (TLS at the NLB, bearer tokens in nginx)", async () => {
    expect(await edge(prod)).toEqual([]);
  });

  it("refuses an internet-facing Service with neither TLS nor client credentials", async () => {
    const r = await checkPolicies(bare(), "prod");
    expect(r.violations.filter((v) => v.policy === EDGE).map((v) => `${v.resource} ${v.enforcementLevel}`)).toEqual([`${NGINX} mandatory`]);
    expect(messages(r, EDGE)).toEqual([`Service mcp/nginx is an internet-facing load balancer without TLS or client credentials; give it ${FIX_TLS} and ${FIX_AUTH}, ${INTERNAL}`]);
  });

  it("refuses TLS without client credentials, and credentials without TLS", async () => {
    expect(await edge(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": CERT }))).toEqual([
      `Service mcp/nginx is an internet-facing load balancer without client credentials; give it ${FIX_AUTH}, ${INTERNAL}`,
    ]);
    expect(await edge(withAnnotations({ "mcp-superserver/client-auth": "bearer" }))).toEqual([
      `Service mcp/nginx is an internet-facing load balancer without TLS; give it ${FIX_TLS}, ${INTERNAL}`,
    ]);
  });

  it("refuses an empty certificate, a scheme it does not know, and https beside a plain port", async () => {
    const gaps = async (resources: RecordedResource[]) => (await edge(resources)).map((m) => m.replace(/;.*/, ""));
    expect(await gaps(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": " ", "mcp-superserver/client-auth": "bearer" }))).toEqual([
      "Service mcp/nginx is an internet-facing load balancer without TLS",
    ]);
    expect(await gaps(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": CERT, "mcp-superserver/client-auth": "basic" }))).toEqual([
      "Service mcp/nginx is an internet-facing load balancer without client credentials",
    ]);
    const mixed = withAnnotations({ "mcp-superserver/client-auth": "bearer" }, (i) => i.spec.ports.push({ name: "https", port: 8443, targetPort: 8443, protocol: "TCP" }));
    expect(await gaps(mixed)).toEqual(["Service mcp/nginx is an internet-facing load balancer without TLS"]);
    // An explicit internet-facing scheme (the AWS Load Balancer Controller's) is still internet-facing.
    expect(await gaps(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" }))).toEqual([
      "Service mcp/nginx is an internet-facing load balancer without TLS or client credentials",
    ]);
  });

  it("passes TLS by certificate or by https ports, with bearer client credentials", async () => {
    expect(await edge(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": CERT, "mcp-superserver/client-auth": "bearer" }))).toEqual([]);
    const httpsOnly = withAnnotations({ "mcp-superserver/client-auth": "bearer" }, (i) => (i.spec.ports = [{ name: "https", port: 8443, targetPort: 8443, protocol: "TCP" }]));
    expect(await edge(httpsOnly)).toEqual([]);
  });

  it("does not apply to an internal load balancer (either annotation) or a ClusterIP Service", async () => {
    expect(await edge(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }))).toEqual([]);
    expect(await edge(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }))).toEqual([]);
    expect(await edge(changed(prod, NGINX, (i) => (i.spec.type = "ClusterIP")))).toEqual([]);
    const r = await checkPolicies(withAnnotations({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }), "prod");
    expect(r.notApplicable.filter((n) => n.policy === EDGE && n.resource === NGINX).map((n) => n.reason)).toEqual(["The Service is not an internet-facing load balancer"]);
  });
});

describe(`${ISOLATION}: the prod synth and copies without a default deny`, () => {
  const isolation = async (resources: RecordedResource[]) => messages(await checkPolicies(resources, "prod"), ISOLATION);
  const missing = (ns: string) =>
    `namespace ${ns} has no default-deny NetworkPolicy; add one in it with podSelector: {}, policyTypes: [Ingress, Egress] and no rules, then allow each connection its pods need`;

  it("passes the prod synth: both namespaces (mcp, mcp-node) start from a default deny", async () => {
    const r = await checkPolicies(prod, "prod");
    expect(r.violations.filter((v) => v.policy === ISOLATION)).toEqual([]);
    expect(r.notApplicable.filter((n) => n.policy === ISOLATION)).toEqual([]);
    expect(prod.filter((x) => x.type === "kubernetes:core/v1:Namespace").map((x) => (x.inputs as any).metadata.name).sort()).toEqual(["mcp", "mcp-node"]);
  });

  it("names the node namespace when its default deny is gone", async () => {
    const r = await checkPolicies(
      prod.filter((x) => x.name !== NODE_DENY),
      "prod",
    );
    expect(r.violations.filter((v) => v.policy === ISOLATION).map((v) => `${v.resource} ${v.enforcementLevel}`)).toEqual(["mcp-namespace-namespace-mcp-node mandatory"]);
    expect(messages(r, ISOLATION)).toEqual([missing("mcp-node")]);
  });

  it.each([
    ["selects only some pods", (s: any) => (s.podSelector = { matchLabels: { "app.kubernetes.io/component": "hub" } })],
    ["selects by expression", (s: any) => (s.podSelector = { matchExpressions: [{ key: "a", operator: "Exists" }] })],
    ["isolates ingress only", (s: any) => (s.policyTypes = ["Ingress"])],
    ["isolates egress only", (s: any) => (s.policyTypes = ["Egress"])],
    ["allows an ingress rule", (s: any) => (s.ingress = [{}])],
    ["allows an egress rule", (s: any) => (s.egress = [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }])],
  ])("refuses a 'default deny' that %s", async (_, edit) => {
    expect(await isolation(changed(prod, MAIN_DENY, (i) => edit(i.spec)))).toEqual([missing("mcp")]);
  });

  it("refuses a default deny in another namespace than the one it should cover", async () => {
    expect(await isolation(changed(prod, NODE_DENY, (i) => (i.metadata.namespace = "mcp")))).toEqual([missing("mcp-node")]);
  });

  it("passes a default deny written with empty rule lists and an empty matchLabels", async () => {
    const explicit = changed(prod, NODE_DENY, (i) => Object.assign(i.spec, { podSelector: { matchLabels: {} }, ingress: [], egress: [] }));
    expect(await isolation(explicit)).toEqual([]);
  });
});
