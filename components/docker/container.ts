/**
 * Pure mapping of a workload replica to the Docker container it becomes. Units are converted
 * exactly: memory to MiB (the provider's unit), CPU limit to a decimal CPU count (the provider
 * turns it into NanoCpus), CPU request to cgroup CPU shares the way the kubelet computes them.
 */
import { bytesToDockerMiB, millicoresToCpuShares, millicoresToDockerCpus } from "../config/quantity";
import type { StackConfig } from "../config/schema";
import type { Companion, FileSpec, SecretRef, Workload } from "../workloads/types";
import { workloadLabels } from "../workloads/labels";
import { dockerContainerName, dockerVolumeName } from "./naming";

export interface DockerContainerSpec {
  name: string;
  hostname: string;
  aliases: string[];
  entrypoints?: string[];
  command?: string[];
  envs: string[];
  secretEnvs: [string, SecretRef][];
  memory: number;
  memoryReservation: number;
  memorySwap: number;
  cpus: string;
  cpuShares: number;
  gpus?: string;
  healthcheck?: { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
  restart: string;
  ports: { internal: number; external: number; ip: string; protocol: string }[];
  /** Named volumes, and (no volumeName) scratch volumes of the container's own, removed with it. */
  volumes: { volumeName?: string; containerPath: string }[];
  mounts: { type: string; source: string; target: string; readOnly: boolean }[];
  uploads: { file: string; content: string; executable: boolean }[];
  labels: { label: string; value: string }[];
  privileged: boolean;
  /** Every capability dropped; only the image's needs (Workload.capabilities) are added back. */
  capabilities: { drops: string[]; adds: string[] };
  securityOpts: string[];
  devices?: { hostPath: string; permissions: string }[];
  pidMode?: string;
  /** The container's own stop timeout (`docker stop`, daemon shutdown). */
  stopTimeout?: number;
  /** The provider stops the container with this timeout before it removes it (replace, destroy). */
  destroyGraceSeconds?: number;
  logDriver: string;
  logOpts: Record<string, string>;
}

export type DockerSettings = StackConfig["docker"];

/**
 * json-file is Docker's default driver and the one `docker logs` and cAdvisor read; without
 * max-size it never rotates (Docker docs, "JSON File logging driver").
 */
export function dockerLogOptions(logs: DockerSettings["logs"]): { logDriver: string; logOpts: Record<string, string> } {
  return { logDriver: "json-file", logOpts: { "max-size": logs.maxSize, "max-file": String(logs.maxFiles) } };
}

/**
 * Without a grace period the provider removes a container with force (SIGKILL) on replace and
 * destroy; `destroyGraceSeconds` makes it stop the container first with that timeout
 * (kreuzwerker/docker provider, docker_container `destroy_grace_seconds`).
 */
function stopGrace(w: Workload): Pick<DockerContainerSpec, "stopTimeout" | "destroyGraceSeconds"> {
  return w.stopGraceSeconds === undefined ? {} : { stopTimeout: w.stopGraceSeconds, destroyGraceSeconds: w.stopGraceSeconds };
}

/**
 * Docker's default set keeps 14 capabilities (CHOWN, DAC_OVERRIDE, FOWNER, KILL, NET_RAW,
 * SETUID, SETGID, ...; moby oci/caps/defaults.go); every container drops them all and gets back
 * only what its workload names. `no-new-privileges` stops a setuid binary (su, sudo, ping) from
 * raising privileges on exec; gosu and su-exec (Neo4j) are not setuid and work under it
 * (Docker docs, "docker run --security-opt no-new-privileges"). No image of the stack needs an
 * exemption from it.
 */
export const NO_NEW_PRIVILEGES = "no-new-privileges:true";

function hardening(w: Workload): Pick<DockerContainerSpec, "capabilities" | "securityOpts"> {
  return { capabilities: { drops: ["ALL"], adds: Object.keys(w.capabilities ?? {}).sort() }, securityOpts: [NO_NEW_PRIVILEGES] };
}

const upload = (f: FileSpec) => ({ file: f.mountPath, content: f.content, executable: f.executable ?? false });

export function dockerContainerSpec(w: Workload, replica: string, docker: DockerSettings): DockerContainerSpec {
  const hc = w.healthCheck;
  const bindAddress = docker.bindAddress;
  const memory = bytesToDockerMiB(w.resources.limits.memory);
  return {
    name: dockerContainerName(replica),
    hostname: replica,
    // Single-instance services answer to their service name; replicas to their own name.
    aliases: [...new Set([replica, ...(w.replicas === 1 ? [w.name] : [])])],
    ...(w.command ? { entrypoints: w.command } : {}),
    ...(w.args ? { command: w.args } : {}),
    envs: Object.entries(w.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`),
    secretEnvs: Object.entries(w.secretEnv).sort(([a], [b]) => a.localeCompare(b)),
    memory,
    memoryReservation: bytesToDockerMiB(w.resources.requests.memory),
    // Swap equal to the limit means no swap: the limit is the memory the container gets.
    memorySwap: memory,
    cpus: millicoresToDockerCpus(w.resources.limits.cpu),
    cpuShares: millicoresToCpuShares(w.resources.requests.cpu),
    ...(w.gpus > 0 ? { gpus: `device=${Array.from({ length: w.gpus }, (_, i) => i).join(",")}` } : {}),
    ...(hc
      ? {
          healthcheck: {
            tests: hc.command,
            interval: `${hc.intervalSeconds}s`,
            timeout: `${hc.timeoutSeconds}s`,
            retries: hc.retries,
            startPeriod: `${hc.startPeriodSeconds}s`,
          },
        }
      : {}),
    restart: "unless-stopped",
    ports: w.ports
      .filter((p) => p.publish !== undefined)
      .map((p) => ({ internal: p.port, external: p.publish!, ip: bindAddress, protocol: "tcp" })),
    volumes: [
      ...w.volumes.map((v) => ({ volumeName: dockerVolumeName(v.name), containerPath: v.mountPath })),
      ...(w.scratchPaths ?? []).map((containerPath) => ({ containerPath })),
    ],
    mounts: (w.host?.mounts ?? []).map((m) => ({ type: "bind", source: m.hostPath, target: m.mountPath, readOnly: m.readOnly })),
    uploads: w.files.map(upload),
    labels: Object.entries(workloadLabels(w, replica)).map(([label, value]) => ({ label, value })),
    privileged: w.host?.privileged ?? false,
    ...hardening(w),
    ...(w.host?.devices?.length ? { devices: w.host.devices.map((d) => ({ ...d })) } : {}),
    ...(w.host?.pidHost ? { pidMode: "host" } : {}),
    ...stopGrace(w),
    ...dockerLogOptions(docker.logs),
  };
}

/**
 * A companion of one replica: same image, the replica's network namespace (`container:<id>`, so
 * its 127.0.0.1 is the replica's) and the replica's volumes (volumesFrom), no ports of its own.
 */
export function dockerCompanionSpec(w: Workload, c: Companion, replica: string, docker: DockerSettings) {
  const memory = bytesToDockerMiB(c.resources.limits.memory);
  return {
    name: dockerContainerName(`${replica}-${c.name}`),
    command: c.command,
    envs: Object.entries(c.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`),
    memory,
    memoryReservation: bytesToDockerMiB(c.resources.requests.memory),
    memorySwap: memory,
    cpus: millicoresToDockerCpus(c.resources.limits.cpu),
    cpuShares: millicoresToCpuShares(c.resources.requests.cpu),
    restart: "unless-stopped",
    // Same image and user as the replica, so the same needs.
    ...hardening(w),
    labels: Object.entries({ ...workloadLabels(w, replica), "mcp-superserver/companion": c.name }).map(([label, value]) => ({ label, value })),
    ...dockerLogOptions(docker.logs),
  };
}
