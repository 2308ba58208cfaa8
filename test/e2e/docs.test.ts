/** The README and Pulumi.yaml say what the program really accepts and runs. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { configReferenceRows, withConfigReference } from "../../components/config/reference";
import { stackConfigSchema } from "../../components/config/schema";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("its config reference is the one generated from the schema (npm run docs:config)", () => {
    expect(readme).toBe(withConfigReference(readme));
  });

  it("the reference documents every key with a description", () => {
    const rows = configReferenceRows();
    expect(rows.map((r) => r.key)).toContain("hub.resources.limits.memory");
    expect(rows.filter((r) => !r.description).map((r) => r.key)).toEqual([]);
  });

  it("its first commands are install, the dev stack and the tests, all real scripts", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    const commands = firstBlock.split("\n").filter(Boolean).map((l) => l.replace(/\s+#.*$/, "").trim());
    expect(commands).toEqual(["npm ci", "npm run up", "npm test"]);
    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(["up", "down", "synth", "test"]));
  });

  it(".ci/run runs the README's test command", () => {
    expect(readFileSync(path.join(ROOT, ".ci/run"), "utf8")).toMatch(/^npm test\b/m);
  });
});

describe("Pulumi.yaml", () => {
  it("declares every top-level config key of the schema, with a description, and no other", () => {
    const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    const declared = Object.keys(project.config).map((k) => k.replace(/^mcp-superserver:/, ""));
    expect(declared.sort()).toEqual(Object.keys(stackConfigSchema.shape).sort());
    for (const entry of Object.values(project.config) as { description?: string }[]) expect(entry.description).toBeTruthy();
  });
});
