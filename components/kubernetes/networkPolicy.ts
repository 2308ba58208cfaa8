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

/**
 * A workload's pods (in the stack's namespace unless another is named), or an address range
 * outside the cluster's pods, less the ranges in `except`.
 */
export type Peer = { workload: Pick<Workload, "name" | "role">; namespace?: string } | { cidr: string; except?: string[] };

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

/** The pods of a workload, selected exactly as its Service selects them, from a policy in `policyNamespace`. */
function peerSelector(p: Peer, policyNamespace: string, home: string): Json {
  if ("cidr" in p) return { ipBlock: { cidr: p.cidr, ...(p.except ? { except: p.except } : {}) } };
  const namespace = p.namespace ?? home;
  return {
    podSelector: { matchLabels: selectorLabels(p.workload) },
    ...(namespace !== policyNamespace ? { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } } : {}),
  };
}

const isIn = (p: Peer, namespace: string, home: string): p is { workload: Pick<Workload, "name" | "role">; namespace?: string } =>
  "workload" in p && (p.namespace ?? home) === namespace;

/**
 * The NetworkPolicies of one namespace from the stack's flows: a default deny, DNS for pods that
 * open connections, and one policy per role with its allowed ingress and egress. `home` is the
 * namespace of peers that name none (the stack's own).
 */
export function networkPolicies(namespace: string, labels: Record<string, string>, flows: Flow[], home = namespace): K8sObject[] {
  const meta = (name: string) => ({ name, namespace, labels });
  const roleIn = (p: Peer) => (isIn(p, namespace, home) ? p.workload.role : undefined);
  const roles: Role[] = [...new Set(flows.flatMap((f) => [roleIn(f.from), roleIn(f.to)]).filter((r): r is Role => r !== undefined))].sort();
  const rule = (peer: Peer, port: number) => ({ peers: [peerSelector(peer, namespace, home)], ports: [{ protocol: "TCP", port }] });
  const policies: K8sObject[] = [
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
  ];
  // Pods that open no connection (the node namespace's exporters only answer scrapes) resolve no names either.
  if (flows.some((f) => roleIn(f.from))) policies.push(dnsEgress(meta("allow-dns-egress")));
  for (const role of roles) {
    const inbound = flows.filter((f) => roleIn(f.to) === role).map((f) => rule(f.from, f.port));
    const outbound = flows.filter((f) => roleIn(f.from) === role).map((f) => rule(f.to, f.port));
    policies.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(`allow-${role}`),
      spec: {
        podSelector: { matchLabels: { [COMPONENT]: role } },
        policyTypes: [...(inbound.length ? ["Ingress"] : []), ...(outbound.length ? ["Egress"] : [])],
        ...(inbound.length ? { ingress: inbound.map((r) => ({ from: r.peers, ports: r.ports })) } : {}),
        ...(outbound.length ? { egress: outbound.map((r) => ({ to: r.peers, ports: r.ports })) } : {}),
      },
    });
  }
  return policies;
}

function dnsEgress(metadata: K8sObject["metadata"]): K8sObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
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
  };
}
