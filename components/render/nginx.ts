/**
 * nginx.conf for the load balancer: `least_conn` over the hub replicas. Every directive that is
 * a choice carries a comment saying why, since operators read this file when traffic misbehaves.
 */
import { durationSeconds } from "../config/primitives";
import { HEALTH_UPSTREAM_NAME, nextUpstreamTries, resolverLines, upstreamBlock, UPSTREAM_NAME } from "./nginxUpstream";
import type { NginxUpstreams } from "./nginxUpstream";
import { AUTH_ERROR_PAGES, authErrorHeaders, CLIENT_VAR, authHttpLines, authServerLines, type NginxAuth } from "./nginxAuth";
import { HUB_SESSION_VAR, ROUTE_VAR, SESSION_NOT_FOUND_BODY, sessionHttpLines, sessionMainLines } from "./nginxSession";

export type { NginxServer, NginxUpstreams } from "./nginxUpstream";

export interface NginxInput {
  /** Port the proxy listens on for clients. */
  listenPort: number;
  /** Internal port for `stub_status` (scraped by the exporter, never published). */
  statusPort: number;
  /** Address both servers bind; all interfaces when absent (a container's own network). */
  bindAddress?: string;
  upstreams: NginxUpstreams;
  workerProcesses: number;
  workerConnections: number;
  keepalive: number;
  keepaliveTimeout: string;
  maxFails: number;
  failTimeout: string;
  connectTimeout: string;
  readTimeout: string;
  sendTimeout: string;
  healthTimeout: string;
  /** Read timeout for an MCP initialize, which starts a session (no tool runs in it). */
  sessionStartTimeout: string;
  clientMaxBodySize: string;
  /** Where nginx keeps its pid and temp files; a writable path for a read-only root filesystem. */
  runDir: string;
  /** Bearer tokens and a rate limit per client (nginxAuth.ts); no check without it. */
  auth?: NginxAuth;
  /** The scheme clients use when a load balancer in front terminates TLS (nginx itself sees http). */
  clientScheme?: "https";
}

/** The JSON bodies nginx itself answers with when it cannot give the client a hub's answer. */
const ERROR_PAGES: { status: number; error: string; message: string }[] = [
  {
    status: 502,
    error: "hub_unavailable",
    message:
      "No MCP hub replica answered. A request a hub already received is never sent to another, so a tool call may have run: check before repeating it.",
  },
  { status: 504, error: "hub_timeout", message: "The MCP hub replica did not answer in time." },
  { status: 413, error: "request_too_large", message: "The request body is larger than the load balancer accepts." },
];

const indent = (lines: string[]) => lines.map((l) => (l ? `    ${l}` : l));
const block = (head: string, body: string[]) => [`${head} {`, ...indent(body), "}"];
const listen = (i: NginxInput, port: number) => `listen ${i.bindAddress ? `${i.bindAddress}:` : ""}${port};`;

/** Proxy settings shared by every location (inherited from the server level). */
function proxySettings(i: NginxInput): string[] {
  const tries = nextUpstreamTries(i.upstreams);
  return [
    "# HTTP/1.1 with an empty Connection header is what upstream keepalive needs.",
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    "# The runbook's headers, plus the scheme and a request id the hubs can log.",
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    `proxy_set_header X-Forwarded-Proto ${i.clientScheme ?? "$scheme"};`,
    "proxy_set_header X-Request-ID $mcp_request_id;",
    "# The upstream hub sets X-Request-ID itself (src/middleware/request-logger.js): hide its copy,",
    "# so a client gets one header, nginx's, also on nginx's own error answers.",
    "proxy_hide_header X-Request-ID;",
    "add_header X-Request-ID $mcp_request_id always;",
    `proxy_connect_timeout ${i.connectTimeout};`,
    "# LLM tool calls can think for minutes between bytes.",
    `proxy_read_timeout ${i.readTimeout};`,
    `proxy_send_timeout ${i.sendTimeout};`,
    "# Stream answers as the hub writes them instead of holding them in nginx (the MCP GET event",
    "# stream and SSE answers to POSTs).",
    "proxy_buffering off;",
    "# The hub's own session id; empty (not sent) without a session (nginxSession.ts).",
    `proxy_set_header Mcp-Session-Id ${HUB_SESSION_VAR};`,
    "# Retry on another hub when this one could not be reached, timed out or answered 502/503/504;",
    "# each such answer counts toward max_fails, so a replica answering 5xx is taken out. nginx",
    "# never passes a POST (a tool call) on once it was sent to a hub (no `non_idempotent`), so a",
    "# tool call cannot run twice: a POST is retried only when no hub received it (an MCP initialize,",
    "# which runs nothing, is the exception: @mcp_session_start). Tries and time",
    "# are bounded so a dead pool fails fast instead of walking every replica.",
    "proxy_next_upstream error timeout http_502 http_503 http_504;",
    `proxy_next_upstream_tries ${tries};`,
    `proxy_next_upstream_timeout ${Math.round(tries * durationSeconds(i.connectTimeout) * 1000)}ms;`,
  ];
}

