/**
 * The Kubernetes variants of the alert rules (what the prod stack renders), unit-tested with the
 * real promtool like the Docker ones: kubelet cAdvisor labels, discovered hub pods, and the
 * kube-state-metrics, volume and GPU alerts only Kubernetes has. A rule rendered exactly as on
 * Docker (same expression, `for`, labels and annotations) is covered by the Docker run; every other
 * alert has its own firing and quiet cases here.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMUNITY_CASES, promtoolTestFile } from "../support/alertScenarios";
import { KUBERNETES_CASES } from "../support/alertScenariosKubernetes";
import { PLATFORM_CASES } from "../support/alertScenariosPlatform";
import { exportedMetrics, metricNames } from "../support/metricCatalog";
import { runToolAsync, tempFiles } from "../support/exec";
import { kubernetesPrometheusFiles, prometheusFiles } from "../support/stackFiles";
import { promtoolCheckRules } from "../support/validators";

const rules = kubernetesPrometheusFiles()["alert-rules.yml"];
const dir = tempFiles({ "prod.yml": rules });
afterAll(() => dir.cleanup());

type Rule = { alert?: string; record?: string; expr: string };
const everyRule = (text: string) => (parse(text) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const rulesOf = (text: string) => everyRule(text).filter((r): r is Rule & { alert: string } => r.alert !== undefined);
const alerts = rulesOf(rules);
const dockerAlerts = rulesOf(prometheusFiles()["alert-rules.yml"]);
const names = [...new Set(alerts.map((r) => r.alert))].sort();
const DOCKER_ONLY = ["ContainerOOMKilled", "ContainerRestarting"];
const sameAsDocker = (alert: string) =>
  JSON.stringify(alerts.filter((r) => r.alert === alert)) === JSON.stringify(dockerAlerts.filter((r) => r.alert === alert));
const ownCases = (alert: string) => KUBERNETES_CASES.filter((c) => c.alert === alert);
const runHere = names.filter((a) => ownCases(a).length > 0);

describe("prod (Kubernetes) alert rules", () => {
  it("pass promtool check rules", () => {
    const r = promtoolCheckRules(rules);
    expect(r.status, r.output).toBe(0);
  });

  it("have the Kubernetes alerts and none of the Docker-only ones", () => {
    for (const a of ["KubePodCrashLooping", "KubeContainerOOMKilled", "KubeContainerRestarting", "KubePersistentVolumeFillingUp", "GPUMemoryNearlyFull", "GPUXidError", "MCPHubUnreachable"]) expect(names).toContain(a);
    for (const a of DOCKER_ONLY) expect(names).not.toContain(a);
  });

  it("read only metrics the stack's sources export, or series the same file records", () => {
    const known = new Set([...exportedMetrics(), ...everyRule(rules).flatMap((r) => (r.record ? [r.record] : []))]);
    for (const rule of everyRule(rules)) for (const name of metricNames(rule.expr)) expect(known, `${rule.alert ?? rule.record}: ${name}`).toContain(name);
  });

  it("has a firing and a quiet case for every alert not rendered exactly as on Docker (Watchdog cannot be quiet)", () => {
    for (const alert of names) {
      const cases = ownCases(alert);
      if (cases.length === 0) {
        expect(sameAsDocker(alert), `${alert} differs from Docker's rule: give it Kubernetes cases`).toBe(true);
        expect([...COMMUNITY_CASES, ...PLATFORM_CASES].some((c) => c.alert === alert), `${alert} has Docker cases`).toBe(true);
        continue;
      }
      expect(cases.some((c) => c.expected.length > 0), `${alert} fires`).toBe(true);
      expect(cases.some((c) => c.expected.length === 0), `${alert} stays quiet`).toBe(true);
    }
  });

  it.each(runHere)("%s behaves as its cases say (prod rules)", async (alert) => {
    const testFile = dir.file(`${alert}.test.yml`);
    writeFileSync(testFile, promtoolTestFile("prod.yml", ownCases(alert)));
    const r = await runToolAsync("promtool", ["test", "rules", testFile], { cwd: dir.dir });
    expect(r.output).toContain("SUCCESS");
    expect(r.status, r.output).toBe(0);
  });
});
