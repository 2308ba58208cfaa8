/**
 * Turns schema and rule problems into messages a platform engineer can act on:
 * `mcp-superserver:<full.key>: <value given> <what is wrong and what is allowed>`.
 */
import type { z } from "zod";
import { isSecretConfigPath } from "./secretPaths";

export { isSecretConfigPath };

export const NAMESPACE = "mcp-superserver";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

type Path = readonly PropertyKey[];

/** `hub.resources.limits.memory`, `ollama.models[1]`. */
export function dottedPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

export function fullKey(path: Path): string {
  return `${NAMESPACE}:${dottedPath(path)}`;
}

function valueAt(input: unknown, path: Path): unknown {
  let node: unknown = input;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** The `effective` value of a rule about an optional key that has no default and was left unset. */
export const NOT_SET = "(not set)";

function describeValue(input: unknown, path: Path, effective?: string): string {
  const value = valueAt(input, path);
  if (value === undefined) return effective === undefined || effective === NOT_SET ? NOT_SET : `${effective} (the default)`;
  if (isSecretConfigPath(dottedPath(path))) return "(secret value)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Schema lookup along a path, through defaults, optionals and pipes, to list allowed keys. */
function shapeAt(schema: z.ZodType, path: Path): Record<string, unknown> | undefined {
  let node: any = schema;
  for (let i = 0; i <= path.length; i++) {
    while (node?.def && ["default", "prefault", "optional", "nullable", "pipe"].includes(node.def.type)) {
      node = node.def.type === "pipe" ? node.def.in : node.def.innerType;
    }
    if (i === path.length) break;
    node = node?.def?.type === "object" ? node.def.shape[path[i] as string] : undefined;
  }
  return node?.def?.type === "object" ? node.def.shape : undefined;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** `effective` is the value in force, for a rule about a key the input left to its default. */
function expectedName(expected: string): string {
  if (expected === "int") return "a whole number";
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function formatIssue(schema: z.ZodType, input: unknown, issue: z.core.$ZodIssue, effective?: string): string[] {
  const path = issue.path;
  const given = describeValue(input, path, effective);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = Object.keys(shapeAt(schema, path) ?? {}).join(", ");
      return issue.keys.map((key) => `${fullKey([...path, key])}: unknown key; allowed keys${path.length ? ` in ${fullKey(path)}` : ""}: ${allowed}`);
    }
    case "invalid_type": {
      const value = valueAt(input, path);
      if (value === undefined) return [`${fullKey(path)}: is required (${issue.expected})`];
      return [`${fullKey(path)}: ${given} is ${typeName(value)}; expected ${expectedName(issue.expected)}`];
    }
    case "invalid_value":
      return [`${fullKey(path)}: ${given} is not allowed; use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`];
    case "too_small":
      return [`${fullKey(path)}: ${given} is too small; the minimum is ${issue.minimum}${issue.inclusive ? "" : " (exclusive)"}`];
    case "too_big":
      return [`${fullKey(path)}: ${given} is too large; the maximum is ${issue.maximum}${issue.inclusive ? "" : " (exclusive)"}`];
    case "invalid_format":
    case "custom":
      return [`${fullKey(path)}: ${given} ${issue.message}`];
    default:
      return [`${fullKey(path)}: ${given} ${issue.message}`];
  }
}
