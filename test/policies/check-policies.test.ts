/**
 * `npm run check-policies` end to end: synth, policies, grouped output and exit codes.
 */
import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { tempFiles, type ToolResult } from "../support/exec";
import { policyConfigFile } from "../support/policyRuns";


/** Runs the CLI without blocking the test worker (a synth takes seconds; the worker must keep talking to vitest). */
function checkPolicies(...args: string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile("npm", ["run", "--silent", "check-policies", "--", ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** The dev stack with the hub cut to 128Mi (its request below it, so the config itself is valid). */
const files = tempFiles({
  "Pulumi.small-hub.yaml": [
    "config:",
    "  mcp-superserver:target: docker",
    "  mcp-superserver:hub:",
    "    resources:",
    "      limits: { memory: 128Mi }",
    "      requests: { memory: 64Mi }",
    "",
  ].join("\n"),
  "bad-policy-config.json": JSON.stringify({ "memory-limit-request-ratio": { maxRatio: "two" } }),
});
afterAll(() => files.cleanup());

describe("npm run check-policies", () => {
  it("dev: passes with no violation, exit 0", async () => {
    const r = await checkPolicies("--stack", "dev");
    expect(r.status, r.output).toBe(0);
    expect(r.stdout).toMatch(/^check-policies dev: 15 policies on \d+ resources: 0 violation\(s\), 0 mandatory$/m);
  });

  it("hub memory 128Mi under the mandatory (prod) config: exit 1, naming the memory policy and each hub container", async () => {
    const r = await checkPolicies("--stack", "dev", "--config", files.file("Pulumi.small-hub.yaml"), "--policy-config", policyConfigFile("prod"));
    expect(r.status, r.output).toBe(1);
    expect(r.stdout).toContain("memory-within-role-bounds [mandatory]: 3 violation(s)");
    for (const replica of ["mcp-hub-1", "mcp-hub-2", "mcp-hub-3"]) {
      expect(r.stdout).toContain(
        `  ${replica}: mcp-hub (${replica}) (role hub): memory limit 128Mi is below the minimum 512Mi; raise mcp-superserver:hub.resources.limits.memory to at least 512Mi`,
      );
    }
  });

  it("the same stack under the advisory (dev) config: reported, exit 0", async () => {
    const r = await checkPolicies("--stack", "dev", "--config", files.file("Pulumi.small-hub.yaml"));
    expect(r.status, r.output).toBe(0);
    expect(r.stdout).toContain("memory-within-role-bounds [advisory]: 3 violation(s)");
  });

  it("an invalid policy config: exit 2 naming the policy and key", async () => {
    const r = await checkPolicies("--stack", "dev", "--policy-config", files.file("bad-policy-config.json"));
    expect(r.status, r.output).toBe(2);
    expect(r.stderr).toContain('memory-limit-request-ratio: maxRatio: "two" is not of type number');
  });

  it("prod: the synthesized Kubernetes stack passes every policy (exit 0)", async () => {
    const r = await checkPolicies("--stack", "prod");
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/check-policies prod: \d+ policies on \d+ resources: 0 violation\(s\)/);
  });
});
