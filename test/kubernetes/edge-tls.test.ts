/**
 * The edge on the synths: TLS at the NLB with the configured ACM certificate, the client-auth
 * annotation the policy pack reads, the source ranges, and one secret token per client, as the
 * program sends them (Pulumi mocks). And the config rules: an internet-facing prod NLB always
 * has TLS; plain HTTP only when the config says so, and then only internal.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig, rawConfigFromPulumi } from "../../components/config/parse";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import { workloadObjects } from "../../components/kubernetes/objects";
import { isSecretMarker, PROJECT, type MockRun } from "../../scripts/lib/mockEngine";
import { readPulumiConfigFile } from "../../scripts/lib/stackConfigFile";
import { byName, inputsOf, k8sObjects, runProd } from "../support/mockStack";
import { ROOT } from "../support/repo";
import { configProblems } from "../support/configProblems";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const ARN = TEST_CERTIFICATE_ARN;
/** nginx's tokens file holds each token's SHA-256 (hex), computed here with node's own crypto. */
const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
const OTHER_ARN = "arn:aws:acm:eu-west-1:444455556666:certificate/12345678-90ab-cdef-1234-567890abcdef";
const prodRaw = (loadBalancer: Record<string, unknown>) => ({
  target: "kubernetes",
  loadBalancer: { replicas: 2, ...loadBalancer },
  alertmanager: { pagingDisabled: true },
  cluster: { endpointAccess: "private" },
});

/** The nginx Service as the Kubernetes description renders it for `loadBalancer` settings. */
function nginxService(loadBalancer: Record<string, unknown>): any {
  const k = describeKubernetesStack(parseStackConfig(prodRaw(loadBalancer)), "prod");
  return workloadObjects(k.services.loadBalancer.workload, k.services.loadBalancer.plan).objects.find((o) => o.kind === "Service" && o.metadata.name === "nginx");
}

