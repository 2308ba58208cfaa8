/**
 * The commands a GitHub workflow runs, as a reader of the README would type them: every line of
 * every `run:` script (also inside the repository's own composite actions), and for each
 * `pulumi/actions` step the Pulumi CLI command the action runs through the Automation API.
 * Matrix values are substituted, one command per combination.
 */
import { parse } from "yaml";

type Inputs = Record<string, string | number | boolean>;

interface Step {
  run?: string;
  uses?: string;
  with?: Inputs;
}

interface Job {
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
}

/**
 * Inputs of pulumi/actions that decide where it logs in, which CLI it installs or where it
 * reports, but not the command it runs.
 */
const pulumiReportingInputs = new Set([
  "pulumi-version",
  "cloud-url",
  "github-token",
  "comment-on-pr",
  "edit-pr-comment",
  "always-include-summary",
  "comment-on-summary",
]);

/** Inputs of pulumi/actions that this module turns into the CLI command. */
const pulumiCommandInputs = new Set(["command", "stack-name", "diff", "policyPacks", "policyPackConfigs", "plan"]);

/** The shell commands of a `run:` script: its lines, without blank lines and comments. */
export function scriptCommands(script: string): string[] {
  return script
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * The CLI command pulumi/actions runs for these inputs (the Automation API's `up` adds `--yes
 * --skip-preview`; `plan` is `--save-plan` on a preview and `--plan` on an update). An input this
 * function does not know fails, so a new one cannot change the command unnoticed.
 */
export function pulumiActionCommand(inputs: Inputs): string {
  const unknown = Object.keys(inputs).filter((k) => !pulumiReportingInputs.has(k) && !pulumiCommandInputs.has(k));
  if (unknown.length > 0) throw new Error(`pulumi/actions inputs without a CLI equivalent here: ${unknown.join(", ")}`);
  const command = String(inputs.command);
  if (command !== "preview" && command !== "up") throw new Error(`pulumi/actions command "${command}": expected preview or up`);
  const args = ["pulumi", command];
  if (command === "up") args.push("--yes", "--skip-preview");
  args.push("--stack", String(inputs["stack-name"]));
  if (String(inputs.diff) === "true") args.push("--diff");
  for (const pack of lines(inputs.policyPacks)) args.push("--policy-pack", pack);
  for (const config of lines(inputs.policyPackConfigs)) args.push("--policy-pack-config", config);
  if (inputs.plan !== undefined) args.push(command === "preview" ? "--save-plan" : "--plan", String(inputs.plan));
  return args.join(" ");
}

/**
 * Every command of the workflow, in order of appearance, each once. `readLocalAction` returns the
 * action.yml of a step `uses: ./<dir>` (a composite action of the repository).
 */
export function workflowCommands(workflowYaml: string, readLocalAction: (dir: string) => string): string[] {
  const workflow = parse(workflowYaml) as { jobs: Record<string, Job> };
  const commands: string[] = [];
  for (const job of Object.values(workflow.jobs)) {
    for (const matrix of matrixCombinations(job.strategy?.matrix)) {
      commands.push(...stepsCommands(job.steps ?? [], readLocalAction).map((c) => withMatrix(c, matrix)));
    }
  }
  return [...new Set(commands)];
}

function stepsCommands(steps: Step[], readLocalAction: (dir: string) => string): string[] {
  return steps.flatMap((step) => {
    if (step.run !== undefined) return scriptCommands(step.run);
    if (step.uses?.startsWith("./")) {
      const action = parse(readLocalAction(step.uses)) as { runs: { using: string; steps?: Step[] } };
      if (action.runs.using !== "composite") throw new Error(`${step.uses}: only composite actions are read`);
      return stepsCommands(action.runs.steps ?? [], readLocalAction);
    }
    return isPulumiAction(step) ? [pulumiActionCommand(step.with ?? {})] : [];
  });
}

function isPulumiAction(step: Step): boolean {
  return step.uses?.startsWith("pulumi/actions@") ?? false;
}

/** Multi-line inputs carry one value per line, as @actions/core's getMultilineInput reads them. */
function lines(value: Inputs[string] | undefined): string[] {
  return value === undefined ? [] : scriptCommands(String(value));
}

/** The combinations of a matrix's list-valued keys (one empty combination without a matrix). */
function matrixCombinations(matrix: Record<string, unknown> | undefined): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    if (!Array.isArray(values)) throw new Error(`matrix.${key}: only lists of values are expanded`);
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) })));
  }
  return combinations;
}

/** Substitutes `${{ matrix.key }}`; any other expression in a command is an error. */
function withMatrix(command: string, matrix: Record<string, string>): string {
  const expanded = command.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (whole, key: string) => matrix[key] ?? whole);
  if (expanded.includes("${{")) throw new Error(`command keeps an expression the README cannot show: ${expanded}`);
  return expanded;
}
