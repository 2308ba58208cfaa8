import type { StackConfig } from "../config/schema";
import type { BackupDockerNames } from "../render/backupDockerApi";
import { type DockerScratch, renderDockerBackupScript, renderDockerRestoreScript, renderDockerVerifyScript, renderSchedulerEntrypoint } from "../render/backupScript";
import { BACKUP_DOCKER_API_VOLUME, BACKUP_DOCKER_HOST } from "./backupDockerProxy";
import { resourceSpec } from "./common";
import { neo4jMemoryValue } from "./neo4j";
import { secretAsFile } from "./secretFiles";
import { BACKUP_METRICS_VOLUME, PORT, SERVICE, type Workload } from "./types";
import { BACKUP_SCHEDULER_CAPABILITIES } from "../contracts/capabilities";

const BACKUP_WORK_VOLUME = "backup-work";
const WORK_DIR = "/backups";
const METRICS_DIR = "/metrics";
export const BACKUP_SCRIPT_PATH = "/usr/local/bin/mcp-backup";
/** `mcp-restore [KEY]` in the scheduler container: what `npm run restore` runs on Docker. */
export const RESTORE_SCRIPT_PATH = "/usr/local/bin/mcp-restore";
const VERIFY_SCRIPT_PATH = "/usr/local/bin/mcp-verify";
const ENTRYPOINT_PATH = "/usr/local/bin/mcp-backup-scheduler";
const CRONTAB_DIR = "/etc/crontabs";
/** The lock holder's pid, for the scheduler's stop handler. */
const JOB_PID_FILE = "/run/mcp-maintenance.pid";
/** Docker's stop: Neo4j's clean shutdown takes seconds; past this Docker SIGKILLs it and the store needs recovery. */
const NEO4J_STOP_SECONDS = 60;
/** MinIO's region is nominal; the AWS CLI and provider still want one. */
/** The backup bucket of a stack, in MinIO (Docker) or S3 (Kubernetes). */
export const backupBucketName = (stack: string) => `mcp-superserver-backups-${stack}`;

export const OBJECT_STORE_REGION = "us-east-1";
export const OBJECT_STORE_USER = "mcp-backup";

/**
 * MinIO reads MINIO_ROOT_PASSWORD_FILE itself: an absolute path, or a name under /run/secrets
 * (minio/minio cmd/common-main.go `readFromSecret`, `loadEnvVarsFromFiles`, at the pinned
 * RELEASE.2024-11-07T00-52-20Z). A file that does not exist is ignored without a word, and MinIO
 * falls back to its default credentials: the path here is the one the adapters mount (tested).
 * The user name is no secret and stays in MINIO_ROOT_USER.
 */
const OBJECT_STORE_PASSWORD = secretAsFile("MINIO_ROOT_PASSWORD_FILE", "object-store-password", "object-store-password");

/** MinIO: the S3-compatible store that stands in for S3 on the Docker target. */
export function objectStoreWorkload(cfg: StackConfig): Workload {
  const b = cfg.backup;
  return {
    name: SERVICE.objectStore,
    role: "object-store",
    image: { ref: b.objectStoreImage },
    replicas: 1,
    args: ["server", "/data"],
    ports: [{ name: "s3", port: PORT.objectStore, publish: b.objectStorePort }],
    env: { MINIO_ROOT_USER: OBJECT_STORE_USER, MINIO_REGION: OBJECT_STORE_REGION, ...OBJECT_STORE_PASSWORD.env },
    secretEnv: {},
    resources: {
      limits: { cpu: 500, memory: 512 * 1024 ** 2 },
      requests: { cpu: 100, memory: 256 * 1024 ** 2 },
    },
    healthCheck: {
      probe: { http: { path: "/minio/health/live", port: PORT.objectStore } },
      // MinIO's image ships `mc`, not curl or wget.
      command: ["CMD", "mc", "ready", "local"],
      intervalSeconds: 5,
      timeoutSeconds: 5,
      retries: 10,
      startPeriodSeconds: 5,
    },
    volumes: [{ name: "backup-objects", mountPath: "/data", sizeBytes: b.storage }],
    files: [],
    secretFiles: [OBJECT_STORE_PASSWORD.file],
    gpus: 0,
  };
}

export interface DockerBackupContext {
  neo4jContainer: string;
  neo4jDataVolume: string;
  workVolume: string;
  network: string;
  bucket: string;
  /** Container whose existence is the backup/restore lock (never started). */
  lockContainer: string;
  /** The one-off neo4j-admin container of a dump or load. */
  adminContainer: string;
  /** The restore drill's scratch Neo4j and its volume. */
  scratch: DockerScratch;
}

