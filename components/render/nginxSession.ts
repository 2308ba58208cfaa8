/**
 * MCP session affinity for nginx, in njs.
 *
 * The contract (MCP spec 2025-03-26 and later, "Streamable HTTP" > "Session Management"; the
 * official SDK's `StreamableHTTPServerTransport` behaves so): the server answers `initialize` with
 * an `Mcp-Session-Id` header; every later request of the session (POST, the GET event stream,
 * DELETE) carries it and must reach the same server; a server that does not know an id answers
 * 404 with the JSON-RPC error -32001 "Session not found", and a client that gets 404 starts a new
 * session. The id is visible ASCII (0x21-0x7E).
 *
 * Design: nginx never remembers a session. When a hub answers with an `Mcp-Session-Id`, njs
 * rewrites it into `<owner>.<mac>.<hub's id>`: `owner` is the address of the replica that answered
 * (`$upstream_addr`, IPv4 and port as 12 hex digits) and `mac` an HMAC-SHA256 (first 128 bits,
 * base64url) of `owner.id` under a key from a Pulumi secret. On each request njs checks the MAC
 * and sends the request to that address with the hub's own id restored; a request without an id
 * goes to the `least_conn` pool. So:
 * - no SSRF: an address nginx proxies to is either in the pool or one nginx itself signed after a
 *   hub answered from it; a forged, tampered or foreign id gets 404 and reaches nothing;
 * - any number of nginx replicas, and restarts, route the same id the same way (they share the key);
 * - owner gone (container killed, pod replaced): nginx cannot reach the address and answers 404
 *   "Session not found", so the client re-initializes; the session never moves to another replica.
 * Limits: a request to an owner skips the pool's keepalive and max_fails (nginx makes a
 * connection per request to an address it only knows at run time); an address reused by a new
 * hub pod reaches that pod, which does not know the session and answers 404 itself; IPv6 hub
 * addresses are not signed (the resolver runs with ipv6=off); whoever holds the key can mint ids
 * for any address, so it is a secret.
 */

/** The file nginx imports (`js_import`), next to nginx.conf. */
export const SESSION_JS_FILE = "mcp_session.js";

/** Name of the secret file holding the signing key, which the script reads (njs `fs`). */
export const SESSION_KEY_FILE = "mcp-session-key";

/**
 * Path of the njs module in the official nginx image, relative to its prefix /etc/nginx (the
 * alpine and debian variants install nginx-module-njs: nginxinc/docker-nginx mainline/alpine/
 * Dockerfile; the -slim variants do not, so the image must not be a -slim one).
 */
export const NJS_MODULE = "modules/ngx_http_js_module.so";

/** nginx's variable holding where a request goes: the pool, an owner's address, or "" (refused). */
export const ROUTE_VAR = "$mcp_route";
/** The hub's own session id of a verified request ("" without one). */
export const HUB_SESSION_VAR = "$mcp_hub_session";

/** The JSON-RPC answer the SDK's server gives for an unknown session, which makes clients re-initialize. */
export const SESSION_NOT_FOUND_BODY = JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null });

/** njs: two strings of the same length compared in a time independent of where they differ. */
export const CONSTANT_TIME_SAME = `// Same length, compared in time independent of where they differ.
function same(a, b) {
    if (a.length !== b.length) return false;
    var diff = 0;
    for (var i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
}
`;

/**
 * njs 0.7 (Debian 12) and 0.8 (official image): ES5 plus a few ES6 forms, so plain `var` and
 * functions. `pool` is the upstream name a request without a session goes to.
 */
export function sessionScript(pool: string, keyPath: string): string {
  return `// Rendered by mcp-superserver-infra: MCP session affinity (see nginxSession.ts for the design).
var crypto = require('crypto');
var fs = require('fs');
var MAC_CHARS = 22;
var OWNER = /^[0-9a-f]{12}$/;

// From a read-only secret file, not the environment (njs fs.readFileSync, njs >= 0.3): a request's
// VM keeps nothing, so each signed request reads it.
function key() {
    var k = fs.readFileSync(${JSON.stringify(keyPath)}, 'utf8');
    if (k.length < 16) throw new Error('the session key in ${keyPath} is shorter than 16 characters');
    return k;
}

function mac(owner, id) {
    return crypto.createHmac('sha256', key()).update(owner + '.' + id).digest('base64url').slice(0, MAC_CHARS);
}

${CONSTANT_TIME_SAME}
// "10.0.1.5:3000" -> "0a0001050bb8"; anything but IPv4:port -> "".
function encodeOwner(addr) {
    var m = /^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+):(\\d+)$/.exec(addr);
    if (!m) return '';
    var hex = '';
    for (var i = 1; i <= 4; i++) hex += ('0' + Number(m[i]).toString(16)).slice(-2);
    return hex + ('000' + Number(m[5]).toString(16)).slice(-4);
}

function decodeOwner(owner) {
    var b = [];
    for (var i = 0; i < 8; i += 2) b.push(parseInt(owner.slice(i, i + 2), 16));
    return b.join('.') + ':' + parseInt(owner.slice(8), 16);
}

// A verified token as {addr, id}, or null.
function verified(r) {
    var token = r.headersIn['Mcp-Session-Id'];
    var first = token.indexOf('.');
    var second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0) return null;
    var owner = token.slice(0, first);
    var id = token.slice(second + 1);
    if (!OWNER.test(owner) || !id || !same(token.slice(first + 1, second), mac(owner, id))) return null;
    return { addr: decodeOwner(owner), id: id };
}

// ${ROUTE_VAR}: the pool without a session, the owner's address with a valid one, "" otherwise.
function route(r) {
    if (r.headersIn['Mcp-Session-Id'] === undefined) return '${pool}';
    var t = verified(r);
    return t ? t.addr : '';
}

// ${HUB_SESSION_VAR}: the id the hub gave, restored for the hub.
function hubSession(r) {
    if (r.headersIn['Mcp-Session-Id'] === undefined) return '';
    var t = verified(r);
    return t ? t.id : '';
}

// Header filter: sign the id a hub answers with, bound to the replica that answered.
function signSession(r) {
    var id = r.headersOut['Mcp-Session-Id'];
    if (!id) return;
    // After retries $upstream_addr lists every try ("a, b" or "a : b"); the last one answered.
    var tries = (r.variables.upstream_addr || '').split(/, | : /);
    var owner = encodeOwner(tries[tries.length - 1]);
    if (!owner) {
        r.error('mcp session: cannot bind a session to hub address "' + r.variables.upstream_addr + '"');
        return;
    }
    r.headersOut['Mcp-Session-Id'] = owner + '.' + mac(owner, id) + '.' + id;
}

export default { route: route, hubSession: hubSession, signSession: signSession };
`;
}

/** Main-context lines: load njs. */
export function sessionMainLines(): string[] {
  return [
    "# njs, for MCP session affinity (shipped in the official image and Debian's libnginx-mod-http-js).",
    `load_module ${NJS_MODULE};`,
  ];
}

/** http-context lines: the script and the variables it computes. */
export function sessionHttpLines(): string[] {
  return [
    "# MCP session affinity: where a request goes and the hub's own session id (nginxSession.ts).",
    `js_import mcp from ${SESSION_JS_FILE};`,
    `js_set ${ROUTE_VAR} mcp.route;`,
    `js_set ${HUB_SESSION_VAR} mcp.hubSession;`,
  ];
}
