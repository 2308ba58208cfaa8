/**
 * nginx.conf for the load balancer: `least_conn` over the hub replicas. Every directive that is
 * a choice carries a comment saying why, since operators read this file when traffic misbehaves.
 */
import { durationSeconds } from "../config/primitives";

export interface NginxUpstream {
  host: string;
  port: number;
}

export interface NginxInput {
  /** Port the proxy listens on for clients. */
  listenPort: number;
  /** Internal port for `stub_status` (scraped by the exporter, never published). */
  statusPort: number;
  upstreams: NginxUpstream[];
  workerProcesses: number;
  workerConnections: number;
  keepalive: number;
  maxFails: number;
  failTimeout: string;
  connectTimeout: string;
  readTimeout: string;
  sendTimeout: string;
  clientMaxBodySize: string;
  /** Where nginx keeps its pid and temp files; a writable path for a read-only root filesystem. */
  runDir: string;
}

const indent = (lines: string[], by = "    ") => lines.map((l) => (l ? by + l : l));

function upstreamBlock(i: NginxInput): string[] {
  if (i.upstreams.length === 0) throw new Error("nginx needs at least one hub upstream");
  return [
    "upstream mcp_hub {",
    ...indent([
      "# New requests go to the hub with the fewest active ones: tool calls vary from",
      "# milliseconds to minutes (LLM calls), so round-robin would pile work on a busy replica.",
      "least_conn;",
      "# Shared memory lets every worker see the same connection counts and failure state.",
      "zone mcp_hub 64k;",
      `# Passive health: ${i.maxFails} failed attempts within ${i.failTimeout} take a hub out for ${i.failTimeout}.`,
      ...i.upstreams.map((u) => `server ${u.host}:${u.port} max_fails=${i.maxFails} fail_timeout=${i.failTimeout};`),
      "# Reuse connections to the hubs instead of a TCP handshake per request.",
      `keepalive ${i.keepalive};`,
    ]),
    "}",
  ];
}

function proxyDirectives(i: NginxInput): string[] {
  const tries = Math.min(3, i.upstreams.length);
  return [
    "proxy_pass http://mcp_hub;",
    "# HTTP/1.1 with an empty Connection header is what upstream keepalive needs.",
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Request-ID $mcp_request_id;",
    "add_header X-Request-ID $mcp_request_id always;",
    `proxy_connect_timeout ${i.connectTimeout};`,
    "# LLM tool calls can think for minutes between bytes.",
    `proxy_read_timeout ${i.readTimeout};`,
    `proxy_send_timeout ${i.sendTimeout};`,
    "# Retry on another hub only when this one could not be reached or timed out. nginx never",
    "# passes a non-idempotent request (POST /tools/call) on once it was sent to a hub, so a",
    "# tool call cannot run twice; tries and time are bounded so a dead pool fails fast.",
    "proxy_next_upstream error timeout;",
    `proxy_next_upstream_tries ${tries};`,
    `proxy_next_upstream_timeout ${Math.round(tries * durationSeconds(i.connectTimeout) * 1000)}ms;`,
  ];
}

export function renderNginxConf(i: NginxInput): string {
  const lines = [
    "# Rendered by mcp-superserver-infra from the stack config; do not edit by hand.",
    "# One worker per CPU of the container's limit: more would only contend for the same quota.",
    `worker_processes ${i.workerProcesses};`,
    `pid ${i.runDir}/nginx.pid;`,
    "error_log /dev/stderr warn;",
    "",
    "events {",
    ...indent([`worker_connections ${i.workerConnections};`]),
    "}",
    "",
    "http {",
    ...indent([
      `client_body_temp_path ${i.runDir}/client_body;`,
      `proxy_temp_path ${i.runDir}/proxy;`,
      `fastcgi_temp_path ${i.runDir}/fastcgi;`,
      `uwsgi_temp_path ${i.runDir}/uwsgi;`,
      `scgi_temp_path ${i.runDir}/scgi;`,
      "server_tokens off;",
      "",
      "# Keep the caller's request id, or make one, so a request can be followed through the hubs.",
      "map $http_x_request_id $mcp_request_id {",
      '    ""      $request_id;',
      "    default $http_x_request_id;",
      "}",
      "",
      "# One JSON object per request, with the hub that served it and how long each step took.",
      "log_format mcp_json escape=json",
      `    '{"time":"$time_iso8601","request_id":"$mcp_request_id","remote_addr":"$remote_addr",'`,
      `    '"method":"$request_method","uri":"$request_uri","status":$status,"bytes_sent":$body_bytes_sent,'`,
      `    '"request_time":$request_time,"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status",'`,
      `    '"upstream_connect_time":"$upstream_connect_time","upstream_response_time":"$upstream_response_time"}';`,
      "access_log /dev/stdout mcp_json;",
      "",
      ...upstreamBlock(i),
      "",
      "server {",
      ...indent([
        `listen ${i.listenPort};`,
        `client_max_body_size ${i.clientMaxBodySize};`,
        "",
        "location / {",
        ...indent(proxyDirectives(i)),
        "}",
        "",
        "# Health passes through to a hub, so it answers for the whole path, not just nginx.",
        "location = /health {",
        ...indent(proxyDirectives(i)),
        "}",
        "",
        "# When no hub can take the request, say so in JSON instead of nginx's HTML page.",
        "error_page 502 503 504 = @hub_unavailable;",
        "location @hub_unavailable {",
        ...indent([
          "default_type application/json;",
          `return 503 '{"error":"no MCP hub replica is available","request_id":"$mcp_request_id"}';`,
        ]),
        "}",
      ]),
      "}",
      "",
      "# Internal: connection counters for the Prometheus exporter; never published.",
      "server {",
      ...indent([
        `listen ${i.statusPort};`,
        "access_log off;",
        "location = /stub_status {",
        ...indent(["stub_status;"]),
        "}",
        "location = /healthz {",
        ...indent(["default_type text/plain;", "return 200 'ok';"]),
        "}",
      ]),
      "}",
    ]),
    "}",
    "",
  ];
  return lines.join("\n");
}
