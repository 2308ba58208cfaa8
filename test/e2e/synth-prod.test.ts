import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { unwrapSecrets } from "../../scripts/lib/mockEngine";
import { collectFiles, synthesize, type SynthResult } from "../../scripts/lib/synthesize";
import { SCHEMA_VERSION, schemaFitsCluster, validateObject } from "../support/kubernetesSchema";
import { HELM_RELEASE, runStack } from "../support/mockStack";
import { ROOT } from "../support/repo";

let result: Extract<SynthResult, { ok: true }>;
let dir: string;

beforeAll(async () => {
  const r = await synthesize({ stack: "prod", configFile: path.join(ROOT, "Pulumi.prod.yaml") });
  if (!r.ok) throw new Error(r.error);
  result = r;
  dir = mkdtempSync(path.join(tmpdir(), "prod-synth-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("synth of the prod stack", () => {
  it("validates with a schema no newer than the cluster version the prod stack creates", () => {
    const cluster = result.run.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!.inputs as { version: string };
    expect(cluster.version).toBe("1.35");
    expect(SCHEMA_VERSION).toBe("1.33");
    expect(schemaFitsCluster(cluster.version)).toBe(true);
    expect(schemaFitsCluster("1.32")).toBe(false);
  });

  it("declares Kubernetes objects that all validate against the Kubernetes OpenAPI schema", () => {
    // Secret values unwrapped: the schema checks their shape, the synth output only shows "[secret]".
    // The load balancer controller's Helm release is no API object (test/kubernetes/prod-load-balancer.test.ts checks it).
    const objects = result.run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE);
    expect(objects.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const r of objects) {
      try {
        validateObject(unwrapSecrets(r.inputs) as { apiVersion: string; kind: string });
      } catch (error) {
        failures.push(`${r.type} ${r.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("catches an object that breaks the schema (the validator is live)", () => {
    const deployment = result.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!.inputs as any;
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: "three" } };
    expect(() => validateObject(broken)).toThrow();
  });

  it("writes the rendered files of the prod stack", () => {
    const files = collectFiles(result.run);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["nginx.conf", "prometheus.yml", "alert-rules.yml", "alertmanager.yml", "blackbox.yml", "backup-aws.sh", "restore-aws.sh"]),
    );
  });

  it("renders alert rules, Alertmanager and Prometheus configs that the real tools accept", () => {
    const files = collectFiles(result.run);
    for (const name of ["alert-rules.yml", "alertmanager.yml"]) writeFileSync(path.join(dir, name), files[name]);
    execFileSync("promtool", ["check", "rules", path.join(dir, "alert-rules.yml")], { stdio: "pipe" });
    execFileSync("amtool", ["check-config", path.join(dir, "alertmanager.yml")], { stdio: "pipe" });
    // Debian's promtool is built without Kubernetes service discovery, so the kubernetes_sd jobs
    // cannot be checked here; everything else is. Syntax only: the rule file exists in the pod.
    const config = parse(files["prometheus.yml"]);
    const sdJobs = config.scrape_configs.filter((j: any) => j.kubernetes_sd_configs);
    expect(sdJobs.map((j: any) => j.job_name)).toEqual(["mcp-hub", "probe-hub-health", "nginx", "node-exporter", "dcgm-exporter", "kubelet-cadvisor", "kubelet"]);
    config.scrape_configs = config.scrape_configs.filter((j: any) => !j.kubernetes_sd_configs);
    writeFileSync(path.join(dir, "prometheus.yml"), stringify(config));
    execFileSync("promtool", ["check", "config", "--syntax-only", path.join(dir, "prometheus.yml")], { stdio: "pipe" });
  });

  it("renders backup and restore scripts that sh parses", () => {
    const files = collectFiles(result.run);
    for (const name of ["backup-aws.sh", "backup-neo4j.sh", "restore-aws.sh", "restore-neo4j.sh"]) {
      const file = path.join(dir, name);
      writeFileSync(file, files[name]);
      execFileSync("sh", ["-n", file], { stdio: "pipe" });
    }
  });

  it("keeps generated secrets out of what it writes", () => {
    const written = JSON.stringify(result.resources) + Object.values(collectFiles(result.run)).join("\n");
    expect(result.run.generatedSecrets.length).toBeGreaterThan(0);
    for (const secret of result.run.generatedSecrets) expect(written).not.toContain(secret);
    expect(readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).not.toMatch(/password|secret:/i);
  });
});

describe("synth of the dev stack next to it", () => {
  it("still deploys everything on Docker, with no cluster or Kubernetes resources", async () => {
    // index.ts is loaded once per process (by the prod synth above): run the component directly.
    const dev = await runStack("dev");
    const types = new Set(dev.resources.map((r) => r.type));
    expect([...types].filter((t) => /^kubernetes:|^pulumi:providers:kubernetes|^aws:(eks|ec2|iam)\//.test(t))).toEqual([]);
    expect(dev.resources.filter((r) => r.type === "docker:index/container:Container").length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(collectFiles(dev))).toEqual(expect.arrayContaining(["nginx.conf", "prometheus.yml", "alert-rules.yml", "mcp-backup"]));
  });
});
