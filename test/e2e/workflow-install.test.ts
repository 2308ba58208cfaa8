/**
 * The workflows' install steps work from a fresh checkout: each `npm ci` a workflow (or one of the
 * repository's composite actions) runs is run here, in a directory holding only the files git
 * tracks for it, as `npm ci --dry-run` (npm checks the lockfile against package.json and refuses a
 * missing one exactly as a real install does, without downloading the packages).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { readWorkflows } from "../../scripts/lib/workflowLint";
import { runTool } from "../support/exec";
import { workflowCommands } from "../support/workflowCommands";

const readLocalAction = (dir: string) => readFileSync(path.join(ROOT, dir, "action.yml"), "utf8");
const installs = [...new Set(readWorkflows(ROOT).flatMap((w) => workflowCommands(w.text, readLocalAction)).filter((c) => /^npm ci\b/.test(c)))];
const tracked = new Set(execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n"));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A checkout with only what git tracks of the npm project at `prefix`. */
function freshCheckout(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fresh-checkout-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, prefix), { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) {
    const rel = path.posix.join(prefix, file);
    if (tracked.has(rel)) copyFileSync(path.join(ROOT, rel), path.join(dir, rel));
  }
  return dir;
}

describe("workflow install steps", () => {
  it("are the root install and the policy pack's", () => {
    expect(installs).toEqual(["npm ci", "npm ci --prefix policies"]);
  });

  it.each(installs)("`%s` succeeds from a fresh checkout", (command) => {
    const args = command.split(/\s+/).slice(1);
    const prefix = args.includes("--prefix") ? args[args.indexOf("--prefix") + 1] : ".";
    const r = runTool("npm", [...args, "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: freshCheckout(prefix) });
    expect(r.status, r.output).toBe(0);
  }, 90_000);

  it("fails the way CI did when the lockfile is missing (the check is live)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "no-lockfile-"));
    dirs.push(dir);
    copyFileSync(path.join(ROOT, "policies", "package.json"), path.join(dir, "package.json"));
    const r = runTool("npm", ["ci", "--dry-run", "--ignore-scripts"], { cwd: dir });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/package-lock\.json/);
  }, 90_000);
});
