/**
 * A JSON Schema validator for the subset policy config schemas use (draft-07 keywords listed in
 * KEYWORDS). A schema that uses any other keyword is rejected rather than half-checked.
 */
export type Schema = Record<string, unknown> | boolean;

const KEYWORDS = new Set([
  "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
  "pattern", "items", "minItems", "maxItems", "required", "properties", "additionalProperties", "description", "default",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const typeMatches = (actual: string, wanted: string) => actual === wanted || (wanted === "number" && actual === "integer");

/** Problems of `value` against `schema`, each "<path>: <what is wrong>"; empty when valid. */
export function validateJsonSchema(schema: Schema, value: unknown, at = "(root)"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: is not allowed`];
  const unknown = Object.keys(schema).filter((k) => !KEYWORDS.has(k));
  if (unknown.length) throw new Error(`${at}: schema keyword(s) ${unknown.join(", ")} not supported by this validator`);
  const s = schema as Record<string, any>;
  const problems: string[] = [];
  const actual = typeOf(value);
  if (s.type !== undefined) {
    const wanted: string[] = [s.type].flat();
    if (!wanted.some((w) => typeMatches(actual, w))) return [`${at}: ${JSON.stringify(value)} is not of type ${wanted.join(" or ")}`];
  }
  if (s.enum && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.map((e: unknown) => JSON.stringify(e)).join(", ")}`);
  }
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(value)) problems.push(`${at}: must be ${JSON.stringify(s.const)}`);
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) problems.push(`${at}: ${value} is less than ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) problems.push(`${at}: ${value} is more than ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) problems.push(`${at}: ${value} must be more than ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) problems.push(`${at}: ${value} must be less than ${s.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) problems.push(`${at}: is shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) problems.push(`${at}: is longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) problems.push(`${at}: has fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) problems.push(`${at}: has more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => problems.push(...validateJsonSchema(s.items, v, `${at}[${i}]`)));
  }
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    const props: Record<string, Schema> = s.properties ?? {};
    for (const key of s.required ?? []) if (!(key in obj)) problems.push(`${at}: ${key} is required`);
    for (const [key, v] of Object.entries(obj)) {
      const child = `${at === "(root)" ? "" : `${at}.`}${key}`;
      if (key in props) problems.push(...validateJsonSchema(props[key], v, child));
      else if (s.additionalProperties !== undefined) problems.push(...validateJsonSchema(s.additionalProperties, v, child));
    }
  }
  return problems;
}