describe("the nginx Service's edge annotations", () => {
  it("asks the AWS Load Balancer Controller for a TLS listener on 8080 with the certificate and a TLS 1.2+ policy", () => {
    const s = nginxService({ tls: { certificateArn: OTHER_ARN } });
    expect(s.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": OTHER_ARN,
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "8080",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "mcp-superserver/client-auth": "bearer",
    });
    // The TLS listener is the Service port, which is nginx's container port (VPC CNI).
    expect(s.spec.ports).toEqual([{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }]);
    expect(s.spec.loadBalancerSourceRanges).toBeUndefined();
  });

  it("takes another TLS policy and the source ranges from the config", () => {
    const s = nginxService({ tls: { certificateArn: ARN, policy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }, sourceRanges: ["203.0.113.0/24", "198.51.100.7/32"] });
    expect(s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"]).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(s.spec.loadBalancerSourceRanges).toEqual(["203.0.113.0/24", "198.51.100.7/32"]);
  });

  it("has no TLS annotations on an internal plain-HTTP NLB, and no client-auth one when nginx checks no tokens", () => {
    const plain = nginxService({ internal: true, tls: { mode: "none" } }).metadata.annotations;
    expect(Object.keys(plain).filter((k) => k.includes("ssl"))).toEqual([]);
    expect(plain["mcp-superserver/client-auth"]).toBe("bearer");
    const open = nginxService({ internal: true, tls: { certificateArn: ARN }, auth: { enabled: false } }).metadata.annotations;
    expect(open["mcp-superserver/client-auth"]).toBeUndefined();
    expect(open["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toBe(ARN);
  });

  it("tells the hubs the scheme clients use: https behind the NLB's TLS, http without it", () => {
    const conf = (loadBalancer: Record<string, unknown>) => {
      const k = describeKubernetesStack(parseStackConfig(prodRaw(loadBalancer)), "prod");
      return k.services.loadBalancer.workload.files.find((f) => f.name === "nginx.conf")!.content;
    };
    expect(conf({ tls: { certificateArn: ARN } })).toContain("proxy_set_header X-Forwarded-Proto https;");
    expect(conf({ internal: true, tls: { mode: "none" } })).toContain("proxy_set_header X-Forwarded-Proto $scheme;");
  });

  it("mounts the tokens file into nginx as a secret file, never as environment", () => {
    const k = describeKubernetesStack(parseStackConfig(prodRaw({ tls: { certificateArn: ARN } })), "prod");
    expect(k.services.loadBalancer.workload.secretFiles).toEqual([
      { name: "mcp-session-key", mountPath: "/run/secrets/mcp-session-key", secret: "mcp-session-key" },
      { name: "client-tokens", mountPath: "/run/secrets/client-tokens", secret: "client-tokens" },
    ]);
    expect(k.services.loadBalancer.workload.secretEnv).toEqual({});
  });
});

describe("the edge rules", () => {
  const PREFIX = "mcp-superserver:loadBalancer";
  it.each([
    [
      "an internet-facing NLB without a certificate",
      {},
      `${PREFIX}.tls.certificateArn: (not set) is required with loadBalancer.tls.mode "nlb" (the default): the ACM certificate the NLB presents, e.g. arn:aws:acm:us-east-1:111122223333:certificate/<id>; plain HTTP needs loadBalancer.tls.mode: none and an internal NLB`,
    ],
    [
      "plain HTTP on an internet-facing NLB",
      { tls: { mode: "none" } },
      `${PREFIX}.tls.mode: "none" is plain HTTP on an internet-facing NLB, where tokens and tool calls would cross the internet in clear; use "nlb" with loadBalancer.tls.certificateArn, or set loadBalancer.internal: true (or a serviceType other than LoadBalancer)`,
    ],
    [
      "no client tokens on an internet-facing NLB",
      { tls: { certificateArn: ARN }, auth: { enabled: false } },
      `${PREFIX}.auth.enabled: false is not allowed on an internet-facing NLB: the hub has no authentication of its own, so anyone who finds the address could drive every MCP tool; keep true, or set loadBalancer.internal: true`,
    ],
    ["a certificate that is not an ACM ARN", { tls: { certificateArn: "arn:aws:iam::111122223333:server-certificate/mcp" } }, `${PREFIX}.tls.certificateArn: "arn:aws:iam::111122223333:server-certificate/mcp" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>`],
    [
      "a policy that still accepts TLS 1.0",
      { tls: { certificateArn: ARN, policy: "ELBSecurityPolicy-2016-08" } },
      `${PREFIX}.tls.policy: "ELBSecurityPolicy-2016-08" is not an ELB security policy that refuses TLS 1.0 and 1.1; use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06`,
    ],
    ["a source range out of range", { tls: { certificateArn: ARN }, sourceRanges: ["203.0.113.0/24", "203.0.300.0/24"] }, `${PREFIX}.sourceRanges[1]: "203.0.300.0/24" is out of range: each part 0-255, the prefix 0-32, e.g. 203.0.113.0/24`],
    ["a source range that is no CIDR", { tls: { certificateArn: ARN }, sourceRanges: ["203.0.113.7"] }, `${PREFIX}.sourceRanges[0]: "203.0.113.7" is not an IPv4 CIDR; use forms like 203.0.113.0/24`],
    ["source ranges without an NLB", { serviceType: "ClusterIP", sourceRanges: ["203.0.113.0/24"] }, `${PREFIX}.sourceRanges: ["203.0.113.0/24"] applies only to the Kubernetes target with loadBalancer.serviceType LoadBalancer (the NLB); remove it`],
    ["a client name that is no DNS label", { tls: { certificateArn: ARN }, auth: { clients: ["ci", "Claude CLI"] } }, `${PREFIX}.auth.clients[1]: "Claude CLI" is not a client name; use a DNS label: a-z, 0-9 and -, at most 63 characters, e.g. claude-cli`],
    ["the probe's own client name", { tls: { certificateArn: ARN }, auth: { clients: ["monitoring-probe"] } }, `${PREFIX}.auth.clients[0]: "monitoring-probe" is the name of the monitoring probe's own token; pick another name`],
    ["a client listed twice", { tls: { certificateArn: ARN }, auth: { clients: ["ci", "ci"] } }, `${PREFIX}.auth.clients[1]: "ci" is listed twice; each client has one token, list each name once`],
    ["a rotation of no client", { tls: { certificateArn: ARN }, auth: { clients: ["ci"], rotation: { cli: "2026-12" } } }, `${PREFIX}.auth.rotation.cli: "2026-12" names no client of loadBalancer.auth.clients (ci); rotate one of those, or remove the entry`],
    ["a rate nginx cannot read", { tls: { certificateArn: ARN }, auth: { rate: "20/s" } }, `${PREFIX}.auth.rate: "20/s" is not an nginx rate; use forms like 20r/s or 600r/m`],
  ])("refuses %s", (_, loadBalancer, message) => {
    expect(configProblems(prodRaw(loadBalancer))).toEqual([message]);
  });

  it.each([
    ["an internal NLB on plain HTTP, said explicitly", { internal: true, tls: { mode: "none" } }],
    ["a ClusterIP Service on plain HTTP", { serviceType: "ClusterIP", tls: { mode: "none" } }],
    ["a NodePort Service without a certificate", { serviceType: "NodePort" }],
    ["an internal NLB without client tokens", { internal: true, tls: { mode: "none" }, auth: { enabled: false } }],
    ["an internet-facing NLB with a certificate", { tls: { certificateArn: ARN }, sourceRanges: ["0.0.0.0/0"] }],
  ])("accepts %s", (_, loadBalancer) => {
    expect(configProblems(prodRaw(loadBalancer))).toEqual([]);
  });

  it("keeps the Docker target on plain HTTP on 127.0.0.1 by default, and refuses source ranges there", () => {
    const dev = parseStackConfig({});
    expect(dev.docker.bindAddress).toBe("127.0.0.1");
    expect(configProblems({ loadBalancer: { sourceRanges: ["203.0.113.0/24"] } })).toEqual([
      `${PREFIX}.sourceRanges: ["203.0.113.0/24"] applies only to the Kubernetes target with loadBalancer.serviceType LoadBalancer (the NLB); remove it`,
    ]);
  });

  it("accepts the prod stack file with its certificate, and needs one without it", () => {
    const raw = rawConfigFromPulumi(readPulumiConfigFile(path.join(ROOT, "Pulumi.prod.yaml"), PROJECT).config) as any;
    expect(parseStackConfig(raw).loadBalancer.tls.certificateArn).toBe(ARN);
    const { certificateArn, ...tls } = raw.loadBalancer.tls;
    expect(configProblems({ ...raw, loadBalancer: { ...raw.loadBalancer, tls } })[0]).toMatch(/^mcp-superserver:loadBalancer\.tls\.certificateArn: \(not set\) is required/);
  });
});

describe("the prod synth (mocks)", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await runProd({ loadBalancer: { replicas: 2, serviceType: "LoadBalancer", tls: { certificateArn: OTHER_ARN }, sourceRanges: ["203.0.113.0/24"], auth: { clients: ["claude-cli", "ci"], rotation: { ci: "2026-12" } } } });
  });

  it("sends the nginx Service with the certificate, the client-auth annotation and the source ranges", () => {
    const s = byName(k8sObjects(run, "Service"), "nginx");
    expect(s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]).toBe(OTHER_ARN);
    expect(s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"]).toBe("8080");
    expect(s.metadata.annotations["mcp-superserver/client-auth"]).toBe("bearer");
    expect(s.spec.loadBalancerSourceRanges).toEqual(["203.0.113.0/24"]);
  });

  it("generates one 48-character token per client, the rotated one with its keeper, into nginx's secret file", () => {
    const tokens = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith("mcp-client-token-"));
    expect(tokens.map((t) => [t.name, inputsOf(t).length, inputsOf(t).special, inputsOf(t).keepers])).toEqual([
      ["mcp-client-token-claude-cli", 48, false, undefined],
      ["mcp-client-token-ci", 48, false, { rotation: "2026-12" }],
    ]);
    const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && inputsOf(r).metadata.name === "nginx-secret-files")!;
    // The whole Secret's data is a Pulumi secret on the wire.
    expect(isSecretMarker(secret.inputs.stringData)).toBe(true);
    const [cli, ci] = tokens.map((t) => (t.outputs as { result: string }).result);
    expect(Object.keys(inputsOf(secret).stringData).sort()).toEqual(["client-tokens", "mcp-session-key"]);
    expect(inputsOf(secret).stringData["client-tokens"]).toBe(`claude-cli ${sha256(cli)}\nci ${sha256(ci)}\n`);
  });

  it("gives the client-path probe a token of its own, in nginx's file and blackbox's, with healthPublic: false", async () => {
    const closed = await runProd({ loadBalancer: { replicas: 2, serviceType: "LoadBalancer", tls: { certificateArn: ARN }, auth: { clients: ["ci"], healthPublic: false } } });
    const secretData = (name: string) => inputsOf(closed.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && inputsOf(r).metadata.name === name)!).stringData;
    const tokenOf = (name: string) => (closed.resources.find((r) => r.name === name)!.outputs as { result: string }).result;
    const token = tokenOf("mcp-client-token-monitoring-probe");
    expect(secretData("blackbox-exporter-secret-files")).toEqual({ "probe-token": token });
    expect(secretData("nginx-secret-files")["client-tokens"]).toEqual(`ci ${sha256(tokenOf("mcp-client-token-ci"))}\nmonitoring-probe ${sha256(token)}\n`);
    const blackbox = byName(k8sObjects(closed, "ConfigMap"), "blackbox-exporter-files");
    expect(blackbox.data["blackbox.yml"]).toContain("credentials_file: /run/secrets/probe-token");
  });

  it("exports the tokens as a secret output, by client name", async () => {
    const exported = await runProd();
    // What `pulumi stack output` hides without --show-secrets.
    expect(exported.secretOutputs).toContain("clientTokens");
    const tokens = exported.outputs.clientTokens as Record<string, string>;
    expect(Object.keys(tokens)).toEqual(["operator", "ci"]);
    for (const t of Object.values(tokens)) expect(exported.generatedSecrets).toContain(t);
  });
});
