/** The README and Pulumi.yaml say what the program really accepts and runs. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { configReferenceRows, withConfigReference } from "../../components/config/reference";
import { stackConfigSchema } from "../../components/config/schema";
import { ALERT_REFERENCE_START, withAlertReference } from "../../components/render/alerts/reference";
import { kubernetesPrometheusFiles, prometheusFiles } from "../support/stackFiles";

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

  it("its alert table is the one generated from the alert domains (npm run docs:config)", () => {
    expect(readme).toBe(withAlertReference(readme));
    const drifted = readme.replace("| hub | [`MCPHubDown`](docs/runbook.md#mcphubdown) | critical |", "| hub | [`MCPHubDown`](docs/runbook.md#mcphubdown) | warning |");
    expect(drifted).not.toBe(readme);
    expect(withAlertReference(drifted)).not.toBe(drifted);
  });

  it("its alert table lists every alert the dev (Enterprise) and prod stacks render, and says where each exists", () => {
    const table = readme.slice(readme.indexOf(ALERT_REFERENCE_START)).split("\n\n")[0];
    const rows = [...table.matchAll(/^\| (\S+) \| \[`(\w+)`\]\(docs\/runbook\.md#(\w+)\) \| (\w+) \| (.*) \| (.*) \|$/gm)];
    const rendered = [prometheusFiles({ neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" } }), kubernetesPrometheusFiles()].flatMap((f) =>
      (parse(f["alert-rules.yml"]) as { groups: { rules: { alert?: string }[] }[] }).groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))),
    );
    expect([...new Set(rows.map((r) => r[2]))].sort()).toEqual([...new Set(rendered)].sort());
    const row = (alert: string) => rows.filter((r) => r[2] === alert).map((r) => [r[1], r[4], r[5], r[6]]);
    expect(row("GPUXidError")).toEqual([["gpu", "critical", "The GPU reported an XID error", "Kubernetes, GPU node"]]);
    expect(row("ContainerOOMKilled")).toEqual([["workloads", "warning", "A container was OOM-killed", "Docker"]]);
    expect(row("Neo4jSlowQueries")).toEqual([["neo4j", "warning", "Neo4j queries are slow", "Neo4j Enterprise"]]);
    expect(row("HighMemoryUsage")).toEqual([["resources", "warning", "`<service>` memory is near its limit", ""]]);
    expect(row("KubePersistentVolumeFillingUp").map((r) => r[1])).toEqual(["critical", "warning"]);
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
