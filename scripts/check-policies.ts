/**
 * Runs the policy pack offline against a stack's synth, as `pulumi preview --policy-pack
 * policies --policy-pack-config policies/config/<stack>.json` would:
 *
 *   npm run check-policies -- --stack <dev|prod> [--config FILE] [--policy-config FILE]
 *
 * --config is the stack config (default Pulumi.<stack>.yaml), --policy-config the policy pack
 * config (default policies/config/<stack>.json). Prints violations grouped by policy. Exit 0:
 * no mandatory violation; 1: a mandatory policy is violated; 2: the stack or the policy config
 * could not be read.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { policies } from "../policies/src";
import { reconcilePolicyConfig } from "./lib/policyConfig";
import { formatReport, hasMandatoryViolation, runPolicies } from "./lib/policyHarness";
import { synthesize } from "./lib/synthesize";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, config: { type: "string" }, "policy-config": { type: "string" } },
  });
  const stack = values.stack;
  if (!stack || !/^[a-zA-Z0-9_.-]+$/.test(stack)) {
    console.error("usage: npm run check-policies -- --stack <dev|prod> [--config FILE] [--policy-config FILE]");
    return 2;
  }
  const root = path.resolve(__dirname, "..");
  const policyConfigFile = values["policy-config"] ?? path.join(root, "policies", "config", `${stack}.json`);
  const { config, errors } = reconcilePolicyConfig(policies, JSON.parse(readFileSync(policyConfigFile, "utf8")));
  if (errors.length) {
    console.error(`${policyConfigFile} is not a valid policy config:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    return 2;
  }
  const synth = await synthesize({ stack, configFile: values.config ?? path.join(root, `Pulumi.${stack}.yaml`) });
  if (!synth.ok) {
    console.error(`stack ${stack} could not be synthesized: ${synth.error}`);
    return 2;
  }
  const report = await runPolicies(policies, synth.run.resources, config, { stack });
  const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  console.log(
    `check-policies ${stack}: ${policies.length} policies on ${synth.run.resources.length} resources: ` +
      `${report.violations.length} violation(s), ${mandatory} mandatory`,
  );
  if (report.violations.length) console.log(formatReport(report));
  return hasMandatoryViolation(report) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
