/**
 * One command for the dev stack on local Docker, through Pulumi's Automation API: runs this
 * project's index.ts exactly as `pulumi up` would, with state and secrets kept in the project.
 *
 *   npm run up     # create or select the `dev` stack and deploy it
 *   npm run down   # destroy it (data volumes are kept)
 */
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { findPulumiCli, planLocalStack, type CliFinder } from "./lib/localStack";

export interface StackDeps {
  finder: CliFinder;
  createOrSelectStack: (args: { stackName: string; workDir: string }, opts: { envVars: Record<string, string>; pulumiCommand: PulumiCommand }) => Promise<Pick<Stack, "up" | "destroy">>;
  write: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const realDeps: StackDeps = {
  finder: PulumiCommand,
  createOrSelectStack: (args, opts) => LocalWorkspace.createOrSelectStack(args, opts),
  write: (text) => process.stdout.write(text),
  env: process.env,
};

export async function runStack(action: string, workDir: string, deps: StackDeps): Promise<number> {
  if (action !== "up" && action !== "down") {
    deps.write("usage: npm run up | npm run down\n");
    return 2;
  }
  const plan = planLocalStack(workDir, deps.env);
  deps.write(`state: ${plan.backendDir}\nsecrets passphrase: ${plan.passphraseSource}\n`);
  const pulumiCommand = await findPulumiCli(deps.finder, plan.cliRoot, (line) => deps.write(`${line}\n`));
  const stack = await deps.createOrSelectStack(
    { stackName: plan.stackName, workDir: plan.workDir },
    { envVars: plan.envVars, pulumiCommand },
  );
  const onOutput = deps.write;
  if (action === "down") {
    await stack.destroy({ onOutput });
    return 0;
  }
  const result = await stack.up({ onOutput });
  for (const [key, output] of Object.entries(result.outputs)) {
    deps.write(`${key}: ${output.secret ? "[secret] (pulumi stack output --show-secrets)" : String(output.value)}\n`);
  }
  return 0;
}

if (require.main === module) {
  runStack(process.argv[2] ?? "", path.resolve(__dirname, ".."), realDeps).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
