/**
 * The `upstream mcp_hub` block: which hubs nginx balances over and how it judges them. Two
 * sources of hubs share one block so dev (Docker) and prod (Kubernetes) behave the same.
 */

export interface NginxServer {
  host: string;
  port: number;
}

/** Run-time DNS: the server nginx asks while it runs, and how long it trusts an answer. */
export interface RunTimeDns {
  /** DNS server nginx asks at run time (an address, or a name resolvable when nginx starts). */
  resolver: string;
  /** How long an answer is trusted before nginx asks again (`resolver ... valid=`). */
  refresh: string;
}

/**
 * Where the hubs are:
 * - `static`: a fixed list (Docker: one container per replica). With `dns`, each name is
 *   resolved while nginx runs, so nginx starts while a hub is down and follows a container that
 *   comes back with another address; without, resolved once at start (tests: 127.0.0.1 ports).
 * - `resolve`: one name resolved while nginx runs (Kubernetes: a headless Service whose A records
 *   are the ready pods).
 * `server ... resolve` needs nginx >= 1.27.3 in open source ("resolve" parameter of
 * https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server; the image pin says so).
 */
export type NginxUpstreams =
  | { kind: "static"; servers: NginxServer[]; dns?: RunTimeDns }
  | ({ kind: "resolve"; host: string; port: number } & RunTimeDns);

export interface UpstreamPolicy {
  keepalive: number;
  keepaliveTimeout: string;
  maxFails: number;
  failTimeout: string;
}

export const UPSTREAM_NAME = "mcp_hub";
/**
 * The same hubs for the deep `/health` alone: its 503 and slowness are the hub's verdict on Neo4j
 * and Ollama, which every replica shares, so they must not take hubs out of the MCP pool (an
 * upstream block keeps its own failure state).
 */
export const HEALTH_UPSTREAM_NAME = "mcp_hub_health";

/** Most hubs a single request is offered to: a dead pool must fail fast, not walk every replica. */
const MAX_TRIES = 3;

/** How many hubs one request may try: every listed hub up to MAX_TRIES (a resolved set may grow). */
export function nextUpstreamTries(upstreams: NginxUpstreams): number {
  return upstreams.kind === "resolve" ? MAX_TRIES : Math.min(MAX_TRIES, upstreams.servers.length);
}

/** http-level lines the upstream source needs (the resolver for run-time resolution). */
export function resolverLines(upstreams: NginxUpstreams): string[] {
  const dns = upstreams.kind === "static" ? upstreams.dns : upstreams;
  if (!dns) return [];
  const names = upstreams.kind === "static" ? "the hub names" : upstreams.host;
  return [
    `# Hubs come and go with their containers or pods: ask DNS for ${names} again every ${dns.refresh}.`,
    "# IPv4 only: the hubs have A records, an unanswered AAAA query only delays, and session",
    "# owners are signed as IPv4 addresses (nginxSession.ts).",
    `resolver ${dns.resolver} valid=${dns.refresh} ipv6=off;`,
    "# When DNS does not answer, nginx keeps the hubs it has and asks again after this long.",
    "resolver_timeout 5s;",
    "",
  ];
}

function serverLines(upstreams: NginxUpstreams, health: string): string[] {
  if (upstreams.kind === "static") {
    if (upstreams.servers.length === 0) throw new Error("nginx needs at least one hub upstream server");
    const resolve = upstreams.dns ? " resolve" : "";
    return upstreams.servers.map((s) => `server ${s.host}:${s.port}${resolve} ${health};`);
  }
  return [
    "# Every address the name resolves to becomes a server; the set follows DNS while nginx runs.",
    `server ${upstreams.host}:${upstreams.port} resolve ${health};`,
  ];
}

function keepaliveLines(p: UpstreamPolicy): string[] {
  if (p.keepalive === 0) return ["# keepalive is 0: every request opens a new connection to a hub."];
  return [
    `# Reuse up to ${p.keepalive} idle connections per worker instead of a TCP handshake per request.`,
    `keepalive ${p.keepalive};`,
    "# Close idle ones before the hub does (Node's default is 5s): a request written to a",
    "# connection the hub is closing fails, and a tool call (POST) may not be retried.",
    `keepalive_timeout ${p.keepaliveTimeout};`,
  ];
}

export function upstreamBlock(upstreams: NginxUpstreams, p: UpstreamPolicy, name = UPSTREAM_NAME): string[] {
  const health = `max_fails=${p.maxFails} fail_timeout=${p.failTimeout}`;
  return [
    `upstream ${name} {`,
    ...[
      "# New requests go to the hub with the fewest active ones: tool calls vary from",
      "# milliseconds to minutes (LLM calls), so round-robin would pile work on a busy replica.",
      "least_conn;",
      "# Shared memory: every worker sees the same connection counts and failure state (and",
      "# run-time resolution keeps its server list here).",
      `zone ${name} 64k;`,
      `# Passive health: ${p.maxFails} failed attempts within ${p.failTimeout} take a hub out for ${p.failTimeout},`,
      "# then it is offered requests again.",
      ...serverLines(upstreams, health),
      ...keepaliveLines(p),
    ].map((l) => `    ${l}`),
    "}",
  ];
}
