/**
 * The Docker API proxy of the Docker backup: the only container that mounts dockerd's socket.
 * It runs nginx from the load balancer's image (pulled already, ships njs) as root, listens on a
 * unix socket in a volume only it and the backup scheduler mount (no TCP port: nothing else can
 * reach it) and admits the scheduler's calls alone (components/render/dockerApiProxy.ts).
 */
import type { StackConfig } from "../config/schema";
import { backupDockerCalls, type BackupDockerNames } from "../render/backupDockerApi";
import { renderDockerApiProxyConf, renderDockerApiProxyScript } from "../render/dockerApiProxy";
import { SERVICE, type VolumeSpec, type Workload } from "./types";

const SOCKET_DIR = "/run/docker-api";
const PROXY_SOCKET = `${SOCKET_DIR}/docker.sock`;
const DOCKER_SOCKET = "/var/run/docker.sock";
const JS_FILE = "docker-api-proxy.js";
/** Its own name beside the image's nginx.conf, which it does not use (and which names the load balancer's file in a synth). */
const CONF_FILE = "/etc/nginx/docker-api-proxy.conf";
/** A run dir of its own: the image's /var/cache/nginx is root's and unused here. */
const RUN_DIR = "/tmp";

export const BACKUP_DOCKER_API_VOLUME: VolumeSpec = { name: "backup-docker-api", mountPath: SOCKET_DIR, sizeBytes: 1024 ** 2 };
/** The scheduler's docker CLI reads DOCKER_HOST (docker CLI docs, "Environment variables"). */
export const BACKUP_DOCKER_HOST = `unix://${PROXY_SOCKET}`;

export function backupDockerProxyWorkload(cfg: StackConfig, names: BackupDockerNames): Workload {
  const calls = backupDockerCalls(names);
  return {
    name: SERVICE.backupDockerApi,
    role: "backup",
    capabilities: {
      // `user root` (ngx_worker_process_init: setgid, initgroups, setuid while euid is 0);
      // setgid/setuid to root itself need nothing, initgroups' setgroups needs CAP_SETGID.
      SETGID: "each nginx worker's initgroups for `user root`: the workers open dockerd's socket (root:docker 0660)",
    },
    image: { ref: cfg.loadBalancer.image },
    replicas: 1,
    // nginx does not remove a unix socket left by a killed predecessor, and bind() then fails.
    command: ["sh", "-c", `rm -f ${PROXY_SOCKET} && exec nginx -c ${CONF_FILE} -g 'daemon off;'`],
    ports: [],
    env: {},
    secretEnv: {},
    resources: {
      limits: { cpu: 100, memory: 32 * 1024 ** 2 },
      requests: { cpu: 10, memory: 16 * 1024 ** 2 },
    },
    healthCheck: {
      probe: { exec: ["test", "-S", PROXY_SOCKET] },
      command: ["CMD", "test", "-S", PROXY_SOCKET],
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 5,
    },
    volumes: [BACKUP_DOCKER_API_VOLUME],
    files: [
      {
        name: "docker-api-proxy.conf",
        mountPath: CONF_FILE,
        content: renderDockerApiProxyConf({ listenSocket: PROXY_SOCKET, dockerSocket: DOCKER_SOCKET, runDir: RUN_DIR, accessLog: "/dev/stdout", jsFile: JS_FILE, calls }),
      },
      // js_import resolves a relative path against nginx.conf's directory; load_module against the prefix (/etc/nginx).
      { name: JS_FILE, mountPath: `/etc/nginx/${JS_FILE}`, content: renderDockerApiProxyScript(calls) },
    ],
    secretFiles: [],
    gpus: 0,
    host: { mounts: [{ hostPath: DOCKER_SOCKET, mountPath: DOCKER_SOCKET, readOnly: false }] },
  };
}

