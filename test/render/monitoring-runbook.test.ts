/** Every alert's runbook_url lands on a section of docs/runbook.md, as GitHub anchors it. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { parse } from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { kubernetesPrometheusFiles, prometheusFiles } from "../support/stackFiles";

const runbook = readFileSync(path.join(ROOT, "docs", "runbook.md"), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const githubAnchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => githubAnchor(m[1])));

interface RuleFile {
  groups: { rules: { alert?: string; annotations: Record<string, string> }[] }[];
}

describe("docs/runbook.md", () => {
  // Both targets' rules: some alerts exist only on Docker (cAdvisor) or only on Kubernetes.
  const rules = [prometheusFiles({ neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" } }), kubernetesPrometheusFiles()].flatMap((files) =>
    (parse(files["alert-rules.yml"]) as RuleFile).groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined),
  );

  it("is where the default runbook_url points", () => {
    expect(parseStackConfig({}).prometheus.runbookUrl).toMatch(/\/docs\/runbook\.md$/);
  });

  it.each([...new Set(rules.map((r) => r.alert))])("has the section %s links to", (alert) => {
    const url = rules.find((r) => r.alert === alert)!.annotations.runbook_url;
    expect(anchors).toContain(url.split("#")[1]);
  });

  it("has no section for an alert that does not exist, and its own links resolve", () => {
    const alertSections = runbook.split(/^## Alerts$/m)[1].match(/^### (.+)$/gm)!.map((h) => h.slice(4));
    expect(alertSections.sort()).toEqual([...new Set(rules.map((r) => r.alert))].sort());
    for (const [, target] of runbook.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors).toContain(target);
  });
});