/**
 * The nightly job on Docker: busybox crond in a docker-CLI image runs the backup script at
 * `backup.schedule`. It drives the Docker API (to stop and dump Neo4j) through the proxy that
 * admits only its calls, so it is dev-only; the Kubernetes target runs the same steps as a CronJob.
 */
/** What the scripts' Docker calls act on: the scheduler's scripts and the Docker API proxy read the same names. */
export function backupDockerNames(cfg: StackConfig, ctx: DockerBackupContext): BackupDockerNames {
  return {
    neo4jContainer: ctx.neo4jContainer,
    neo4jImage: cfg.neo4j.image,
    neo4jDataVolume: ctx.neo4jDataVolume,
    workVolume: ctx.workVolume,
    workDir: WORK_DIR,
    network: ctx.network,
    toolsImage: cfg.backup.toolsImage,
    lockContainer: ctx.lockContainer,
    adminContainer: ctx.adminContainer,
    scratch: ctx.scratch,
  };
}

export function backupSchedulerWorkload(cfg: StackConfig, ctx: DockerBackupContext): Workload {
  const b = cfg.backup;
  const input = {
    ...backupDockerNames(cfg, ctx),
    endpoint: `http://${SERVICE.objectStore}:${PORT.objectStore}`,
    // The scripts are ours: they read the key from the file, MinIO's own, mounted here too.
    secretKeyFile: OBJECT_STORE_PASSWORD.file.mountPath,
    bucket: ctx.bucket,
    prefix: b.prefix,
    jvmHeap: neo4jMemoryValue(b.jvmHeap),
    metricsDir: METRICS_DIR,
    neo4jStopSeconds: NEO4J_STOP_SECONDS,
    stopWindowSeconds: b.stopWindowMinutes * 60,
    keepLast: b.keepLast,
    retentionDays: b.retentionDays,
    pidFile: JOB_PID_FILE,
  };
  return {
    name: SERVICE.backup,
    role: "backup",
    capabilities: BACKUP_SCHEDULER_CAPABILITIES,
    image: { ref: b.schedulerImage },
    replicas: 1,
    // Not crond as PID 1: its death on SIGTERM would SIGKILL a running backup (see the entrypoint).
    command: [ENTRYPOINT_PATH],
    ports: [],
    // The docker CLI talks to the Docker API proxy, never to dockerd's socket (backupDockerProxy.ts).
    env: { AWS_ACCESS_KEY_ID: OBJECT_STORE_USER, AWS_DEFAULT_REGION: OBJECT_STORE_REGION, DOCKER_HOST: BACKUP_DOCKER_HOST },
    secretEnv: {},
    resources: resourceSpec(b.resources),
    volumes: [
      { name: BACKUP_WORK_VOLUME, mountPath: WORK_DIR, sizeBytes: b.storage },
      { name: BACKUP_METRICS_VOLUME, mountPath: METRICS_DIR, sizeBytes: 1024 ** 2 },
      BACKUP_DOCKER_API_VOLUME,
    ],
    files: [
      { name: "mcp-backup", mountPath: BACKUP_SCRIPT_PATH, content: renderDockerBackupScript(input), executable: true },
      { name: "mcp-restore", mountPath: RESTORE_SCRIPT_PATH, content: renderDockerRestoreScript(input), executable: true },
      { name: "mcp-verify", mountPath: VERIFY_SCRIPT_PATH, content: renderDockerVerifyScript(input, ctx.scratch), executable: true },
      {
        name: "mcp-backup-scheduler",
        mountPath: ENTRYPOINT_PATH,
        content: renderSchedulerEntrypoint({ crontabDir: CRONTAB_DIR, pidFile: JOB_PID_FILE }),
        executable: true,
      },
      // crond runs the job with the container's environment; output goes to the container log.
      {
        name: "crontab",
        mountPath: `${CRONTAB_DIR}/root`,
        content: `${b.schedule} ${BACKUP_SCRIPT_PATH} > /proc/1/fd/1 2>&1\n${b.verifySchedule} ${VERIFY_SCRIPT_PATH} > /proc/1/fd/1 2>&1\n`,
      },
    ],
    secretFiles: [OBJECT_STORE_PASSWORD.file],
    gpus: 0,
    // Time for a stopped backup to remove its dump container and start Neo4j (docker rm + start).
    stopGraceSeconds: 60,
  };
}

export { BACKUP_WORK_VOLUME };
