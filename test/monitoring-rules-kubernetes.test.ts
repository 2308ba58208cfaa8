/**
 * The Kubernetes variants of the alert rules (what the prod stack renders), unit-tested with the
 * real promtool like the Docker ones: kubelet cAdvisor labels, discovered hub pods, and the
 * kube-state-metrics and volume alerts only Kubernetes has. Every alert the prod stack renders has
 * a firing and a quiet case here or in the target-neutral cases.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMUNITY_CASES, promtoolTestFile } from "./support/alertScenarios";
import { KUBERNETES_CASES } from "./support/alertScenariosKubernetes";
import { PLATFORM_CASES } from "./support/alertScenariosPlatform";
import { exportedMetrics, metricNames } from "./support/metricCatalog";
import { runTool, tempFiles } from "./support/exec";
import { kubernetesPrometheusFiles } from "./support/stackFiles";
import { promtoolCheckRules } from "./support/validators";

const rules = kubernetesPrometheusFiles()["alert-rules.yml"];
const dir = tempFiles({ "prod.yml": rules });
afterAll(() => dir.cleanup());

const alerts = (parse(rules) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
const names = [...new Set(alerts.map((r) => r.alert))].sort();
/** Target-neutral alerts keep their Docker cases (same job names and labels); Docker-only ones are not rendered here. */
const DOCKER_ONLY = ["ContainerOOMKilled", "ContainerRestarting"];
const casesFor = (alert: string) => {
  const own = KUBERNETES_CASES.filter((c) => c.alert === alert);
  return own.length ? own : [...COMMUNITY_CASES, ...PLATFORM_CASES].filter((c) => c.alert === alert);
};

describe("prod (Kubernetes) alert rules", () => {
  it("pass promtool check rules", () => {
    const r = promtoolCheckRules(rules);
    expect(r.status, r.output).toBe(0);
  });

  it("have the Kubernetes alerts and none of the Docker-only ones", () => {
    for (const a of ["KubePodCrashLooping", "KubeContainerOOMKilled", "KubeContainerRestarting", "KubePersistentVolumeFillingUp", "GPUMemoryNearlyFull", "GPUXidError", "MCPHubUnreachable"]) expect(names).toContain(a);
    for (const a of DOCKER_ONLY) expect(names).not.toContain(a);
  });

  it("read only metrics the stack's sources export", () => {
    const known = exportedMetrics();
    for (const rule of alerts) for (const name of metricNames(rule.expr)) expect(known, `${rule.alert}: ${name}`).toContain(name);
  });

  it("has a firing and a quiet case for every alert (Watchdog cannot be quiet)", () => {
    for (const alert of names) {
      const cases = casesFor(alert);
      expect(cases.some((c) => c.expected.length > 0), `${alert} fires`).toBe(true);
      if (alert !== "Watchdog") expect(cases.some((c) => c.expected.length === 0), `${alert} stays quiet`).toBe(true);
    }
  });

  it.each(names)("%s behaves as its cases say (prod rules)", (alert) => {
    const testFile = dir.file(`${alert}.test.yml`);
    writeFileSync(testFile, promtoolTestFile("prod.yml", casesFor(alert)));
    const r = runTool("promtool", ["test", "rules", testFile], { cwd: dir.dir });
    expect(r.output).toContain("SUCCESS");
    expect(r.status, r.output).toBe(0);
  });
});