/** The session case of nginx's 502: the replica that owns the session cannot be reached. */
const SESSION_GONE = [
  "# The replica that owns this session cannot be reached: the session is gone with it. The",
  "# MCP client answers 404 by starting a new session (a request the hub had received may have run).",
  ...block(`if (${HUB_SESSION_VAR} != "")`, [`return 404 '${SESSION_NOT_FOUND_BODY}';`]),
];

/** nginx's own 502/504/413 (and 401/429 with auth) in JSON; a 502 for a session means its replica is gone (404, re-initialize). */
function errorPages(i: NginxInput): string[] {
  const own = i.auth ? authErrorHeaders(i.auth) : {};
  const headers = (status: number) => (own[status] ? [...own[status], "add_header X-Request-ID $mcp_request_id always;"] : []);
  const page = (p: (typeof ERROR_PAGES)[number]) => [
    `error_page ${p.status} = @error_${p.status};`,
    ...block(`location @error_${p.status}`, [
      "default_type application/json;",
      ...headers(p.status),
      ...(p.status === 502 ? SESSION_GONE : []),
      `return ${p.status} '${JSON.stringify({ error: p.error, message: p.message }).slice(0, -1)},"request_id":"$mcp_request_id"}';`,
    ]),
  ];
  return [
    "# `=`: the status is the one the named location returns (404 for a session whose replica is gone).",
    ...[...ERROR_PAGES, ...(i.auth ? AUTH_ERROR_PAGES : [])].flatMap(page),
    "# An MCP initialize (see the map) goes to its own named location, with its own timeouts.",
    "error_page 418 = @mcp_session_start;",
    "# The JSON pages apply in the named locations too.",
    "recursive_error_pages on;",
  ];
}

/** A try budget for short requests: every try may wait `timeout`. */
const shortRoute = (i: NginxInput, timeout: string) => [
  `proxy_read_timeout ${timeout};`,
  `proxy_next_upstream_timeout ${Math.round(nextUpstreamTries(i.upstreams) * durationSeconds(timeout) * 1000)}ms;`,
];

/**
 * An MCP initialize: a POST without a session id from a client that accepts event streams (the
 * MCP spec: a client MUST list both application/json and text/event-stream; a stateful server
 * answers any other request without a session 400 before doing anything).
 */
function sessionStartMap(): string[] {
  return [
    "# An MCP initialize starts a session and runs no tool, so it may be replayed on another hub.",
    ...block('map "$request_method:$http_mcp_session_id:$http_accept" $mcp_session_start', [
      '"~^POST::.*text/event-stream" 1;',
      'default "";',
    ]),
  ];
}

/** With auth: a request without a known client's token gets 401 here, before anything is proxied. */
const requireClient = (i: NginxInput) => (i.auth ? block(`if (${CLIENT_VAR} = "")`, ["return 401;"]) : []);

/** The MCP location: requests without a session by least_conn, with one to the replica that made it. */
function mcpLocation(i: NginxInput): string[] {
  const start = block("location @mcp_session_start", [
    `proxy_pass http://${UPSTREAM_NAME};`,
    "# Answered in milliseconds by a healthy hub: a hung one fails this, counts toward max_fails",
    "# and the initialize goes on to another hub, as does one answered 502/503/504.",
    ...shortRoute(i, i.sessionStartTimeout),
    "proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;",
    "js_header_filter mcp.signSession;",
  ]);
  return [
    ...block("location /", [
      "default_type application/json;",
      ...requireClient(i),
      ...block("if ($mcp_session_start)", ["return 418;"]),
      "# A session id nginx did not sign (forged, tampered, another key): 404 as for an unknown",
      "# session, and nothing is proxied anywhere.",
      ...block(`if (${ROUTE_VAR} = "")`, [`return 404 '${SESSION_NOT_FOUND_BODY}';`]),
      `proxy_pass http://${ROUTE_VAR};`,
      "js_header_filter mcp.signSession;",
    ]),
    ...start,
  ];
}

