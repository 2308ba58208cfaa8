import type { StackConfig } from "../config/schema";
import { renderNginxConf, type NginxInput, type NginxServer, type NginxUpstreams } from "../render/nginx";
import { SESSION_JS_FILE, SESSION_KEY_ENV, sessionScript } from "../render/nginxSession";
import { UPSTREAM_NAME } from "../render/nginxUpstream";
import { httpCheck, resourceSpec } from "./common";
import { PORT, SERVICE, type Workload } from "./types";
import { NGINX_CAPABILITIES } from "./capabilities";

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

/** The renderer's inputs for this stack: the load-balancer section of the config, in nginx terms. */
export function nginxInput(cfg: StackConfig, hubs: HubUpstreams, runDir = NGINX_RUN_DIR): NginxInput {
  const lb = cfg.loadBalancer;
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
  };
}

export function nginxConf(cfg: StackConfig, hubs: HubUpstreams, runDir = NGINX_RUN_DIR): string {
  return renderNginxConf(nginxInput(cfg, hubs, runDir));
}

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
    secretEnv: { [SESSION_KEY_ENV]: { secret: "mcp-session-key" } },
    resources: resourceSpec(lb.resources),
    healthCheck: httpCheck(PORT.nginxStatus, "/healthz"),
    volumes: [],
    files: [
      { name: "nginx.conf", mountPath: "/etc/nginx/nginx.conf", content: nginxConf(cfg, hubs) },
      // js_import resolves a relative path against nginx.conf's directory.
      { name: SESSION_JS_FILE, mountPath: `/etc/nginx/${SESSION_JS_FILE}`, content: sessionScript(UPSTREAM_NAME) },
    ],
    secretFiles: [],
    gpus: 0,
  };
}
