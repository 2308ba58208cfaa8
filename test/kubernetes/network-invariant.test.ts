/**
 * The allow-list as the VPC CNI enforces it: every flow toward a workload is admitted both to the
 * workload's pods and to its Service's ClusterIP on the same port, and every Service port equals
 * the container port it leads to. Derived for every flow of the list, so a new flow cannot slip by.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { workloadObjects } from "../../components/kubernetes/objects";
import { allowedFlows, describeKubernetesStack, receiverPorts, type KubernetesStack } from "../../components/kubernetes/stack";
import { admittedClusterIps, type ServiceObject } from "../support/vpcCniServices";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const prod = (extra: Record<string, unknown> = {}) => parseStackConfig({ target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, cluster: { endpointAccess: "private" }, ...extra });
const CONFIGS = {
  default: prod({ alertmanager: { pagingDisabled: true } }),
  enterprise: prod({
    neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" },
    alertmanager: { receivers: { paging: { url: "https://events.pagerduty.com/v2/enqueue" }, chat: { url: "http://chat.example.com:8443/hook" } } },
  }),
};

function built(k: KubernetesStack) {
  const planned = Object.values(k.services);
  const objects = [...k.shared, ...planned.flatMap((p) => workloadObjects(p.workload, p.plan).objects)] as any[];
  const controllers = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));
  return {
    services: objects.filter((o) => o.kind === "Service") as ServiceObject[],
    policies: objects.filter((o) => o.kind === "NetworkPolicy"),
    containerPorts: (name: string): number[] =>
      controllers.filter((c) => c.metadata.name === name).flatMap((c) => c.spec.template.spec.containers.flatMap((ct: any) => (ct.ports ?? []).map((p: any) => p.containerPort))),
    podLabels: (name: string) => controllers.find((c) => c.metadata.name === name)?.spec.template.metadata.labels,
  };
}

describe.each(Object.entries(CONFIGS))("NetworkPolicies as the VPC CNI enforces them (%s config)", (_, cfg) => {
  const k = describeKubernetesStack(cfg, "prod");
  const b = built(k);

  it("gives every Service ports equal to the container ports they lead to", () => {
    expect(b.services.length).toBeGreaterThan(10);
    for (const s of b.services) {
      const ports = b.containerPorts(s.metadata.name.replace(/-headless$/, ""));
      for (const p of s.spec.ports) {
        expect(p.targetPort, `${s.metadata.name}:${p.port}`).toBe(p.port);
        expect(ports, `${s.metadata.name}:${p.port}`).toContain(p.port);
      }
    }
  });

  it("admits every in-namespace flow toward a workload to its pods and to its Service's ClusterIP", () => {
    const flows = allowedFlows(cfg, k.services);
    let checked = 0;
    for (const f of flows) {
      if (!("workload" in f.from) || !("workload" in f.to) || f.to.namespace) continue;
      checked++;
      const [from, to] = [f.from.workload, f.to.workload];
      const label = `${from.name} -> ${to.name}:${f.port}`;
      const policy = b.policies.find((p) => p.metadata.name === `allow-${from.role}`);
      const rules = (policy.spec.egress as any[]).filter((r) => r.ports.some((p: any) => p.port === f.port));
      // The pods: the rule's peer selects the target's pods by their own labels, on a container port.
      const target = b.podLabels(to.name);
      const peer = rules.flatMap((r) => r.to).find((p: any) => p.podSelector && Object.entries(p.podSelector.matchLabels).every(([key, v]) => target[key] === v));
      expect(peer, `${label}: no egress rule selects the target pods`).toBeDefined();
      expect(b.containerPorts(to.name), label).toContain(f.port);
      // The ClusterIP: when the target's Service exposes the port, the controller must admit it.
      const service = b.services.find((s) => s.metadata.name === to.name && s.spec.clusterIP !== "None");
      const exposed = service?.spec.ports.some((p) => p.port === f.port);
      if (exposed) {
        expect(peer.podSelector.matchLabels, label).toEqual(service!.spec.selector);
        expect(admittedClusterIps(peer, [{ port: f.port }], b.services), label).toContainEqual({ service: service!.metadata.name, port: f.port });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});

describe("the VPC CNI stand-in refuses what the controller refuses", () => {
  const svc: ServiceObject = { metadata: { name: "neo4j" }, spec: { selector: { name: "neo4j", "part-of": "x" }, ports: [{ port: 7687, targetPort: 7687 }] } };
  it("admits an exact selector on the Service port, nothing else", () => {
    expect(admittedClusterIps({ podSelector: { matchLabels: { name: "neo4j", "part-of": "x" } } }, [{ port: 7687 }], [svc])).toEqual([{ service: "neo4j", port: 7687 }]);
    // The selector the policies used before: a label the Service's selector does not carry.
    expect(admittedClusterIps({ podSelector: { matchLabels: { component: "neo4j" } } }, [{ port: 7687 }], [svc])).toEqual([]);
    // A Service port that maps to another container port (grafana 3001 -> 3000 before).
    const mapped: ServiceObject = { metadata: { name: "grafana" }, spec: { selector: { name: "grafana" }, ports: [{ port: 3001, targetPort: 3000 }] } };
    expect(admittedClusterIps({ podSelector: { matchLabels: { name: "grafana" } } }, [{ port: 3000 }], [mapped])).toEqual([]);
    expect(admittedClusterIps({ podSelector: { matchLabels: { name: "neo4j" } } }, [{ port: 7687 }], [{ ...svc, spec: { ...svc.spec, clusterIP: "None" } }])).toEqual([]);
  });
});

describe("Alertmanager egress", () => {
  it("opens the ports of the receiver URLs and nothing without a receiver", () => {
    expect(receiverPorts(CONFIGS.default)).toEqual([]);
    expect(receiverPorts(CONFIGS.enterprise)).toEqual([443, 8443]);
    const k = describeKubernetesStack(CONFIGS.enterprise, "prod");
    const am = k.shared.find((o) => o.metadata.name === "allow-alertmanager") as any;
    expect(am.spec.egress.filter((r: any) => r.to[0].ipBlock).map((r: any) => r.ports[0].port)).toEqual([443, 8443]);
  });
});
