/**
 * Guardrail: the hub runs at least two replicas (one restart must not take it down) and, on
 * Kubernetes, a PodDisruptionBudget keeps some of them through node drains.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { rolePolicy, rolesWhere } from "../../components/contracts/rolePolicies";
import { configKey } from "./kit";
import { describePod, type PodView, podOf } from "./pods";

export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

interface HaConfig {
  minReplicas: number;
  requirePodDisruptionBudget: boolean;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Does the budget keep at least one pod up during a voluntary disruption? */
function protects(pdb: PolicyResource, replicas: number): boolean {
  const spec = pdb.props.spec ?? {};
  const amount = (v: unknown, total: number) =>
    typeof v === "string" && v.endsWith("%") ? Math.ceil((Number(v.slice(0, -1)) / 100) * total) : Number(v);
  if (spec.minAvailable !== undefined) return amount(spec.minAvailable, replicas) >= 1;
  if (spec.maxUnavailable !== undefined) return amount(spec.maxUnavailable, replicas) < replicas;
  return false;
}

/** The roles that must stay up through a restart or a drain (the hub). */
const HA_ROLES = rolesWhere((p) => p.highlyAvailable);

/** `mcp-superserver:hub.replicas`: a highly available role has a config section (rolePolicies.ts checks it). */
const replicasKey = (role: string) => configKey(role, "replicas")!;

/** Replicas the hub keeps at least: an autoscaler's minimum overrides the Deployment's count. */
function minimumReplicas(r: PolicyResource, pod: PodView, resources: PolicyResource[]): number {
  const name = r.props.metadata?.name ?? r.name;
  const hpa = resources.find((x) => x.type === HPA && x.props.spec?.scaleTargetRef?.name === name);
  return hpa ? Number(hpa.props.spec?.minReplicas ?? 1) : pod.replicas;
}

export const hubHighAvailability: StackValidationPolicy = {
  name: "hub-high-availability",
  description: "The hub runs at least two replicas and, on Kubernetes, has a PodDisruptionBudget that keeps one up.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 1, description: "Fewest hub replicas.", default: 2 },
      requirePodDisruptionBudget: {
        type: "boolean",
        description: "Require a PodDisruptionBudget for the hub on Kubernetes.",
        default: true,
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<HaConfig>();
    const pods = args.resources.flatMap((r) => {
      const pod = podOf(r.type, r.props);
      return rolePolicy(pod?.role)?.highlyAvailable ? [{ r, pod: pod! }] : [];
    });
    if (pods.length === 0) args.notApplicable(`The stack runs no ${HA_ROLES.join(" or ")}`);
    for (const role of HA_ROLES) {
      const docker = pods.filter((h) => h.pod.role === role && h.pod.target === "docker");
      if (docker.length > 0 && docker.length < config.minReplicas) {
        report(`the ${role} runs ${docker.length} container(s), fewer than ${config.minReplicas}; raise ${replicasKey(role)} to at least ${config.minReplicas}`);
      }
    }
    for (const { r, pod } of pods.filter((h) => h.pod.target === "kubernetes")) {
      const replicas = minimumReplicas(r, pod, args.resources);
      if (replicas < config.minReplicas) {
        report(`${describePod(pod, r.name)} keeps ${replicas} replica(s), fewer than ${config.minReplicas}; raise ${replicasKey(pod.role!)} to at least ${config.minReplicas}`, r.urn);
      }
      if (!config.requirePodDisruptionBudget) continue;
      const budgets = args.resources.filter((x) => x.type === PDB && matches(x.props.spec?.selector?.matchLabels ?? {}, pod.labels));
      if (budgets.length === 0) {
        report(`${describePod(pod, r.name)} has no PodDisruptionBudget; add one selecting its pods with minAvailable: 1`, r.urn);
      } else if (!budgets.some((b) => protects(b, replicas))) {
        report(`${describePod(pod, r.name)}: its PodDisruptionBudget lets every replica go at once; set minAvailable to at least 1`, r.urn);
      }
    }
  },
};
