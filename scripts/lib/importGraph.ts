/**
 * The import graph of the repository, read with the TypeScript compiler's parser: static imports
 * and re-exports (type-only ones flagged) and `import()`/`require()` of literal paths. It finds
 * circles, imports from a lower layer up to a higher one, ties between sibling folders of one
 * layer, loose files at components/ root and program files nothing imports.
 * test/architecture.test.ts asserts there are none; `npx tsx scripts/lib/importGraph.ts .`
 * prints them (exit 1 on a circle, an upward or a sideways import).
 */
import * as fs from "node:fs";
import * as path from "node:path";

type TS = typeof import("typescript");

/** Layer rank of a repo-relative file; higher ranks may import lower ones, never the reverse. */
export const LAYERS: ReadonlyArray<{ prefix: string; rank: number; name: string }> = [
  { prefix: "components/catalog/", rank: 0, name: "catalog" },
  { prefix: "components/contracts/", rank: 0, name: "contracts" },
  { prefix: "components/config/", rank: 1, name: "config" },
  { prefix: "components/render/", rank: 2, name: "render" },
  { prefix: "components/workloads/", rank: 3, name: "workloads" },
  // The services deploy workloads through the target interface of workloads/; the adapters below them implement it.
  { prefix: "components/services/", rank: 4, name: "services" },
  { prefix: "components/image/", rank: 5, name: "image" },
  { prefix: "components/docker/", rank: 5, name: "docker" },
  { prefix: "components/kubernetes/", rank: 5, name: "kubernetes" },
  // The cluster builds on the Kubernetes adapter (objects, security contexts); never the reverse.
  { prefix: "components/cluster/", rank: 6, name: "cluster" },
  { prefix: "components/backup/", rank: 7, name: "backup" },
  // A target creates its platform (the cluster on Kubernetes) and declares the backup's parts.
  { prefix: "components/targets/", rank: 8, name: "targets" },
  // The stack's generated secrets, which every target receives.
  { prefix: "components/secrets/", rank: 8, name: "secrets" },
  // superserver.ts, which composes everything, and checks/, the config as the program loads it.
  { prefix: "components/", rank: 9, name: "components" },
  { prefix: "index.ts", rank: 10, name: "program" },
];

export function layerOf(file: string): { rank: number; name: string } | undefined {
  return LAYERS.find((l) => file === l.prefix || file.startsWith(l.prefix));
}

const layerName = (file: string) => layerOf(file)?.name ?? path.posix.dirname(file);

export interface Edge { from: string; to: string; line: number; typeOnly: boolean }
export interface Facts {
  files: string[];
  edges: Edge[];
  cycles: string[][];
  upward: Edge[];
  sideways: Edge[];
  rootFiles: Array<{ file: string; importedBy: string[] }>;
  unused: string[];
}

function listTs(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return fs.existsSync(path.join(root, dir + ".ts")) ? [dir + ".ts"] : [];
  if (fs.statSync(abs).isFile()) return [dir];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : listTs(root, rel);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

function resolve(root: string, fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
  for (const c of [base + ".ts", base + "/index.ts", base]) {
    if (c.endsWith(".ts") && fs.existsSync(path.join(root, c))) return c;
  }
  return undefined;
}

/** Static imports and re-exports (type-only ones flagged) plus require()/import() with literal specifiers. */
function importsOf(ts: TS, text: string): Array<{ spec: string; line: number; typeOnly: boolean }> {
  const sf = ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, true);
  const out: Array<{ spec: string; line: number; typeOnly: boolean }> = [];
  const lineOf = (n: import("typescript").Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (n: import("typescript").Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(n) ? !!n.importClause?.isTypeOnly : n.isTypeOnly;
      out.push({ spec: n.moduleSpecifier.text, line: lineOf(n), typeOnly });
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0]) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === "require"))) {
      out.push({ spec: n.arguments[0].text, line: lineOf(n), typeOnly: false });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Tarjan's strongly connected components; every component of size > 1 (or a self-loop) is a cycle. */
function cyclesOf(files: string[], edges: Edge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [], out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return out;
}

export function analyse(root: string, ts: TS): Facts {
  const program = listTs(root, "components").concat(listTs(root, "index.ts"));
  const others = ["scripts", "test", "bench", "policies/src", "policies/index.ts"].flatMap((d) => listTs(root, d));
  const files = [...program, ...others];
  const edges: Edge[] = [];
  for (const from of files) {
    for (const imp of importsOf(ts, fs.readFileSync(path.join(root, from), "utf8"))) {
      const to = resolve(root, from, imp.spec);
      if (to) edges.push({ from, to, line: imp.line, typeOnly: imp.typeOnly });
    }
  }
  const inProgram = (f: string) => program.includes(f);
  const programEdges = edges.filter((e) => inProgram(e.from) && inProgram(e.to));
  const upward: Edge[] = [], sideways: Edge[] = [];
  for (const e of programEdges) {
    const a = layerOf(e.from)!, b = layerOf(e.to)!;
    if (b.rank > a.rank) upward.push(e);
    else if (b.rank === a.rank && a.name !== b.name && a.name !== "components") sideways.push(e);
  }
  const rootFiles = program
    .filter((f) => /^components\/[^/]+\.ts$/.test(f))
    .map((file) => ({ file, importedBy: [...new Set(edges.filter((e) => e.to === file).map((e) => e.from))].sort() }));
  const imported = new Set(edges.map((e) => e.to));
  const unused = program.filter((f) => f !== "index.ts" && !imported.has(f));
  return { files, edges, cycles: cyclesOf(files, edges), upward, sideways, rootFiles, unused };
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? ".");
  const ts: TS = require(path.join(root, "node_modules/typescript"));
  const f = analyse(root, ts);
  const show = (e: Edge) => `  ${e.from}:${e.line} -> ${e.to}${e.typeOnly ? " (type-only)" : ""}  [${layerName(e.from)} -> ${layerName(e.to)}]`;
  console.log(`files: ${f.files.length}, local import edges: ${f.edges.length}`);
  console.log(`cycles (${f.cycles.length}):`);
  for (const c of f.cycles) {
    console.log("  [" + c.join(", ") + "]");
    f.edges.filter((e) => c.includes(e.from) && c.includes(e.to)).forEach((e) => console.log("    " + show(e).trim()));
  }
  console.log(`upward imports, lower layer -> higher (${f.upward.length}):`);
  f.upward.forEach((e) => console.log(show(e)));
  console.log(`sideways imports between sibling folders of one layer (${f.sideways.length}):`);
  f.sideways.forEach((e) => console.log(show(e)));
  console.log(`loose files at components/ root (${f.rootFiles.length}):`);
  for (const r of f.rootFiles) console.log(`  ${r.file}  <- ${r.importedBy.join(", ") || "(nobody)"}`);
  console.log(`program files nobody imports (${f.unused.length}):`);
  f.unused.forEach((u) => console.log("  " + u));
  const policyImports = f.edges.filter((e) => e.from.startsWith("policies/") && !e.to.startsWith("policies/"));
  console.log(`policy pack imports from outside policies/ (${policyImports.length}):`);
  policyImports.forEach((e) => console.log(`  ${e.from}:${e.line} -> ${e.to}`));
  process.exitCode = f.cycles.length + f.upward.length + f.sideways.length > 0 ? 1 : 0;
}

if (require.main === module) main();
