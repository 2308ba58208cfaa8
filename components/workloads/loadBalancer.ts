import type { StackConfig } from "../config/schema";
import { renderNginxConf, type NginxUpstream } from "../render/nginx";
import { httpCheck, resourceSpec } from "./common";
import { PORT, SERVICE, type Workload } from "./types";

/** nginx runs one worker per CPU of its limit, at least one. */
export function nginxWorkerProcesses(limitMillicores: number): number {
  return Math.max(1, Math.ceil(limitMillicores / 1000));
}

export function nginxConf(cfg: StackConfig, upstreams: NginxUpstream[]): string {
  const lb = cfg.loadBalancer;
  return renderNginxConf({
    listenPort: PORT.nginxHttp,
    statusPort: PORT.nginxStatus,
    upstreams,
    workerProcesses: nginxWorkerProcesses(lb.resources.limits.cpu),
    workerConnections: lb.workerConnections,
    keepalive: lb.keepalive,
    maxFails: lb.maxFails,
    failTimeout: lb.failTimeout,
    connectTimeout: lb.connectTimeout,
    readTimeout: lb.readTimeout,
    sendTimeout: lb.sendTimeout,
    clientMaxBodySize: lb.clientMaxBodySize,
    runDir: "/tmp",
  });
}

/** The nginx `least_conn` load balancer, listing every hub replica as an upstream. */
export function loadBalancerWorkload(cfg: StackConfig, upstreams: NginxUpstream[]): Workload {
  const lb = cfg.loadBalancer;
  return {
    name: SERVICE.loadBalancer,
    role: "load-balancer",
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
    files: [{ name: "nginx.conf", mountPath: "/etc/nginx/nginx.conf", content: nginxConf(cfg, upstreams) }],
    secretFiles: [],
    gpus: 0,
    dependsOn: [SERVICE.hub],
  };
}
