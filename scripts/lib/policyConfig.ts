/**
 * Policy pack config the way the Pulumi CLI reconciles it before the analyzer sees it:
 * each property's schema `default` first, then an "all" enforcement level, then the file's
 * per-policy level and properties (shallow, key by key); the result is validated against each
 * policy's schema (an object with its `properties` and `required`). Stricter than the CLI in one
 * way: unknown policy names and unknown properties are errors here, so a typo cannot silently
 * leave a threshold at its default.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { validateJsonSchema } from "./jsonSchema";

export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export type ReconciledConfig = Record<string, PolicyConfigEntry>;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The schema the CLI validates a policy's properties against. */
export function policyConfigJsonSchema(policy: Policies[number]): Record<string, unknown> {
  return {
    type: "object",
    properties: policy.configSchema?.properties ?? {},
    ...(policy.configSchema?.required?.length ? { required: policy.configSchema.required } : {}),
    additionalProperties: false,
  };
}

function parseEntry(name: string, value: unknown, errors: string[]): { level?: EnforcementLevel; properties: Record<string, unknown> } {
  if (typeof value === "string") {
    if (!LEVELS.includes(value as EnforcementLevel)) errors.push(`${name}: "${value}" is not an enforcement level (${LEVELS.join(", ")})`);
    return { level: value as EnforcementLevel, properties: {} };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    errors.push(`${name}: must be an enforcement level or an object`);
    return { properties: {} };
  }
  const { enforcementLevel, ...properties } = value as Record<string, unknown>;
  if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as EnforcementLevel)) {
    errors.push(`${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (${LEVELS.join(", ")})`);
  }
  return { level: enforcementLevel as EnforcementLevel | undefined, properties };
}

export function reconcilePolicyConfig(
  policies: Policies,
  file: unknown,
  packLevel: EnforcementLevel = "advisory",
): { config: ReconciledConfig; errors: string[] } {
  const errors: string[] = [];
  const config: ReconciledConfig = {};
  for (const p of policies) {
    const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, s]) => typeof s === "object" && "default" in s);
    config[p.name] = {
      enforcementLevel: p.enforcementLevel ?? packLevel,
      properties: Object.fromEntries(defaults.map(([k, s]) => [k, structuredClone((s as { default: unknown }).default)])),
    };
  }
  const given = (file ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || Array.isArray(given)) return { config, errors: ["policy config must be a JSON object"] };
  if (given.all !== undefined) {
    const all = parseEntry("all", given.all, errors);
    if (all.level) for (const c of Object.values(config)) c.enforcementLevel = all.level;
  }
  for (const [name, value] of Object.entries(given)) {
    if (name === "all") continue;
    if (!(name in config)) {
      errors.push(`${name}: no such policy; the pack has ${Object.keys(config).join(", ")}`);
      continue;
    }
    const entry = parseEntry(name, value, errors);
    if (entry.level) config[name].enforcementLevel = entry.level;
    Object.assign(config[name].properties, entry.properties);
  }
  for (const p of policies) {
    errors.push(...validateJsonSchema(policyConfigJsonSchema(p), config[p.name].properties).map((e) => `${p.name}: ${e.replace(/^\(root\): /, "")}`));
  }
  return { config, errors };
}
