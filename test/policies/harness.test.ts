/**
 * The offline harness behaves like the engine's analyzer: resource policies see inputs behind
 * the unknown-checking proxy, stack policies see outputs, `notApplicable` is recorded, and
 * enforcement levels (disabled, remediate) are applied as the analyzer applies them. The
 * records are the prod synth's, with the values each case needs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/src";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { reconcilePolicyConfig } from "../../scripts/lib/policyConfig";
import { runPolicies } from "../../scripts/lib/policyHarness";
import { changed, prodResources } from "../support/policyRuns";

/** The analyzer's sentinels for values not known until the update (from @pulumi/policy). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

const HUB = "mcp-hub-deployment-mcp-hub";

let prod: RecordedResource[];
beforeAll(async () => {
  prod = await prodResources();
});

const resource = (name: string, resources = prod) => resources.find((r) => r.name === name)!;

/** The prod hub Deployment (request 512Mi) with its container changed. */
const hub = (edit: (container: Record<string, any>) => void) =>
  resource(HUB, changed(prod, HUB, (i) => edit(i.spec.template.spec.containers[0])));

const hubLimit = (memory: string) => hub((c) => (c.resources.limits.memory = memory));

async function run(list: Policies, resources: RecordedResource[], file: Record<string, unknown> = {}) {
  const { config, errors } = reconcilePolicyConfig(list, file);
  expect(errors).toEqual([]);
  return runPolicies(list, resources, config, { stack: "prod" });
}

const roleBounds = policies.find((p) => p.name === "memory-within-role-bounds") as ResourceValidationPolicy;
const bucketPolicy = policies.find((p) => p.name === "backup-bucket-protection") as StackValidationPolicy;

describe("policy harness", () => {
  it("gives resource policies the inputs, and stack policies the outputs", async () => {
    // Inputs say 128Mi; the state is the declared hub's (1Gi): the resource policy must judge 128Mi.
    const report = await run([roleBounds], [{ ...hubLimit("128Mi"), outputs: resource(HUB).outputs }]);
    expect(report.violations.map((v) => v.message)).toEqual([expect.stringContaining("memory limit 128Mi is below the minimum 512Mi")]);
    // Inputs name the prod bucket; the state names another.
    const bucket = { ...resource("mcp-backup-bucket"), outputs: { bucket: "from-state" } };
    const stack = await run([bucketPolicy], [bucket]);
    expect(stack.violations[0].message).toContain("bucket from-state is not versioned");
  });

  it("marks other resource types not applicable, with the policy's reason", async () => {
    const claim = "mcp-ollama-persistentvolumeclaim-ollama-models";
    const report = await run([roleBounds], [resource(claim)]);
    expect(report.violations).toEqual([]);
    expect(report.notApplicable).toEqual([{ policy: "memory-within-role-bounds", resource: claim, reason: expect.stringContaining("Policy only applies to containers") }]);
  });

  it("turns a read of an unknown value into an advisory 'can't run during preview'", async () => {
    const report = await run([roleBounds], [hubLimit(UNKNOWN_STRING)], { "memory-within-role-bounds": "mandatory" });
    expect(report.violations).toEqual([
      {
        policy: "memory-within-role-bounds",
        enforcementLevel: "advisory",
        resource: HUB,
        message: "can't run during preview: string value at .spec.template.spec.containers.0.resources.limits.memory can't be known during preview",
      },
    ]);
  });

  it("still judges memory when a fresh preview knows neither the image nor the env", async () => {
    const preview = hub((c) => {
      Object.assign(c, { image: UNKNOWN_STRING, env: UNKNOWN_ARRAY });
      c.resources.limits.memory = "128Mi";
    });
    const report = await run([roleBounds], [preview]);
    expect(report.violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
      ["mandatory", expect.stringContaining("memory limit 128Mi is below the minimum 512Mi")],
    ]);
  });

  it("skips disabled policies and reports remediate as mandatory", async () => {
    expect((await run([roleBounds], [hubLimit("128Mi")], { "memory-within-role-bounds": "disabled" })).violations).toEqual([]);
    const remediate = await run([roleBounds], [hubLimit("128Mi")], { "memory-within-role-bounds": "remediate" });
    expect(remediate.violations.map((v) => v.enforcementLevel)).toEqual(["mandatory"]);
  });

  it("hands each policy its own config with defaults filled in", async () => {
    const report = await run([roleBounds], [hubLimit("128Mi")], { "memory-within-role-bounds": { hubMinLimit: "64Mi" } });
    expect(report.violations).toEqual([]);
  });
});
