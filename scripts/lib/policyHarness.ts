/**
 * Runs policy pack policies against a synthesized stack the way the Pulumi engine's analyzer
 * does, without the analyzer server: resource policies get each resource's inputs (secrets
 * unwrapped, behind the SDK's unknown-checking proxy) with `notApplicable`, `stackTags` and
 * `getConfig`; stack policies get every resource's outputs with parents and dependencies
 * linked. Enforcement levels come from the reconciled config (see policyConfig.ts).
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { PROJECT, type RecordedResource, unwrapSecrets } from "./mockEngine";
import type { ReconciledConfig } from "./policyConfig";

export interface PolicyViolation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** Logical name of the resource in violation; absent for a stack-wide finding. */
  resource?: string;
  message: string;
}

export interface PolicyReport {
  violations: PolicyViolation[];
  notApplicable: { policy: string; resource?: string; reason: string }[];
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "");
};

const isResourcePolicy = (p: Policies[number]): p is ResourceValidationPolicy => "validateResource" in p;
const isStackPolicy = (p: Policies[number]): p is StackValidationPolicy => "validateStack" in p;

/** Same test as the analyzer: the class's Pulumi type token against the resource's type. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  if (typeof token === "string" && token) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean } | undefined)?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** URNs as the engine writes them: the type chain of parents, `$`-joined, then the name. */
function urnsOf(resources: RecordedResource[], stack: string): Map<RecordedResource, string> {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const chain = (r: RecordedResource): string[] => {
    const parent = r.parent ? byName.get(r.parent) : undefined;
    return parent && parent !== r ? [...chain(parent), r.type] : [r.type];
  };
  return new Map(resources.map((r) => [r, `urn:pulumi:${stack}::${PROJECT}::${chain(r).join("$")}::${r.name}`]));
}

/**
 * A stack policy sees a resource's state. Bridged providers (aws, docker, random) keep the
 * resource id among its outputs; the Kubernetes provider does not.
 */
function stateOf(r: RecordedResource): Record<string, unknown> {
  const outputs = unwrapSecrets(r.outputs) as Record<string, unknown>;
  return r.custom && !r.type.startsWith("kubernetes:") ? { id: r.id, ...outputs } : outputs;
}

function freezeTags(tags: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(tags));
}

export interface PolicyRunOptions {
  stack: string;
  stackTags?: Record<string, string>;
}

export async function runPolicies(
  policies: Policies,
  resources: RecordedResource[],
  config: ReconciledConfig,
  opts: PolicyRunOptions,
): Promise<PolicyReport> {
  const report: PolicyReport = { violations: [], notApplicable: [] };
  const urns = urnsOf(resources, opts.stack);
  const byUrn = new Map([...urns].map(([r, urn]) => [urn, r]));
  const stackTags = freezeTags({ "pulumi:project": PROJECT, "pulumi:runtime": "nodejs", ...opts.stackTags });
  const custom = resources.filter((r) => r.custom);
  const urnByName = new Map(resources.map((r) => [r.name, urns.get(r)!]));
  const NO_OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

  for (const p of policies) {
    let level = config[p.name]?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    // A violation left after remediation counts as mandatory, as in the engine.
    if (level === "remediate") level = "mandatory";
    const getConfig = <T extends object>() => structuredClone(config[p.name]?.properties ?? {}) as T;
    const record = (message: string, resource?: string) => report.violations.push({ policy: p.name, enforcementLevel: level, resource, message });
    const guard = async (resource: string | undefined, run: () => Promise<void> | void) => {
      try {
        await run();
      } catch (e) {
        if (e instanceof NotApplicable) report.notApplicable.push({ policy: p.name, resource, reason: e.reason });
        else if (e instanceof UnknownValueError) {
          report.violations.push({ policy: p.name, enforcementLevel: "advisory", resource, message: `can't run during preview: ${(e as Error).message}` });
        } else throw new Error(`policy ${p.name} failed on ${resource ?? "the stack"}: ${e instanceof Error ? e.stack : String(e)}`);
      }
    };

    if (isResourcePolicy(p) && p.validateResource) {
      const validations = [p.validateResource].flat();
      for (const r of custom) {
        const urn = urns.get(r)!;
        for (const validate of validations) {
          const props = unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn,
            name: r.name,
            opts: { ...NO_OPTIONS, ...(r.parent && urnByName.has(r.parent) ? { parent: urnByName.get(r.parent) } : {}) },
            stackTags,
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
            getConfig,
            notApplicable: throwNotApplicable,
          };
          await guard(r.name, () => validate(args, (message) => record(message, r.name)));
        }
      }
    }

    if (isStackPolicy(p)) {
      const policyResources = new Map<RecordedResource, PolicyResource>();
      for (const r of resources) {
        const props = unknownCheckingProxy(stateOf(r));
        policyResources.set(r, {
          type: r.type,
          props,
          urn: urns.get(r)!,
          name: r.name,
          opts: { ...NO_OPTIONS, ...(r.parent && urnByName.has(r.parent) ? { parent: urnByName.get(r.parent) } : {}) },
          dependencies: [],
          propertyDependencies: {},
          isType: (cls) => isTypeOf(r.type, cls),
          asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        });
      }
      const byName = new Map(resources.map((r) => [r.name, policyResources.get(r)!]));
      for (const [r, pr] of policyResources) {
        if (r.parent && byName.has(r.parent)) pr.parent = byName.get(r.parent);
        pr.dependencies = r.options.dependsOn.flatMap((d) => (byName.has(d) ? [byName.get(d)!] : []));
      }
      await guard(undefined, () =>
        p.validateStack(
          { resources: [...policyResources.values()], stackTags, getConfig, notApplicable: throwNotApplicable },
          (message, urn) => record(message, urn ? (byUrn.get(urn)?.name ?? urn) : undefined),
        ),
      );
    }
  }
  return report;
}

/** Does the report hold a violation that stops a deployment? */
export const hasMandatoryViolation = (r: PolicyReport) => r.violations.some((v) => v.enforcementLevel === "mandatory");

/** Violations grouped by policy, each line naming the resource, for a terminal. */
export function formatReport(r: PolicyReport): string {
  const byPolicy = new Map<string, PolicyViolation[]>();
  for (const v of r.violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
  return [...byPolicy]
    .map(([policy, vs]) => [`${policy} [${vs[0].enforcementLevel}]: ${vs.length} violation(s)`, ...vs.map((v) => `  ${v.resource ?? "(stack)"}: ${v.message}`)].join("\n"))
    .join("\n");
}
