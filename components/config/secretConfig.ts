/**
 * A secret key (secretPaths.ts) must come in as a Pulumi secret: a plain value would sit in git
 * (the stack file) and in the state in clear. Pure: the caller says what Pulumi reports.
 *
 * What a program can know (pulumi/pulumi, sdk/go/common/resource/config): the engine passes the
 * program the list of secret config keys (`PULUMI_CONFIG_SECRET_KEYS`, read by the Node SDK's
 * runtime/config.js `isConfigSecret`), built by `Map.SecureKeys()` (map.go) from `Value.Secure()`;
 * an object value is secure when any value inside it is (`c.secure = hasSecureValue(obj)`,
 * value.go). So the list names top-level keys only: `mcp-superserver:alertmanager` is secret as
 * soon as one receiver URL is set with `--secret --path`, whatever the other URLs are (also
 * pulumi/pulumi#13063: `is_config_secret` does not answer for a path inside an object).
 *
 * Hence two checks:
 * 1. the top-level key holding a secret path must be a secret key; this alone catches a plain
 *    value in a key that holds no secret at all, wherever the config came from (stack file, ESC);
 * 2. when the stack file is at hand, the value at exactly that path in it must be `secure:` (or
 *    sit under a `secure:` value, a whole key set with `--secret`); a path the file does not set
 *    came from elsewhere and is left to check 1.
 */
import { dottedPath, fullKey, NAMESPACE } from "./errors";
import { isSecretConfigPath } from "./secretPaths";

export interface ConfigSecrecy {
  /** Full keys Pulumi reports as secret (`mcp-superserver:alertmanager`). */
  secretKeys: ReadonlySet<string>;
  /** The stack file, when the program can read it: its name and its `config:` map as parsed YAML. */
  stackFile?: { name: string; config: Record<string, unknown> };
}

type Path = (string | number)[];

/** Paths in the raw config (section name → value) whose schema is secret and that hold a value. */
function secretValuePaths(node: unknown, path: Path, out: Path[]): Path[] {
  if (node === undefined || node === null) return out;
  if (path.length && isSecretConfigPath(dottedPath(path))) {
    out.push(path);
    return out;
  }
  if (Array.isArray(node)) node.forEach((v, i) => secretValuePaths(v, [...path, i], out));
  else if (typeof node === "object") for (const [k, v] of Object.entries(node)) secretValuePaths(v, [...path, k], out);
  return out;
}

const isSecure = (node: unknown) => typeof node === "object" && node !== null && !Array.isArray(node) && Object.keys(node).length === 1 && "secure" in node;

/** "secure" when the file's value at `path` is or sits under a `secure:` value, "plain" when it is set in clear, undefined when unset. */
function inStackFile(config: Record<string, unknown>, path: Path): "secure" | "plain" | undefined {
  const [section, ...rest] = path;
  let node: unknown = config[`${NAMESPACE}:${section}`] ?? config[String(section)];
  for (const step of rest) {
    if (isSecure(node)) return "secure";
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  if (node === undefined) return undefined;
  return isSecure(node) ? "secure" : "plain";
}

const setCommand = (key: string) => `pulumi config set --secret --path '${key}' <value>`;

/** One problem per secret path given in plain text, in the config errors' form (errors.ts). */
export function plainSecretProblems(raw: Record<string, unknown>, secrecy: ConfigSecrecy): string[] {
  return secretValuePaths(raw, [], []).flatMap((path) => {
    const key = fullKey(path);
    const section = fullKey(path.slice(0, 1));
    if (!secrecy.secretKeys.has(section)) return [`${key}: (secret value) is plain text (${section} holds no Pulumi secret); set it with ${setCommand(key)}`];
    const file = secrecy.stackFile;
    if (file && inStackFile(file.config, path) === "plain") return [`${key}: (secret value) is plain text in ${file.name}; set it with ${setCommand(key)}`];
    return [];
  });
}
