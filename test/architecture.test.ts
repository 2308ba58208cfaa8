/**
 * The import graph of the program: no circle, and no import from a lower layer up to a higher
 * one (catalog/contracts → config → render → workloads → services → docker | kubernetes | image →
 * cluster → backup/components → index.ts; LAYERS in scripts/lib/importGraph.ts). Measured with the
 * TypeScript compiler's parser over the real files, and checked on a small graph made to fail
 * so that the check itself can fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { analyse, type Edge } from "../scripts/lib/importGraph";
import { ROOT } from "./support/repo";

const facts = analyse(ROOT, ts);
const shown = (edges: Edge[]) => edges.map((e) => `${e.from}:${e.line} -> ${e.to}`);

describe("the import graph", () => {
  it("reads the program, the scripts, the tests and the policy pack", () => {
    expect(facts.files).toEqual(expect.arrayContaining(["index.ts", "components/superserver.ts", "scripts/synth.ts", "policies/src/index.ts"]));
  });

  it("has no circle", () => {
    expect(facts.cycles).toEqual([]);
  });

  it("has no import from a lower layer up to a higher one", () => {
    expect(shown(facts.upward)).toEqual([]);
  });

  it("has no tie between sibling folders of one layer (docker and kubernetes know nothing of each other)", () => {
    expect(shown(facts.sideways)).toEqual([]);
  });

  it("keeps only the composing component at the root of components/", () => {
    expect(facts.rootFiles.map((r) => r.file)).toEqual(["components/superserver.ts"]);
  });

  it("has no program file that nothing imports", () => {
    expect(facts.unused).toEqual([]);
  });

  it("lets the policy pack read only the ground floor and the config schema (catalog, contracts, config)", () => {
    const outside = facts.edges.filter((e) => e.from.startsWith("policies/") && !e.to.startsWith("policies/"));
    expect(shown(outside.filter((e) => !/^components\/(catalog|contracts|config)\//.test(e.to)))).toEqual([]);
  });
});

describe("the check itself", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "import-graph-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  file("components/config/a.ts", 'import { b } from "./b";\nimport { up } from "../cluster/up";\nexport const a = b + up;\n');
  file("components/config/b.ts", 'import type { a } from "./a";\nexport const b = 1;\nexport type A = typeof a;\n');
  file("components/cluster/up.ts", "export const up = 1;\n");
  file("components/docker/d.ts", 'export { k } from "../kubernetes/k";\n');
  file("components/kubernetes/k.ts", "export const k = 1;\n");
  file("components/loose.ts", "export const loose = 1;\n");
  file("index.ts", 'import "./components/config/a";\nimport "./components/docker/d";\n');
  const bad = analyse(dir, ts);

  it("finds a circle made by a type-only import", () => {
    expect(bad.cycles).toEqual([["components/config/a.ts", "components/config/b.ts"]]);
  });

  it("finds an upward import and a sideways re-export", () => {
    expect(shown(bad.upward)).toEqual(["components/config/a.ts:2 -> components/cluster/up.ts"]);
    expect(shown(bad.sideways)).toEqual(["components/docker/d.ts:1 -> components/kubernetes/k.ts"]);
  });

  it("finds a loose root file that nothing imports", () => {
    expect(bad.rootFiles.map((r) => r.file)).toEqual(["components/loose.ts"]);
    expect(bad.unused).toEqual(["components/loose.ts"]);
  });
});
