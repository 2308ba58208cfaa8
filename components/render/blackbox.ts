/**
 * blackbox_exporter modules: Neo4j Community has no metrics endpoint and Ollama has none, so
 * their availability is probed from outside, deep enough that "up" means "usable": Neo4j must
 * answer a Bolt handshake, Ollama must list every configured model, and the hub must answer
 * through nginx as a client calls it.
 */
import { Document, Scalar } from "yaml";

export const BLACKBOX_MODULE = { bolt: "bolt_handshake", http: "http_2xx", ollamaModels: "ollama_models", hubHealth: "http_head_200" } as const;

/**
 * The Bolt handshake (https://neo4j.com/docs/bolt/current/bolt/handshake/): the magic
 * 0x6060B017, then four 32-bit big-endian version proposals `[reserved, range, minor, major]`.
 * We propose 5.8 with range 8 (5.8 down to 5.0) and 4.4; the server answers the version it
 * picked as 4 bytes (Neo4j 5.26: `00 00 08 05`), or `00 00 00 00` and closes when none fits.
 * No manifest sentinel (0x000001FF), so a 5.7+ server answers the legacy way.
 *
 * blackbox's tcp prober reads the answer line by line (bufio.Scanner) and the 4 bytes carry no
 * newline, so the probe then sends GOODBYE (chunk `00 02`, struct `B0 02`, end `00 00`): the
 * server closes the socket, the scanner gets EOF and hands over the bytes. The prober appends
 * "\n" to every send; it lands after GOODBYE, read and discarded with the closing socket.
 */
export const BOLT_PREAMBLE = Buffer.from([
  0x60, 0x60, 0xb0, 0x17, // magic
  0x00, 0x08, 0x08, 0x05, // 5.8 ... 5.0
  0x00, 0x00, 0x04, 0x04, // 4.4
  0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00,
]);
export const BOLT_GOODBYE = Buffer.from([0x00, 0x02, 0xb0, 0x02, 0x00, 0x00]);
/** A Bolt 5.x answer: `00 00 <minor> 05`. Go regexp on the raw bytes. */
export const BOLT_ANSWER_REGEX = String.raw`^\x00\x00[\x00-\x08]\x05`;

/** Ollama lists a model pulled without a tag as `<name>:latest` (GET /api/tags, field `name`). */
export function ollamaTagName(model: string): string {
  return model.includes(":") ? model : `${model}:latest`;
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One regexp per model: blackbox fails the probe if any of them does not match the body. */
export function ollamaModelRegexes(models: string[]): string[] {
  return models.map((m) => `"name":\\s*"${regexEscape(ollamaTagName(m))}"`);
}

/**
 * `send` is a string in blackbox's config; YAML's `!!binary` decodes into one byte for byte
 * (a `\xB0` escape would become the UTF-8 pair C2 B0 instead).
 */
function binary(bytes: Buffer): Scalar {
  const s = new Scalar(bytes.toString("base64"));
  s.tag = "tag:yaml.org,2002:binary";
  return s;
}

/**
 * `probeTokenFile`: the client-path probe through nginx sends this file's token as a bearer
 * (blackbox's http prober takes Prometheus' HTTP client settings, `authorization.credentials_file`).
 */
export function renderBlackboxConfig(ollamaModels: string[], probeTokenFile?: string): string {
  const http = { valid_status_codes: [200], method: "GET", preferred_ip_protocol: "ip4" };
  const bearer = probeTokenFile ? { authorization: { type: "Bearer", credentials_file: probeTokenFile } } : {};
  const config = {
    modules: {
      [BLACKBOX_MODULE.bolt]: {
        prober: "tcp",
        timeout: "5s",
        tcp: {
          preferred_ip_protocol: "ip4",
          query_response: [{ send: binary(Buffer.concat([BOLT_PREAMBLE, BOLT_GOODBYE])) }, { expect: BOLT_ANSWER_REGEX }],
        },
      },
      [BLACKBOX_MODULE.http]: { prober: "http", timeout: "5s", http: { ...http, ...bearer } },
      [BLACKBOX_MODULE.ollamaModels]: {
        prober: "http",
        timeout: "5s",
        http: { ...http, fail_if_body_not_matches_regexp: ollamaModelRegexes(ollamaModels) },
      },
      // The hub's deep /health by HEAD: the same answer (200, or 503 when a dependency is down),
      // and requests the hub's metrics label apart from its clients' (contracts/hub.ts).
      [BLACKBOX_MODULE.hubHealth]: {
        prober: "http",
        timeout: "5s",
        http: { valid_status_codes: [200], method: "HEAD", preferred_ip_protocol: "ip4" },
      },
    },
  };
  return `# Rendered by mcp-superserver-infra; do not edit by hand.\n${new Document(config, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 })}`;
}
