/**
 * The namespace's network allow-list as data: every permitted connection is one flow, and
 * the NetworkPolicies are derived from the list, so nothing is allowed that is not in it.
 * Everything starts from a default deny of all ingress and egress.
 */
import type { Role } from "../workloads/types";
import type { Json, K8sObject } from "./types";

/** A pod role in the namespace (or another namespace), or an address range outside the cluster's pods. */
export type Peer = { role: Role; namespace?: string } | { cidr: string };

export interface Flow {
  from: Peer;
  to: Peer;
  port: number;
  /** Why this connection exists. */
  reason: string;
}

const COMPONENT = "app.kubernetes.io/component";
export const DNS_PORT = 53;

function peerSelector(p: Peer): Json {
  if ("cidr" in p) return { ipBlock: { cidr: p.cidr } };
  return {
    podSelector: { matchLabels: { [COMPONENT]: p.role } },
    ...(p.namespace ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } } } : {}),
  };
}

const isLocal = (p: Peer, namespace: string): p is { role: Role; namespace?: string } =>
  "role" in p && (p.namespace === undefined || p.namespace === namespace);

export function networkPolicies(namespace: string, labels: Record<string, string>, flows: Flow[]): K8sObject[] {
  const meta = (name: string) => ({ name, namespace, labels });
  const roles = [...new Set(flows.flatMap((f) => [f.from, f.to]).filter((p) => isLocal(p, namespace)).map((p) => (p as { role: Role }).role))].sort();
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
    const inbound = flows.filter((f) => isLocal(f.to, namespace) && f.to.role === role);
    const outbound = flows.filter((f) => isLocal(f.from, namespace) && f.from.role === role);
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
