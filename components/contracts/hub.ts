/**
 * The contract with the MCP hub we deploy: the upstream MCP-SUPERSERVER hub
 * (github.com/Ruben-Alvarez-Dev/MCP-superserver, `Docker/mcp-hub`), read from its source at the
 * pinned commit and observed by running it. Every fact the stack relies on is here once, with
 * the upstream file it comes from; the hub stand-in in the tests implements the same facts.
 */

/** The source the hub image is built from by default: upstream publishes no image. */
export const UPSTREAM_HUB_SOURCE = {
  repository: "https://github.com/Ruben-Alvarez-Dev/MCP-superserver.git",
  commit: "e9ece46e005bf0e9444ebfdc40eb56d60170b074",
  path: "Docker/mcp-hub",
} as const;

/** Docker/mcp-hub/Dockerfile: `adduser -u 1001 -S mcp`, `USER mcp`; /app is chowned to it. */
export const HUB_IMAGE_USER = 1001;

/**
 * Docker/mcp-hub/src/routes/health.js: `/health` checks Neo4j (`RETURN 1`) and Ollama (`list`)
 * and answers 503 "degraded" when either fails; `/health/live` and `/health/ready` always
 * answer 200 without touching a dependency. Each answers HEAD as GET (express 4 routes HEAD to
 * GET handlers), so blackbox probes the deep check with HEAD and the metrics can tell it apart.
 */
export const HUB_PATH = {
  deepHealth: "/health",
  live: "/health/live",
  ready: "/health/ready",
  /** src/routes/metrics.js, mounted at /metrics in src/server.js; scraped with GET (route "/"). */
  metrics: "/metrics",
} as const;

/**
 * The environment the hub reads (src/services/neo4j-client.js, ollama-router.js, obsidian-writer.js,
 * utils/logger.js, server.js). Not NEO4J_USERNAME, not OLLAMA_BASE_URL: those are ignored.
 */
export const HUB_ENV = {
  port: "PORT",
  nodeEnv: "NODE_ENV",
  logLevel: "LOG_LEVEL",
  neo4jUri: "NEO4J_URI",
  neo4jUser: "NEO4J_USER",
  neo4jPassword: "NEO4J_PASSWORD",
  neo4jDatabase: "NEO4J_DATABASE",
  /** Milliseconds; default 60000: a hung Neo4j holds `/health` and every tool call that long. */
  neo4jAcquisitionTimeout: "NEO4J_ACQUISITION_TIMEOUT",
  ollamaHost: "OLLAMA_HOST",
  ollamaPort: "OLLAMA_PORT",
  vaultPath: "OBSIDIAN_VAULT_PATH",
} as const;

/** src/services/ollama-router.js `modelConfig.defaultModels`: the roles it routes tasks to. */
export const HUB_MODEL_ROLES = ["reasoning", "coding", "vision", "chat", "embedding", "fallback"] as const;
export type HubModelRole = (typeof HUB_MODEL_ROLES)[number];
export const hubModelEnv = (role: HubModelRole) => `OLLAMA_${role.toUpperCase()}_MODEL`;

/**
 * src/services/ollama-router.js calls `ollama.list({ host })` and `ollama.generate({ ..., host })`
 * on ollama-js's default client, which takes no per-call host: every call goes to its default
 * address, whatever OLLAMA_HOST and OLLAMA_PORT say (observed: a listener on the configured
 * address got no request, one on this address got them all).
 */
export const HUB_OLLAMA_CLIENT_ADDRESS = { host: "127.0.0.1", port: 11434 } as const;

/**
 * src/utils/logger.js: NODE_ENV=production adds a file log here, never rotated.
 * src/services/obsidian-writer.js: notes go under OBSIDIAN_VAULT_PATH (default /app/obsidian-vault,
 * a directory the image does not create), into OBSIDIAN_LOGS_FOLDER ("MCP Logs"); the
 * protocol-omega middleware writes one there for every HTTP request.
 */
export const HUB_LOG_DIR = "/app/logs";
export const HUB_LOG_FILE = `${HUB_LOG_DIR}/mcp-hub.log`;
/** Created by the Dockerfile (`mkdir -p /app/logs /app/config /app/data`) and owned by the hub's user. */
export const HUB_DATA_DIR = "/app/data";
export const HUB_LOGS_FOLDER = "MCP Logs";

/**
 * src/utils/graceful-shutdown.js: on SIGTERM the server stops accepting, lets in-flight
 * requests finish and exits; after SHUTDOWN_TIMEOUT (30 s) it exits whatever is still running.
 */
export const HUB_SHUTDOWN_SECONDS = 30;

/**
 * src/routes/metrics.js: the only request metric with samples is this histogram, labels
 * `method`, `route`, `status_code`, with these buckets. `route` is router-relative: `/`, `/health`
 * and `/metrics` all count as `route="/"`, `/health/live` as `/live`, `/health/ready` as `/ready`.
 */
export const UPSTREAM_HUB_METRICS = {
  requestCount: "mcp_hub_http_request_duration_seconds_count",
  durationBucket: "mcp_hub_http_request_duration_seconds_bucket",
  statusLabel: "status_code",
  /**
   * The probes' requests, which the labels do tell apart: the kubelet's and Docker's on their
   * own routes, blackbox's deep `/health` by its method. Express answers HEAD with the GET
   * handler and the histogram labels it `method="HEAD"` (observed: HEAD /health gives 503 and
   * `{method="HEAD",route="/",status_code="503"}`); no client sends HEAD to the hub.
   */
  probeMatchers: ['route!~"/live|/ready"', 'method!="HEAD"'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
} as const;

/**
 * The runbook's names (docs/RUNBOOK.md "Key Metrics"): `mcp_requests_total` with `status`, and
 * `mcp_request_duration_seconds`. No hub at the pinned commit exports them; a hub that does is
 * assumed to use the Prometheus clients' default buckets.
 */
export const RUNBOOK_HUB_METRICS = {
  requestCount: "mcp_requests_total",
  durationBucket: "mcp_request_duration_seconds_bucket",
  statusLabel: "status",
  probeMatchers: [],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
} as const;

export interface HubMetricsContract {
  requestCount: string;
  durationBucket: string;
  statusLabel: string;
  /** Label matchers that keep the probes' own requests out of error and latency ratios. */
  probeMatchers: readonly string[];
  /** Finite bucket bounds, in seconds: latency thresholds must be one of them. */
  buckets: readonly number[];
}

export const HUB_METRICS_CONTRACTS = { upstream: UPSTREAM_HUB_METRICS, runbook: RUNBOOK_HUB_METRICS } as const satisfies Record<
  string,
  HubMetricsContract
>;
