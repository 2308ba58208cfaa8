/**
 * Offline synth, like `helm template`: evaluates the program for a stack under Pulumi's mock
 * engine and writes what it would declare, for review and for CI without a cloud.
 *
 *   npm run synth -- --stack <dev|prod> [--config FILE] [--out DIR]
 *
 * DIR/resources.json: one entry per resource (type, name, parent, inputs; secrets "[secret]").
 * DIR/files/: the rendered config files (nginx.conf, prometheus.yml, alert-rules.yml, ...).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackFileError } from "./lib/stackConfigFile";
import { synthesize, writeSynthOutput } from "./lib/synthesize";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
    },
  });
  const stack = values.stack;
  if (!stack || !/^[a-zA-Z0-9_.-]+$/.test(stack)) {
    console.error("usage: npm run synth -- --stack <dev|prod> [--config FILE] [--out DIR]");
    return 2;
  }
  const root = path.resolve(__dirname, "..");
  const configFile = values.config ?? path.join(root, `Pulumi.${stack}.yaml`);
  const out = path.resolve(values.out ?? path.join(root, "synth", stack));

  const result = await synthesize({ stack, configFile });
  if (!result.ok) {
    console.error(result.error);
    return 1;
  }
  const files = writeSynthOutput(out, result);
  console.log(`synth ${stack}: ${result.resources.length} resources, ${files.length} files -> ${out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    // A stack file the user must fix gets its message; anything else is a bug and keeps its trace.
    console.error(error instanceof StackFileError ? error.message : error);
    process.exit(1);
  },
);
