/**
 * The pack's metadata and config: names, one-sentence descriptions, enforcement levels, config
 * schemas whose defaults are the runbook's, and per-stack configs valid against those schemas
 * through the same reconciliation the CLI performs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBytes, prometheusSchema } from "../../components/config";
import { policies } from "../../policies/src";
import { validateJsonSchema } from "../../scripts/lib/jsonSchema";
import { policyConfigJsonSchema, reconcilePolicyConfig } from "../../scripts/lib/policyConfig";
import { policyConfigFile } from "../support/policyRuns";

const ADVISED = ["neo4j-heap-fixed-size", "gpu-taint-only-for-gpu-workloads"];
const byName = Object.fromEntries(policies.map((p) => [p.name, p]));
const defaults = (name: string) =>
  Object.fromEntries(Object.entries(byName[name].configSchema!.properties).map(([k, s]) => [k, (s as { default?: unknown }).default]));
const stackFile = (stack: string) => JSON.parse(readFileSync(policyConfigFile(stack), "utf8")) as Record<string, unknown>;

describe("policy metadata", () => {
  it("has the issue's policies under unique kebab-case names", () => {
    expect(policies.map((p) => p.name)).toEqual([
      "memory-limits-and-requests",
      "memory-within-role-bounds",
      "memory-limit-request-ratio",
      "neo4j-memory-fits-limit",
      "neo4j-heap-fixed-size",
      "ollama-gpu-placement",
      "gpu-taint-only-for-gpu-workloads",
      "node-pool-capacity",
      "memory-alert-thresholds",
      "images-pinned",
      "hub-high-availability",
      "backup-bucket-protection",
      "internet-facing-service-secured",
      "namespace-default-deny",
      "no-container-keeps-all-capabilities",
    ]);
    for (const p of policies) expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("describes each policy in one sentence", () => {
    for (const p of policies) {
      expect(p.description, p.name).toMatch(/^[A-Z].*\.$/);
      expect(p.description.slice(0, -1), p.name).not.toMatch(/[.!?]\s/);
    }
  });

  it("enforces by default, except the two that only advise", () => {
    for (const p of policies) expect(p.enforcementLevel, p.name).toBe(ADVISED.includes(p.name) ? "advisory" : "mandatory");
  });

  it("gives every config property a description and a default its own schema accepts", () => {
    for (const p of policies) {
      expect(p.configSchema, p.name).toBeDefined();
      for (const [key, schema] of Object.entries(p.configSchema!.properties)) {
        const s = schema as { description?: string; default?: unknown };
        expect(s.description, `${p.name}.${key}`).toBeTruthy();
        expect(validateJsonSchema(s, s.default), `${p.name}.${key}`).toEqual([]);
      }
    }
  });

  it("defaults to the runbook: hub 512Mi..1Gi (its OOM fix), Neo4j 8Gi, Ollama 32Gi, ratio 2, alerts 90/95", () => {
    const bytes = (q: unknown) => (parseBytes(String(q)) as { value: number }).value;
    const bounds = defaults("memory-within-role-bounds");
    expect([bounds.hubMinLimit, bounds.hubMaxLimit].map(bytes)).toEqual([512 * 1024 ** 2, 1024 ** 3]);
    expect(bytes(bounds.neo4jMinLimit)).toBe(8 * 1024 ** 3);
    expect(bytes(bounds.ollamaMinLimit)).toBe(32 * 1024 ** 3);
    expect(defaults("memory-limit-request-ratio").maxRatio).toBe(2);
    // Neo4j's memory guide: "1GB is a good starting point" for the OS beside heap and page cache.
    expect(defaults("neo4j-memory-fits-limit").headroom).toBe("1Gi");
    // The policy and the config the alert rules are rendered from, both at the runbook's 90 % / 95 %.
    const alerts = prometheusSchema.parse({}).alerts;
    expect(defaults("memory-alert-thresholds")).toMatchObject({ warningPercent: 90, criticalPercent: 95 });
    expect([alerts.memoryWarningPercent, alerts.memoryCriticalPercent]).toEqual([90, 95]);
  });
});

describe("per-stack policy config", () => {
  it.each([
    ["dev", "advisory"],
    ["prod", "mandatory"],
  ])("%s.json names every policy, is valid, and enforces at %s", (stack, level) => {
    const file = stackFile(stack);
    expect(Object.keys(file).sort()).toEqual(policies.map((p) => p.name).sort());
    const { config, errors } = reconcilePolicyConfig(policies, file);
    expect(errors).toEqual([]);
    for (const p of policies) {
      // The dev stack runs Ollama on the CPU (Pulumi.dev.yaml): GPU placement does not apply there.
      const expected = stack === "dev" && p.name === "ollama-gpu-placement" ? "disabled" : level;
      expect(config[p.name].enforcementLevel, p.name).toBe(stack === "prod" && ADVISED.includes(p.name) ? "advisory" : expected);
      expect(validateJsonSchema(policyConfigJsonSchema(p), config[p.name].properties), p.name).toEqual([]);
    }
  });

  it("dev relaxes only what MinIO cannot do (bucket encryption, public access block) and the laptop sizes of Pulumi.dev.yaml", () => {
    const { config: dev } = reconcilePolicyConfig(policies, stackFile("dev"));
    const { config: prod } = reconcilePolicyConfig(policies, stackFile("prod"));
    const differing = policies.flatMap((p) =>
      Object.keys(prod[p.name].properties)
        .filter((k) => JSON.stringify(prod[p.name].properties[k]) !== JSON.stringify(dev[p.name].properties[k]))
        .map((k) => `${p.name}.${k}`),
    );
    expect(differing).toEqual([
      "memory-within-role-bounds.neo4jMinLimit",
      "memory-within-role-bounds.ollamaMinLimit",
      "backup-bucket-protection.requireEncryption",
      "backup-bucket-protection.requirePublicAccessBlock",
    ]);
  });

  it("fills defaults, applies `all`, then each policy's level and properties, as the CLI does", () => {
    const { config, errors } = reconcilePolicyConfig(policies, {
      all: "disabled",
      "memory-limit-request-ratio": { enforcementLevel: "mandatory", maxRatio: 3 },
      "memory-within-role-bounds": { hubMaxLimit: "2Gi" },
    });
    expect(errors).toEqual([]);
    expect(config["memory-limit-request-ratio"]).toEqual({ enforcementLevel: "mandatory", properties: { maxRatio: 3 } });
    expect(config["memory-within-role-bounds"].enforcementLevel).toBe("disabled");
    expect(config["memory-within-role-bounds"].properties).toMatchObject({ hubMinLimit: "512Mi", hubMaxLimit: "2Gi" });
  });

  it.each([
    [{ "memory-within-role-bounds": { hubMinLimit: "512MB" } }, 'memory-within-role-bounds: hubMinLimit: "512MB" does not match'],
    [{ "memory-limit-request-ratio": { maxRatio: 0 } }, "memory-limit-request-ratio: maxRatio: 0 is less than 1"],
    [{ "memory-limit-request-ratio": { maxRatios: 3 } }, "memory-limit-request-ratio: maxRatios: is not allowed"],
    [{ "memory-alert-thresholds": { warningPercent: "90" } }, 'memory-alert-thresholds: warningPercent: "90" is not of type number'],
    [{ "node-pool-capacity": { instanceTypes: { "x9.huge": { memory: "64Gi" } } } }, "node-pool-capacity: instanceTypes.x9.huge: maxPods is required"],
    [{ "hub-ha": "mandatory" }, "hub-ha: no such policy"],
    [{ "images-pinned": "strict" }, 'images-pinned: "strict" is not an enforcement level'],
  ])("rejects %j", (file, message) => {
    const { errors } = reconcilePolicyConfig(policies, file);
    expect(errors.join("\n")).toContain(message);
  });

  it("refuses to half-check a schema keyword it does not implement", () => {
    expect(() => validateJsonSchema({ type: "string", format: "email" }, "a")).toThrow("format not supported");
  });
});
