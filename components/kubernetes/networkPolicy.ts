/**
 * The namespace's network allow-list as data: every permitted connection is one flow, and
 * the NetworkPolicies are derived from the list, so nothing is allowed that is not in it.
 * Everything starts from a default deny of all ingress and egress.
 *
 * How the VPC CNI enforces an egress rule toward a Service (aws/amazon-network-policy-controller-k8s,
 * pkg/resolvers/endpoints.go, `getMatchingServiceClusterIPs`): besides the pod IPs it admits a
 * Service's ClusterIP only when the peer's podSelector matches the Service's `selector` as a label
 * set, and only for a Service port it can map back to the rule's port; older controllers compared
 * the rule's port with the Service port itself (its issues #147, #224; AWS: "the service port must
 * be the same as the container port"). So a peer toward a workload selects exactly that workload's
 * Service selector, and every Service port equals its container port (objects.ts): the same rule
 * then admits the pod IPs and the ClusterIP, on every controller version.
 */
import type { Role, Workload } from "../workloads/types";
import { selectorLabels } from "./objects";
import type { Json, K8sObject } from "./types";

/** A workload's pods (in the namespace, or another one), or an address range outside the cluster's pods. */
export type Peer = { workload: Pick<Workload, "name" | "role">; namespace?: string } | { cidr: string };

export interface Flow {
  from: Peer;
  to: Peer;
  /** The container port, which is also the Service port. */
  port: number;
  /** Why this connection exists. */
  reason: string;
}

const COMPONENT = "app.kubernetes.io/component";
export const DNS_PORT = 53;

/** The pods of a workload, selected exactly as its Service selects them. */
function peerSelector(p: Peer): Json {
  if ("cidr" in p) return { ipBlock: { cidr: p.cidr } };
  return {
    podSelector: { matchLabels: selectorLabels(p.workload) },
    ...(p.namespace ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } } } : {}),
  };
}

const isLocal = (p: Peer, namespace: string): p is { workload: Pick<Workload, "name" | "role">; namespace?: string } =>
  "workload" in p && (p.namespace === undefined || p.namespace === namespace);

export function networkPolicies(namespace: string, labels: Record<string, string>, flows: Flow[]): K8sObject[] {
  const meta = (name: string) => ({ name, namespace, labels });
  const roles: Role[] = [...new Set(flows.flatMap((f) => [f.from, f.to]).flatMap((p) => (isLocal(p, namespace) ? [p.workload.role] : [])))].sort();
  const policies: K8sObject[] = [
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-dns-egress"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [
              { protocol: "UDP", port: DNS_PORT },
              { protocol: "TCP", port: DNS_PORT },
            ],
          },
        ],
      },
    },
  ];
  for (const role of roles) {
    const inbound = flows.filter((f) => isLocal(f.to, namespace) && f.to.workload.role === role);
    const outbound = flows.filter((f) => isLocal(f.from, namespace) && f.from.workload.role === role);
    policies.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(`allow-${role}`),
      spec: {
        podSelector: { matchLabels: { [COMPONENT]: role } },
        policyTypes: [...(inbound.length ? ["Ingress"] : []), ...(outbound.length ? ["Egress"] : [])],
        ...(inbound.length ? { ingress: inbound.map((f) => ({ from: [peerSelector(f.from)], ports: [{ protocol: "TCP", port: f.port }] })) } : {}),
        ...(outbound.length ? { egress: outbound.map((f) => ({ to: [peerSelector(f.to)], ports: [{ protocol: "TCP", port: f.port }] })) } : {}),
      },
    });
  }
  return policies;
}
