/**
 * The offline harness behaves like the engine's analyzer: resource policies see inputs behind
 * the unknown-checking proxy, stack policies see outputs, `notApplicable` is recorded, and
 * enforcement levels (disabled, remediate) are applied as the analyzer applies them.
 */
import { describe, expect, it } from "vitest";
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../policies/src";
import { reconcilePolicyConfig } from "../scripts/lib/policyConfig";
import { runPolicies } from "../scripts/lib/policyHarness";
import { record } from "./support/kubernetesStack";

/** The analyzer's sentinels for values not known until the update (from @pulumi/policy). */
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

const hubContainer = (memory: unknown, outputs?: Record<string, unknown>) => {
  const r = record("docker:index/container:Container", "mcp-hub-1", {
    name: "mcp-hub-1",
    memory,
    memoryReservation: 256,
    labels: [{ label: "app.kubernetes.io/component", value: "hub" }, { label: "app.kubernetes.io/name", value: "mcp-hub" }],
  });
  return outputs ? { ...r, outputs } : r;
};

async function run(list: Policies, resources: ReturnType<typeof record>[], file: Record<string, unknown> = {}) {
  const { config, errors } = reconcilePolicyConfig(list, file);
  expect(errors).toEqual([]);
  return runPolicies(list, resources, config, { stack: "dev" });
}

const roleBounds = policies.find((p) => p.name === "memory-within-role-bounds") as ResourceValidationPolicy;
const bucketPolicy = policies.find((p) => p.name === "backup-bucket-protection") as StackValidationPolicy;

describe("policy harness", () => {
  it("gives resource policies the inputs, and stack policies the outputs", async () => {
    // Inputs say 128 MiB; the (fictitious) state says 1 GiB: the resource policy must judge 128.
    const report = await run([roleBounds], [hubContainer(128, { memory: 1024 })]);
    expect(report.violations.map((v) => v.message)).toEqual([expect.stringContaining("memory limit 128Mi is below the minimum 512Mi")]);
    const bucket = { ...record("aws:s3/bucket:Bucket", "b", {}), outputs: { bucket: "from-state" } };
    const stack = await run([bucketPolicy], [bucket]);
    expect(stack.violations[0].message).toContain("bucket from-state is not versioned");
  });

  it("marks other resource types not applicable, with the policy's reason", async () => {
    const report = await run([roleBounds], [record("docker:index/volume:Volume", "v", { name: "v" })]);
    expect(report.violations).toEqual([]);
    expect(report.notApplicable).toEqual([{ policy: "memory-within-role-bounds", resource: "v", reason: expect.stringContaining("Policy only applies to containers") }]);
  });

  it("turns a read of an unknown value into an advisory 'can't run during preview'", async () => {
    const report = await run([roleBounds], [hubContainer(UNKNOWN_NUMBER)], { "memory-within-role-bounds": "mandatory" });
    expect(report.violations).toEqual([
      {
        policy: "memory-within-role-bounds",
        enforcementLevel: "advisory",
        resource: "mcp-hub-1",
        message: "can't run during preview: number value at .memory can't be known during preview",
      },
    ]);
  });

  it("still judges memory when a fresh preview knows neither the image id nor the secret-bearing env", async () => {
    const preview = record("docker:index/container:Container", "mcp-hub-1", { ...hubContainer(128).inputs, image: UNKNOWN_STRING, envs: UNKNOWN_ARRAY });
    const report = await run([roleBounds], [preview]);
    expect(report.violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
      ["mandatory", expect.stringContaining("memory limit 128Mi is below the minimum 512Mi")],
    ]);
  });

  it("skips disabled policies and reports remediate as mandatory", async () => {
    expect((await run([roleBounds], [hubContainer(128)], { "memory-within-role-bounds": "disabled" })).violations).toEqual([]);
    const remediate = await run([roleBounds], [hubContainer(128)], { "memory-within-role-bounds": "remediate" });
    expect(remediate.violations.map((v) => v.enforcementLevel)).toEqual(["mandatory"]);
  });

  it("hands each policy its own config with defaults filled in", async () => {
    const report = await run([roleBounds], [hubContainer(128)], { "memory-within-role-bounds": { hubMinLimit: "64Mi" } });
    expect(report.violations).toEqual([]);
  });
});
