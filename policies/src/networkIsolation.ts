/**
 * Guardrail: every namespace the stack creates starts from a default deny, so a pod it runs is
 * reachable, and reaches, only what a NetworkPolicy allows. A default deny is a NetworkPolicy in
 * that namespace that selects every pod (`podSelector: {}`), isolates both directions
 * (`policyTypes` with Ingress and Egress) and allows nothing (no ingress or egress rule): pods
 * selected by a policy of a type accept only what some policy allows (Kubernetes docs, "Network
 * Policies", isolated and non-isolated pods).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

export const K8S = {
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

/** A selector that selects every pod: no labels and no expressions to match. */
const selectsAll = (s: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined) =>
  s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && empty(s.matchExpressions);

export function isDefaultDeny(policy: PolicyResource["props"], namespace: string): boolean {
  const spec = policy.spec ?? {};
  const types: string[] = spec.policyTypes ?? [];
  return (policy.metadata?.namespace ?? "default") === namespace && selectsAll(spec.podSelector) && types.includes("Ingress") && types.includes("Egress") && empty(spec.ingress) && empty(spec.egress);
}

export const namespaceDefaultDeny: StackValidationPolicy = {
  name: "namespace-default-deny",
  description: "Every namespace the stack creates has a NetworkPolicy that denies all ingress and egress by default.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const namespaces = args.resources.filter((r) => r.type === K8S.namespace);
    if (namespaces.length === 0) args.notApplicable("The stack creates no Kubernetes namespace");
    const policies = args.resources.filter((r) => r.type === K8S.networkPolicy);
    for (const ns of namespaces) {
      const name = String(ns.props.metadata?.name ?? ns.name);
      if (policies.some((p) => isDefaultDeny(p.props, name))) continue;
      report(
        `namespace ${name} has no default-deny NetworkPolicy; add one in it with podSelector: {}, policyTypes: [Ingress, Egress] and no rules, then allow each connection its pods need`,
        ns.urn,
      );
    }
  },
};
