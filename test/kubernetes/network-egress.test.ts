/**
 * The node namespace's NetworkPolicies and the egress that leaves the cluster's pods: every rule
 * toward an address range, per role, as literal values, so that any widening shows here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { allowed, type PodRef } from "../support/networkPolicy";
import { k8sObjects, podLabels, runProd } from "../support/mockStack";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const prod = (extra: Record<string, unknown> = {}) => parseStackConfig({ target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, cluster: { endpointAccess: "private" }, alertmanager: { pagingDisabled: true }, ...extra });

/** "role -> cidr (except ...) :port" for every ipBlock egress rule of the namespace's policies. */
function addressEgress(policies: any[]): string[] {
  return policies.filter((p) => p.kind === "NetworkPolicy").flatMap((p) =>
    (p.spec.egress ?? []).flatMap((r: any) =>
      r.to
        .filter((t: any) => t.ipBlock)
        .map((t: any) => `${p.metadata.name.replace(/^allow-/, "")} -> ${t.ipBlock.cidr}${t.ipBlock.except ? ` except ${t.ipBlock.except.join(",")}` : ""} :${r.ports.map((x: any) => x.port).join(",")}`),
    ),
  );
}

const PUBLIC = "0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16";

describe("egress beyond the cluster's pods", () => {
  it("created cluster: the Kubernetes API by its ClusterIP only; public addresses on 443 for Ollama and the backup; receivers at their ports", () => {
    const k = describeKubernetesStack(
      prod({ alertmanager: { receivers: { paging: { url: "https://events.pagerduty.com/v2/enqueue" }, chat: { url: "http://chat.example.com:8443/hook" } } } }),
      "prod",
    );
    expect(addressEgress(k.shared)).toEqual([
      "alertmanager -> 0.0.0.0/0 :443",
      "alertmanager -> 0.0.0.0/0 :8443",
      `backup -> ${PUBLIC} :443`,
      "backup -> 10.100.0.1/32 :443",
      "backup -> 172.20.0.1/32 :443",
      "kube-state-metrics -> 10.100.0.1/32 :443",
      "kube-state-metrics -> 172.20.0.1/32 :443",
      `ollama -> ${PUBLIC} :443`,
      "prometheus -> 10.100.0.1/32 :443",
      "prometheus -> 172.20.0.1/32 :443",
    ]);
    expect(addressEgress(k.nodeShared)).toEqual([]);
  });

  it("existing cluster: its service range is unknown, so the API stays at any address on 443", () => {
    const k = describeKubernetesStack(prod({ cluster: { mode: "existing", kubeconfig: "k", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x" } }), "prod");
    expect(addressEgress(k.shared)).toEqual([
      "backup -> 0.0.0.0/0 :443",
      "backup -> 0.0.0.0/0 :443",
      "kube-state-metrics -> 0.0.0.0/0 :443",
      `ollama -> ${PUBLIC} :443`,
      "prometheus -> 0.0.0.0/0 :443",
    ]);
  });
});

it("a VPC of one's own: S3 and STS may answer at interface endpoints inside it, so the backup's AWS egress is any address", () => {
  const k = describeKubernetesStack(prod({ cluster: { endpointAccess: "private", vpc: { id: "vpc-0abc1234", privateSubnetIds: ["subnet-0a", "subnet-0b"] } } }), "prod");
  expect(addressEgress(k.shared).filter((r) => r.startsWith("backup") || r.startsWith("ollama"))).toEqual([
    "backup -> 0.0.0.0/0 :443",
    "backup -> 10.100.0.1/32 :443",
    "backup -> 172.20.0.1/32 :443",
    `ollama -> ${PUBLIC} :443`,
  ]);
});

describe("the node namespace (node_exporter, the GPU exporter)", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await runProd();
  });
  const inNode = () => k8sObjects(run, "NetworkPolicy").filter((p) => p.metadata.namespace === "mcp-node");
  const pod = (role: string, namespace: string): PodRef => ({ namespace, labels: podLabels(run, role) });

  it("denies all ingress and egress by default and allows only Prometheus' scrapes", () => {
    expect(inNode().map((p) => p.metadata.name)).toEqual(["default-deny", "allow-gpu-exporter", "allow-node-exporter"]);
    expect(inNode()[0].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const all = k8sObjects(run, "NetworkPolicy");
    expect(allowed(all, pod("prometheus", "mcp"), pod("node-exporter", "mcp-node"), 9100)).toBe(true);
    expect(allowed(all, pod("prometheus", "mcp"), pod("gpu-exporter", "mcp-node"), 9400)).toBe(true);
    for (const from of ["hub", "load-balancer", "grafana", "backup"]) expect(allowed(all, pod(from, "mcp"), pod("node-exporter", "mcp-node"), 9100), from).toBe(false);
    // The exporters open nothing: not even DNS.
    const dns: PodRef = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    expect(allowed(all, pod("node-exporter", "mcp-node"), dns, 53)).toBe(false);
    expect(allowed(all, pod("node-exporter", "mcp-node"), pod("prometheus", "mcp"), 9090)).toBe(false);
  });

  it("runs the exporters on pod networking, where the VPC CNI enforces policies (no hostNetwork)", () => {
    const daemonSets = k8sObjects(run, "DaemonSet").filter((d) => d.metadata.namespace === "mcp-node");
    expect(daemonSets.map((d) => d.metadata.name).sort()).toEqual(["dcgm-exporter", "node-exporter"]);
    for (const d of daemonSets) expect(d.spec.template.spec.hostNetwork, d.metadata.name).toBeUndefined();
  });
});
