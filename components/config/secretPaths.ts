/**
 * Which config paths hold secrets, read off the schema: every key whose schema was built with
 * secretUrl or secretText (primitives.ts), however deep, in objects, lists and maps. A key added
 * with those builders is a secret key everywhere at once: never echoed in a message, refused in
 * plain text (secretConfig.ts), replaced by a placeholder in the offline synth.
 */
import { isSecretSchema } from "./primitives";
import { stackConfigSchema } from "./schema";

/** A path step: an object key, any list index (`[0]`), or any key of a map. */
type Step = { key: string } | "index" | "anyKey";

function secretSteps(node: any, path: Step[], out: Step[][]): void {
  if (!node?.def) return;
  if (isSecretSchema(node)) {
    out.push(path);
    return;
  }
  const def = node.def;
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
    case "readonly":
      return secretSteps(def.innerType, path, out);
    case "pipe":
      secretSteps(def.in, path, out);
      return secretSteps(def.out, path, out);
    case "object":
      for (const [key, child] of Object.entries(def.shape)) secretSteps(child, [...path, { key }], out);
      return;
    case "array":
      return secretSteps(def.element, [...path, "index"], out);
    case "record":
      return secretSteps(def.valueType, [...path, "anyKey"], out);
    case "union":
      for (const option of def.options) secretSteps(option, path, out);
      return;
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function pattern(steps: Step[]): string {
  return steps
    .map((s, i) => (s === "index" ? "\\[\\d+\\]" : `${i ? "\\." : ""}${s === "anyKey" ? "[^.[\\]]+" : escape(s.key)}`))
    .join("");
}

function display(steps: Step[]): string {
  return steps.map((s, i) => (s === "index" ? "[]" : `${i ? "." : ""}${s === "anyKey" ? "*" : s.key}`)).join("");
}

const STEPS: Step[][] = [];
secretSteps(stackConfigSchema, [], STEPS);
const SECRET_PATH = new RegExp(`^(${STEPS.map(pattern).join("|")})$`);

/** The secret paths of the schema, `[]` for any list index and `*` for any map key (for docs and tests). */
export const SECRET_CONFIG_PATHS: readonly string[] = STEPS.map(display);

/** `alertmanager.receivers.paging.url`, `cluster.kubeconfig`: a value at this dotted path is a secret. */
export function isSecretConfigPath(dotted: string): boolean {
  return STEPS.length > 0 && SECRET_PATH.test(dotted);
}