function proxyServer(i: NginxInput): string[] {
  const health = [...(i.auth?.healthPublic === false ? requireClient(i) : []), ...shortRoute(i, i.healthTimeout)];
  return block("server", [
    listen(i, i.listenPort),
    `client_max_body_size ${i.clientMaxBodySize};`,
    ...proxySettings(i),
    ...(i.auth ? authServerLines(i.auth) : []),
    "",
    ...mcpLocation(i),
    "",
    "# Health for operators passes through to a hub, so it answers for the whole path, not just",
    "# nginx; a check must not wait as long as a tool call may. The deep /health (Neo4j and Ollama)",
    "# has its own upstream block: its 503 is about dependencies every replica shares, passed",
    "# through as is and not counted against any replica.",
    ...block("location = /health", [
      `proxy_pass http://${HEALTH_UPSTREAM_NAME};`,
      ...health,
      "proxy_next_upstream error timeout http_502 http_504;",
    ]),
    "# /health/live and /health/ready check the hub process alone: a replica failing them is sick,",
    "# so they count toward max_fails in the MCP pool.",
    ...block("location /health/", [`proxy_pass http://${UPSTREAM_NAME};`, ...health]),
    "",
    "# When nginx cannot give the hub's answer, say why in JSON instead of nginx's HTML page.",
    "# A hub's own error responses pass through untouched (proxy_intercept_errors stays off).",
    ...errorPages(i),
  ]);
}

function statusServer(i: NginxInput): string[] {
  return [
    "# Internal: connection counters for the Prometheus exporter; never published.",
    ...block("server", [
      listen(i, i.statusPort),
      "access_log off;",
      ...block("location = /stub_status", ["stub_status;"]),
      ...block("location = /healthz", ["default_type text/plain;", "return 200 'ok';"]),
    ]),
  ];
}

/** The client's name with auth (never its token: the Authorization header is not logged). */
const accessLogFormat = (i: NginxInput) => [
  `'{"time":"$time_iso8601","request_id":"$mcp_request_id","remote_addr":"$remote_addr",${i.auth ? `"client":"${CLIENT_VAR}",` : ""}'`,
  `'"method":"$request_method","uri":"$request_uri","status":$status,"bytes_sent":$body_bytes_sent,'`,
  `'"request_time":$request_time,"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status",'`,
  `'"upstream_connect_time":"$upstream_connect_time","upstream_response_time":"$upstream_response_time"}';`,
];

/** nginx's temporary files under the run dir: writable where the image's defaults may not be. */
export function nginxTempPaths(runDir: string): string[] {
  return ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${runDir}/${t};`);
}

export function renderNginxConf(i: NginxInput): string {
  const lines = [
    "# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.",
    "# One worker per CPU of the container's limit: nginx cannot see the limit (`auto` counts the",
    "# node's CPUs), and more workers would only contend for the same quota.",
    `worker_processes ${i.workerProcesses};`,
    "# Each proxied request holds two descriptors (client and hub).",
    `worker_rlimit_nofile ${2 * i.workerConnections + 64};`,
    `pid ${i.runDir}/nginx.pid;`,
    "error_log stderr warn;",
    ...sessionMainLines(),
    "",
    ...block("events", [`worker_connections ${i.workerConnections};`]),
    "",
    ...block("http", [
      ...nginxTempPaths(i.runDir),
      "server_tokens off;",
      "",
      "# Keep the caller's request id, or make one, so a request can be followed through the hubs.",
      ...block("map $http_x_request_id $mcp_request_id", ['""      $request_id;', "default $http_x_request_id;"]),
      "",
      "# One JSON object per request, with the hub that served it and how long each step took",
      "# (a retried request lists every hub it tried).",
      "log_format mcp_json escape=json",
      ...indent(accessLogFormat(i)),
      "access_log /dev/stdout mcp_json;",
      "",
      ...sessionHttpLines(),
      ...sessionStartMap(),
      ...(i.auth ? authHttpLines(i.auth) : []),
      "",
      ...resolverLines(i.upstreams),
      ...upstreamBlock(i.upstreams, i),
      ...upstreamBlock(i.upstreams, i, HEALTH_UPSTREAM_NAME),
      "",
      ...proxyServer(i),
      "",
      ...statusServer(i),
    ]),
    "",
  ];
  return lines.join("\n");
}
