/** The README and Pulumi.yaml say what the program really accepts and runs. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { configReferenceRows, withConfigReference } from "../../components/config/reference";
import { stackConfigSchema } from "../../components/config/schema";
import { ALERT_REFERENCE_START, withAlertReference } from "../../components/render/alerts/reference";
import { SERVICES_START, withServiceReference } from "../../components/targets/reference";
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

  it("its services table is the one generated from the service registry (npm run docs:config)", () => {
    expect(readme).toBe(withServiceReference(readme));
    const drifted = readme.replace("| Ollama | `mcp-ollama` |", "| Ollama | `mcp-llm` |");
    expect(drifted).not.toBe(readme);
    expect(withServiceReference(drifted)).not.toBe(drifted);
  });

  it("its services table gives the runbook's limits and names and says which target runs what", () => {
    const table = readme.slice(readme.indexOf(SERVICES_START)).split("\n\n")[0];
    const rows = Object.fromEntries([...table.matchAll(/^\| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)].map((r) => [r[1], [r[2], r[3], r[4]]]));
    // RUNBOOK.md "Resource limits": hub 1 CPU / 512M, Neo4j 8G, Ollama 32G; its container names mcp-hub-1..N, mcp-neo4j.
    expect(rows["MCP hub"]).toEqual(["`mcp-hub-1..3`, `mcp-hub-N-sidecar`", "Deployment, 3..10 pods (HPA)", "1 CPU, 512Mi (request 500m, 256Mi)"]);
    expect(rows["Neo4j 5"][2]).toBe("2 CPU, 8Gi (request 2, 8Gi)");
    expect(rows["Ollama"]).toEqual(["`mcp-ollama`", "Deployment, on the GPU nodes", "8 CPU, 32Gi (request 4, 16Gi)"]);
    expect(rows["cAdvisor"][1]).toBe("—");
    expect(rows["kube-state-metrics"][0]).toBe("—");
    expect(rows["node_exporter"][1]).toBe("DaemonSet, in `mcp-node`");
    // 14 services: the hub, Neo4j, Ollama, nginx, Prometheus, Alertmanager, Grafana and seven exporters.
    expect(Object.keys(rows).filter((k) => !["service", "---"].includes(k))).toHaveLength(14);
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
