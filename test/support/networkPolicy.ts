/**
 * A small evaluator of NetworkPolicy semantics (pods selected by a policy of a type are
 * isolated for that direction; a connection needs an egress and an ingress allowance), enough
 * to ask "may pod A open port P on pod B?" of the policies a stack declares.
 */
export interface PodRef {
  namespace: string;
  labels: Record<string, string>;
}

const matches = (selector: any, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

const nsLabels = (ns: string) => ({ "kubernetes.io/metadata.name": ns });

/** A peer entry matches a pod: podSelector in the policy's namespace, or with a namespaceSelector. */
function peerMatches(peer: any, policyNamespace: string, pod: PodRef): boolean {
  if (peer.ipBlock) return false; // ipBlocks are for addresses outside the cluster's pods
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, nsLabels(pod.namespace)) : pod.namespace === policyNamespace;
  return nsOk && (!peer.podSelector || matches(peer.podSelector, pod.labels));
}

const portMatches = (ports: any[] | undefined, port: number) => !ports || ports.some((p) => p.port === port && (p.protocol ?? "TCP") === "TCP");

function direction(policies: any[], pod: PodRef, type: "Ingress" | "Egress", other: PodRef, port: number): boolean {
  const selecting = policies.filter(
    (p) => p.metadata.namespace === pod.namespace && matches(p.spec.podSelector, pod.labels) && (p.spec.policyTypes ?? ["Ingress"]).includes(type),
  );
  if (selecting.length === 0) return true;
  const key = type === "Ingress" ? "ingress" : "egress";
  const peerKey = type === "Ingress" ? "from" : "to";
  return selecting.some((p) =>
    (p.spec[key] ?? []).some((rule: any) => portMatches(rule.ports, port) && (!rule[peerKey] || rule[peerKey].some((peer: any) => peerMatches(peer, p.metadata.namespace, other)))),
  );
}

export function allowed(policies: any[], from: PodRef, to: PodRef, port: number): boolean {
  return direction(policies, from, "Egress", to, port) && direction(policies, to, "Ingress", from, port);
}
