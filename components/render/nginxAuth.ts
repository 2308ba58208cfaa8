/**
 * Client credentials for nginx, in njs (the module the session affinity already loads,
 * nginxSession.ts): a bearer token per named client, checked on the MCP routes, and a rate
 * limit per client.
 *
 * The contract: MCP clients send credentials "in the Authorization request header field"
 * as `Bearer <token>` (MCP spec, "Authorization" > "Token Requirements"; RFC 6750 section 2.1:
 * `Bearer 1*SP b64token`, the scheme compared case-insensitively per RFC 9110 section 11.1). A
 * request without valid credentials gets 401 with `WWW-Authenticate: Bearer ...` (RFC 6750
 * section 3; `error="invalid_token"` when a token was presented but is not valid, none when
 * none was presented, section 3.1).
 *
 * Design: the tokens file (a Pulumi secret mounted as a file, one `<client> <digest>` a line,
 * the digest being the SHA-256 of the client's token in hex) is read by njs on each request, so
 * nothing secret sits in nginx.conf and a rotated file needs no reload. The file holds digests,
 * not tokens: a request costs one hash (of the presented token), and a leaked file gives no
 * token. A fast unsalted hash is enough for that because the tokens are random (48 letters and
 * digits, about 285 bits): there is no guess to try against a digest. The presented token's
 * digest is compared with every stored one by a constant-time loop, all of them, whatever
 * matched: the time does not depend on where a wrong token differs, nor on which client
 * matched. `$mcp_client` holds the name of the client whose token matched, "" otherwise; nginx
 * refuses "" on the MCP routes and keys `limit_req` on it (an empty key is not counted, so open
 * health checks are not limited). The Authorization header is never logged and not passed on
 * to the hubs.
 */
import { createHash } from "node:crypto";
import { CONSTANT_TIME_SAME } from "./nginxSession";

/** The file nginx imports for the token check, next to nginx.conf. */
export const AUTH_JS_FILE = "mcp_auth.js";

/** The client whose token the request carries ("" without a valid one). */
export const CLIENT_VAR = "$mcp_client";
/** The WWW-Authenticate challenge of a 401. */
const CHALLENGE_VAR = "$mcp_auth_challenge";
/** Where njs reads the tokens from. */
const TOKENS_FILE_VAR = "$mcp_tokens_file";

/** The realm of the challenge (RFC 6750 section 3: optional, names the protection space). */
export const AUTH_REALM = "mcp-superserver";

export interface NginxAuth {
  /** Path of the tokens file in the container. */
  tokensFile: string;
  /** limit_req_zone rate per client, e.g. 20r/s. */
  rate: string;
  /** limit_req burst per client (nodelay). */
  burst: number;
  /** Whether /health and /health/* answer without a token. */
  healthPublic: boolean;
}

/** The tokens file's text for the clients' tokens: one `<client> <SHA-256 of the token, hex>` a line. */
export function clientTokensFile(tokens: Record<string, string>): string {
  return Object.entries(tokens)
    .map(([client, token]) => `${client} ${createHash("sha256").update(token).digest("hex")}\n`)
    .join("");
}

/** njs 0.7 (Debian 12) and 0.8 (official image): ES5, as in nginxSession.ts. */
export function authScript(): string {
  return `// Rendered by mcp-superserver-infra: bearer tokens per client (see nginxAuth.ts for the design).
var fs = require('fs');
var crypto = require('crypto');
// RFC 6750 section 2.1: "Bearer" 1*SP b64token.
var BEARER = /^Bearer +([A-Za-z0-9\\-._~+\\/]+=*)$/i;

${CONSTANT_TIME_SAME}
function digest(text) {
    return crypto.createHash('sha256').update(text).digest('hex');
}

function presented(r) {
    var header = r.headersIn['Authorization'];
    var m = header ? BEARER.exec(header) : null;
    return m ? m[1] : '';
}

// Every "<client> <SHA-256 of its token>" line of the tokens file (read on each request: no
// reload on rotation).
function known(r) {
    var lines = fs.readFileSync(r.variables.${TOKENS_FILE_VAR.slice(1)}, 'utf8').split('\\n');
    var list = [];
    for (var i = 0; i < lines.length; i++) {
        var space = lines[i].indexOf(' ');
        if (space > 0) list.push({ name: lines[i].slice(0, space), digest: lines[i].slice(space + 1) });
    }
    return list;
}

// ${CLIENT_VAR}: the client whose token the request carries, '' otherwise. One hash, of the
// presented token; its digest is compared in full with every stored one, also after one matched.
function client(r) {
    var token = presented(r);
    if (!token) return '';
    var d = digest(token);
    var list = known(r);
    var found = '';
    for (var i = 0; i < list.length; i++) {
        var match = same(d, list[i].digest);
        if (match && !found) found = list[i].name;
    }
    return found;
}

// ${CHALLENGE_VAR}: RFC 6750 section 3.1, invalid_token only when a token was presented.
function challenge(r) {
    return 'Bearer realm="${AUTH_REALM}"' + (r.headersIn['Authorization'] ? ', error="invalid_token"' : '');
}

export default { client: client, challenge: challenge };
`;
}

/** http-context lines: the script, its variables and the per-client rate limit. */
export function authHttpLines(a: NginxAuth): string[] {
  return [
    "# Bearer tokens per client and a rate limit per client (nginxAuth.ts).",
    `js_import auth from ${AUTH_JS_FILE};`,
    `js_var ${TOKENS_FILE_VAR} ${a.tokensFile};`,
    `js_set ${CLIENT_VAR} auth.client;`,
    `js_set ${CHALLENGE_VAR} auth.challenge;`,
    "# 1 MB holds about 16 000 keys; there is one per client.",
    `limit_req_zone ${CLIENT_VAR} zone=mcp_clients:1m rate=${a.rate};`,
    "limit_req_status 429;",
  ];
}

/** Server-level lines: the limit, and the token never reaches a hub (it has no use for it). */
export function authServerLines(a: NginxAuth): string[] {
  return [
    "# Per client; a request without a client (open health checks) is not counted. nodelay: a",
    "# burst passes at once instead of being spread out, what is above it gets 429 at once.",
    `limit_req zone=mcp_clients burst=${a.burst} nodelay;`,
    'proxy_set_header Authorization "";',
  ];
}

/** Seconds until the limit lets one more request through: 1/rate, at least a second (Retry-After counts whole seconds). */
export function retryAfterSeconds(rate: string): number {
  const [count, unit] = rate.split("r/");
  return Math.max(1, Math.ceil((unit === "m" ? 60 : 1) / Number(count)));
}

/** Headers of nginx's own 401 and 429 answers (add_header in a location replaces the server's). */
export function authErrorHeaders(a: NginxAuth): Record<number, string[]> {
  return {
    401: [`add_header WWW-Authenticate ${CHALLENGE_VAR} always;`],
    429: [`add_header Retry-After ${retryAfterSeconds(a.rate)} always;`],
  };
}

export const AUTH_ERROR_PAGES: { status: number; error: string; message: string }[] = [
  {
    status: 401,
    error: "unauthorized",
    message: "This MCP server needs a client token: send it as Authorization: Bearer <token> (pulumi stack output --show-secrets clientTokens).",
  },
  { status: 429, error: "rate_limited", message: "Too many requests from this client; slow down and retry after the Retry-After seconds." },
];
