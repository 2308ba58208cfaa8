/** Running the policy pack in tests: stack resources, the stack's policy config, the harness. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { policies } from "../../policies/src";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { reconcilePolicyConfig, type ReconciledConfig } from "../../scripts/lib/policyConfig";
import { type PolicyReport, runPolicies } from "../../scripts/lib/policyHarness";
import { synthesize } from "../../scripts/lib/synthesize";
import { ROOT } from "./repo";

/** What the program declares for a stack (Pulumi.<stack>.yaml unless a config file is given). */
export async function synthesizedResources(stack: string, configFile = path.join(ROOT, `Pulumi.${stack}.yaml`)): Promise<RecordedResource[]> {
  const result = await synthesize({ stack, configFile });
  if (!result.ok) throw new Error(`synth ${stack} failed: ${result.error}`);
  return result.run.resources;
}

export const devResources = () => synthesizedResources("dev");

export const prodResources = () => synthesizedResources("prod");

export const policyConfigFile = (stack: string) => path.join(ROOT, "policies", "config", `${stack}.json`);

/** A stack's policy config as the engine would reconcile it, with optional overrides per policy. */
export function policyConfig(stack: string, overrides: Record<string, Record<string, unknown>> = {}): ReconciledConfig {
  const file = JSON.parse(readFileSync(policyConfigFile(stack), "utf8")) as Record<string, Record<string, unknown>>;
  for (const [policy, values] of Object.entries(overrides)) file[policy] = { ...file[policy], ...values };
  const { config, errors } = reconcilePolicyConfig(policies, file);
  if (errors.length) throw new Error(errors.join("\n"));
  return config;
}

export function checkPolicies(resources: RecordedResource[], stack: string, overrides?: Record<string, Record<string, unknown>>): Promise<PolicyReport> {
  return runPolicies(policies, resources, policyConfig(stack, overrides), { stack });
}

/** One resource's record with a change to its inputs (and so its outputs), the rest untouched. */
export function changed(resources: RecordedResource[], name: string, edit: (inputs: Record<string, any>) => void): RecordedResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`no resource ${name}; have ${resources.map((r) => r.name).join(", ")}`);
  return resources.map((r) => {
    if (r.name !== name) return r;
    const inputs = structuredClone(r.inputs) as Record<string, any>;
    edit(inputs);
    return { ...r, inputs, outputs: { ...structuredClone(r.outputs), ...structuredClone(inputs) } };
  });
}

/** A report's violations as "policy resource level", sorted, for exact assertions. */
export const summary = (r: PolicyReport) => r.violations.map((v) => `${v.policy} ${v.resource ?? "(stack)"} ${v.enforcementLevel}`).sort();

/** The messages of one policy's violations, in report order. */
export const messages = (r: PolicyReport, policy: string) => r.violations.filter((v) => v.policy === policy).map((v) => v.message);
