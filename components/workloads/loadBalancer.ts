import type { StackConfig } from "../config/schema";
import { renderNginxConf, type NginxInput, type NginxServer, type NginxUpstreams } from "../render/nginx";
import { AUTH_JS_FILE, authScript, type NginxAuth } from "../render/nginxAuth";
import { SESSION_JS_FILE, SESSION_KEY_FILE, sessionScript } from "../render/nginxSession";
import { UPSTREAM_NAME } from "../render/nginxUpstream";
import { edgeTerminatesTls } from "../config/rules/edge";
import { httpCheck, resourceSpec } from "./common";
import { SECRETS_DIR } from "./secretFiles";
import { PORT, SERVICE, type Workload } from "./types";
import { NGINX_CAPABILITIES } from "../contracts/capabilities";

/**
 * Where the load balancer finds the hubs: a fixed list (Docker: one container per replica, names
 * re-resolved through `resolver` while nginx runs when given) or a headless Service name resolved
 * while nginx runs (Kubernetes); answers are trusted for `dnsRefresh`.
 */
export type HubUpstreams =
  | { kind: "static"; servers: NginxServer[]; resolver?: string }
  | { kind: "resolve"; host: string; port: number; resolver: string };

/** nginx runs one worker per CPU of its limit, at least one. */
export function nginxWorkerProcesses(limitMillicores: number): number {
  return Math.max(1, Math.ceil(limitMillicores / 1000));
}

function nginxUpstreams(cfg: StackConfig, hubs: HubUpstreams): NginxUpstreams {
  const refresh = cfg.loadBalancer.dnsRefresh;
  if (hubs.kind === "resolve") return { ...hubs, refresh };
  return { kind: "static", servers: hubs.servers, ...(hubs.resolver ? { dns: { resolver: hubs.resolver, refresh } } : {}) };
}

/** nginx's pid and temp files: /tmp is writable even with a read-only root filesystem. */
export const NGINX_RUN_DIR = "/tmp";

/** Where nginx reads the clients' tokens: a secret file, never nginx.conf or the environment. */
export const CLIENT_TOKENS_PATH = `${SECRETS_DIR}/client-tokens`;

function nginxAuth(cfg: StackConfig): NginxAuth | undefined {
  const a = cfg.loadBalancer.auth;
  return a.enabled ? { tokensFile: CLIENT_TOKENS_PATH, rate: a.rate, burst: a.burst, healthPublic: a.healthPublic } : undefined;
}

/** The renderer's inputs for this stack: the load-balancer section of the config, in nginx terms. */
export function nginxInput(cfg: StackConfig, hubs: HubUpstreams, runDir = NGINX_RUN_DIR): NginxInput {
  const lb = cfg.loadBalancer;
  const auth = nginxAuth(cfg);
  return {
    listenPort: PORT.nginxHttp,
    statusPort: PORT.nginxStatus,
    upstreams: nginxUpstreams(cfg, hubs),
    workerProcesses: nginxWorkerProcesses(lb.resources.limits.cpu),
    workerConnections: lb.workerConnections,
    keepalive: lb.keepalive,
    keepaliveTimeout: lb.keepaliveTimeout,
    maxFails: lb.maxFails,
    failTimeout: lb.failTimeout,
    connectTimeout: lb.connectTimeout,
    readTimeout: lb.readTimeout,
    sendTimeout: lb.sendTimeout,
    healthTimeout: lb.healthTimeout,
    sessionStartTimeout: lb.sessionStartTimeout,
    clientMaxBodySize: lb.clientMaxBodySize,
    runDir,
    ...(auth ? { auth } : {}),
    // TLS ends at the NLB (kubernetes/edgeTls.ts): the hubs are told the scheme the client used.
    ...(edgeTerminatesTls(cfg) ? { clientScheme: "https" as const } : {}),
  };
}

export function nginxConf(cfg: StackConfig, hubs: HubUpstreams, runDir = NGINX_RUN_DIR): string {
  return renderNginxConf(nginxInput(cfg, hubs, runDir));
}

/** The session-signing key, a file the njs script reads (nginx's workers run as the image's nginx user). */
const SESSION_KEY = { name: SESSION_KEY_FILE, mountPath: `${SECRETS_DIR}/${SESSION_KEY_FILE}`, secret: "mcp-session-key" } as const;

/** The nginx load balancer in front of the hub replicas: least_conn for new sessions, affinity for the rest. */
export function loadBalancerWorkload(cfg: StackConfig, hubs: HubUpstreams): Workload {
  const lb = cfg.loadBalancer;
  return {
    name: SERVICE.loadBalancer,
    role: "load-balancer",
    capabilities: NGINX_CAPABILITIES,
    image: { ref: lb.image },
    replicas: lb.replicas,
    ports: [
      { name: "http", port: PORT.nginxHttp, publish: lb.port },
      { name: "status", port: PORT.nginxStatus },
    ],
    env: {},
    secretEnv: {},
    resources: resourceSpec(lb.resources),
    healthCheck: httpCheck(PORT.nginxStatus, "/healthz"),
    volumes: [],
    files: [
      { name: "nginx.conf", mountPath: "/etc/nginx/nginx.conf", content: nginxConf(cfg, hubs) },
      // js_import resolves a relative path against nginx.conf's directory.
      { name: SESSION_JS_FILE, mountPath: `/etc/nginx/${SESSION_JS_FILE}`, content: sessionScript(UPSTREAM_NAME, SESSION_KEY.mountPath) },
      ...(lb.auth.enabled ? [{ name: AUTH_JS_FILE, mountPath: `/etc/nginx/${AUTH_JS_FILE}`, content: authScript() }] : []),
    ],
    secretFiles: [SESSION_KEY, ...(lb.auth.enabled ? [{ name: "client-tokens", mountPath: CLIENT_TOKENS_PATH, secret: "client-tokens" as const }] : [])],
    gpus: 0,
  };
}
