/**
 * The nightly Neo4j backup (CronJob), the weekly restore drill (CronJob) and the restore (a
 * suspended CronJob used as a Job template by `npm run restore`), with the scripts of
 * kubernetesBackupScripts.ts, under a service account that IRSA maps to the bucket's IAM role.
 * Community backups snapshot the live volume and dump a recovered clone in a worker pod the
 * driver creates (zero downtime); the Role lets the backup create exactly those objects and only
 * the restore scale Neo4j. See docs/backups.md.
 */
import type { StackConfig } from "../config/schema";
import { formatBytes } from "../config/quantity";
import {
  MAINTENANCE_LEASE,
  SCRIPT,
  renderBackupAwsScript,
  renderBackupDriverScript,
  renderBackupNeo4jScript,
  renderRestoreAwsScript,
  renderRestoreNeo4jScript,
  renderScratchNeo4jConf,
  renderVerifyAwsScript,
  renderVerifyNeo4jScript,
  type KubernetesBackupInput,
  type SnapshotBackupInput,
} from "../render/kubernetesBackupScripts";
import { workloadLabels } from "../workloads/labels";
import { neo4jMemoryValue } from "../workloads/neo4j";
import { SERVICE, type Workload } from "../workloads/types";
import { containerResources } from "./pod";
import { POD_SECURITY, containerSecurityContext, podSecurityContext } from "./security";
import type { Json, K8sObject } from "./types";

export const BACKUP_SERVICE_ACCOUNT = "neo4j-backup";
export const BACKUP_CRONJOB = "neo4j-backup";
export const RESTORE_CRONJOB = "neo4j-restore";
export const VERIFY_CRONJOB = "neo4j-verify";
const SCRIPTS_CONFIGMAP = "neo4j-backup-scripts";
const WORK_DIR = "/work";
const SCRIPTS_DIR = "/scripts";
/** The Job's deadline; a Lease its holder never released is abandoned after it. */
const JOB_DEADLINE_SECONDS = 4 * 3600;
/** EBS CSI snapshots (the snapshot-controller add-on provides the API). */
export const SNAPSHOT_CLASS = "neo4j-backup";
/** The clone's class: like gp3, but its volume is deleted with the claim (the cluster default retains). */
export const CLONE_STORAGE_CLASS = "neo4j-backup-clone";
const RUN_OBJECTS = { snapshot: "neo4j-backup-snapshot", clone: "neo4j-backup-clone", worker: "neo4j-backup-worker" } as const;

export interface BackupJobContext {
  namespace: string;
  storageClass: string;
  bucket: string;
  pushgatewayUrl: string;
  verifyPushgatewayUrl: string;
  /** The Neo4j workload: its StatefulSet name, data volume and image. */
  neo4j: Workload;
  onlineBackupFrom?: string;
}

/** The backup's description for labels and resources (same keys as every workload). */
function backupWorkload(cfg: StackConfig): Pick<Workload, "name" | "role" | "resources" | "gpus"> {
  return { name: SERVICE.backup, role: "backup", resources: cfg.backup.resources, gpus: 0 };
}

type PodKind = "backup" | "worker" | "restore" | "verify";

const POD_SCRIPTS: Record<PodKind, { aws: string; neo4j?: string }> = {
  // Community's driver pod has one container; Enterprise's backup pod is the worker pair itself.
  backup: { aws: SCRIPT.backupDriver },
  worker: { aws: SCRIPT.backupAws, neo4j: SCRIPT.backupNeo4j },
  restore: { aws: SCRIPT.restoreAws, neo4j: SCRIPT.restoreNeo4j },
  verify: { aws: SCRIPT.verifyAws, neo4j: SCRIPT.verifyNeo4j },
};

/** The data volume each pod mounts at Neo4j's data path: the live claim (restore), the clone (worker), a scratch claim (drill). */
function dataVolume(kind: PodKind, ctx: BackupJobContext, size: string): Json[] {
  const live = `${ctx.neo4j.volumes[0].name}-${ctx.neo4j.name}-0`;
  if (kind === "restore") return [{ name: "data", persistentVolumeClaim: { claimName: live } }];
  if (kind === "worker" && !ctx.onlineBackupFrom) return [{ name: "data", persistentVolumeClaim: { claimName: RUN_OBJECTS.clone } }];
  if (kind === "verify") return [{ name: "data", ephemeral: ephemeralClaim(ctx.storageClass, size) }];
  return [];
}

const ephemeralClaim = (storageClass: string, size: string) => ({
  volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], storageClassName: storageClass, resources: { requests: { storage: size } } } },
});

function podSpec(cfg: StackConfig, ctx: BackupJobContext, kind: PodKind): Json {
  const b = cfg.backup;
  const size = formatBytes(b.storage);
  const scripts = POD_SCRIPTS[kind];
  const data = dataVolume(kind, ctx, size);
  const security = POD_SECURITY.backup;
  const mounts = [
    { name: "work", mountPath: WORK_DIR },
    { name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const resources = containerResources(backupWorkload(cfg));
  // The downward API gives the Lease holder its name.
  const podName = { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } };
  return {
    serviceAccountName: BACKUP_SERVICE_ACCOUNT,
    automountServiceAccountToken: true,
    restartPolicy: "Never",
    enableServiceLinks: false,
    securityContext: podSecurityContext(security),
    // The restore mounts the live ReadWriteOnce claim: it must share the node of the Neo4j pod that holds it until it stops.
    ...(kind === "restore"
      ? {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { "app.kubernetes.io/name": ctx.neo4j.name } }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        }
      : {}),
    containers: [
      {
        name: "aws",
        image: b.toolsImage,
        command: ["/bin/sh", `${SCRIPTS_DIR}/${scripts.aws}`],
        env: [{ name: "HOME", value: "/tmp" }, podName, ...(kind === "restore" ? [{ name: "BACKUP_KEY", value: "" }] : [])],
        resources,
        volumeMounts: mounts,
        securityContext: containerSecurityContext(true),
      },
      ...(scripts.neo4j
        ? [
            {
              name: "neo4j",
              image: ctx.neo4j.image.ref,
              command: ["/bin/sh", `${SCRIPTS_DIR}/${scripts.neo4j}`],
              // neo4j-admin's own JVM; explicit so it never sizes itself from the node's memory. NEO4J_CONF: the scratch server's config.
              env: [
                { name: "HEAP_SIZE", value: neo4jMemoryValue(b.jvmHeap) },
                { name: "NEO4J_CONF", value: SCRIPTS_DIR },
              ],
              resources,
              volumeMounts: [...mounts, ...(data.length ? [{ name: "data", mountPath: ctx.neo4j.volumes[0].mountPath }] : [])],
              // neo4j-admin and the scratch server write logs and a pid file under NEO4J_HOME in the image.
              securityContext: containerSecurityContext(false),
            },
          ]
        : []),
    ],
    volumes: [
      // A dump can be as large as the store: a claim made with the pod and deleted with it.
      { name: "work", ephemeral: ephemeralClaim(ctx.storageClass, size) },
      { name: "scripts", configMap: { name: SCRIPTS_CONFIGMAP, defaultMode: 0o555 } },
      { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
      ...data,
    ],
  };
}

export function backupObjects(cfg: StackConfig, ctx: BackupJobContext): K8sObject[] {
  const b = cfg.backup;
  const labels = workloadLabels(backupWorkload(cfg), SERVICE.backup);
  const meta = (name: string) => ({ name, namespace: ctx.namespace, labels });
  const input: KubernetesBackupInput = {
    namespace: ctx.namespace,
    statefulSet: ctx.neo4j.name,
    workDir: WORK_DIR,
    bucket: ctx.bucket,
    prefix: b.prefix,
    pushgatewayUrl: ctx.pushgatewayUrl,
    verifyPushgatewayUrl: ctx.verifyPushgatewayUrl,
    onlineBackupFrom: ctx.onlineBackupFrom,
    keepLast: b.keepLast,
    retentionDays: b.retentionDays,
  };
  const snapshot: SnapshotBackupInput = {
    dataClaim: `${ctx.neo4j.volumes[0].name}-${ctx.neo4j.name}-0`,
    snapshotClass: SNAPSHOT_CLASS,
    snapshot: RUN_OBJECTS.snapshot,
    clone: RUN_OBJECTS.clone,
    cloneStorageClass: CLONE_STORAGE_CLASS,
    cloneSize: formatBytes(ctx.neo4j.volumes[0].sizeBytes),
    worker: RUN_OBJECTS.worker,
    workerManifest: `${SCRIPTS_DIR}/${SCRIPT.workerPod}`,
    leaseSeconds: JOB_DEADLINE_SECONDS,
  };
  const community = !ctx.onlineBackupFrom;
  const jobSpec = (kind: PodKind) => ({
    // No retry: a rerun would only repeat the night's work; the next night's run is the retry.
    backoffLimit: 0,
    activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
    ttlSecondsAfterFinished: 7 * 24 * 3600,
    template: { metadata: { labels }, spec: podSpec(cfg, ctx, kind) },
  });
  const cronJob = (name: string, schedule: string, kind: PodKind, extra: Json = {}) => ({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta(name),
    spec: {
      schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { metadata: { labels }, spec: jobSpec(kind) },
      ...extra,
    },
  });
  const worker = { apiVersion: "v1", kind: "Pod", metadata: meta(RUN_OBJECTS.worker), spec: { ...podSpec(cfg, ctx, "worker"), activeDeadlineSeconds: JOB_DEADLINE_SECONDS } };
  const named = (resource: string, name: string, verbs = ["get", "delete"]) => ({ apiGroups: [""], resources: [resource], resourceNames: [name], verbs });
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(SCRIPTS_CONFIGMAP),
      data: {
        ...(community ? { [SCRIPT.backupDriver]: renderBackupDriverScript(input, snapshot), [SCRIPT.workerPod]: JSON.stringify(worker) } : {}),
        [SCRIPT.backupAws]: renderBackupAwsScript(input),
        [SCRIPT.backupNeo4j]: renderBackupNeo4jScript(input),
        [SCRIPT.restoreAws]: renderRestoreAwsScript(input, snapshot),
        [SCRIPT.restoreNeo4j]: renderRestoreNeo4jScript(input),
        [SCRIPT.verifyAws]: renderVerifyAwsScript(input),
        [SCRIPT.verifyNeo4j]: renderVerifyNeo4jScript(input),
        [SCRIPT.scratchConf]: renderScratchNeo4jConf(ctx.neo4j.volumes[0].mountPath, neo4jMemoryValue(b.jvmHeap)),
      },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta("neo4j-backup"),
      rules: [
        // The Lease that keeps backup, restore and drill apart (create cannot be limited by name).
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [MAINTENANCE_LEASE], verbs: ["get", "update", "delete"] },
        ...(community
          ? [
              { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: ["create"] },
              { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], resourceNames: [RUN_OBJECTS.snapshot], verbs: ["get", "delete"] },
              { apiGroups: [""], resources: ["persistentvolumeclaims", "pods"], verbs: ["create"] },
              named("persistentvolumeclaims", RUN_OBJECTS.clone),
              named("pods", RUN_OBJECTS.worker),
            ]
          : []),
        // The restore only: stop and start Neo4j around the load.
        { apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: [ctx.neo4j.name], verbs: ["get", "patch"] },
        named("pods", `${ctx.neo4j.name}-0`, ["get"]),
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta("neo4j-backup"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "neo4j-backup" },
      subjects: [{ kind: "ServiceAccount", name: BACKUP_SERVICE_ACCOUNT, namespace: ctx.namespace }],
    },
    ...(community ? snapshotClasses(cfg) : []),
    cronJob(BACKUP_CRONJOB, b.schedule, community ? "backup" : "worker"),
    cronJob(VERIFY_CRONJOB, b.verifySchedule, "verify"),
    // Never runs on its own: a template for `npm run restore` (`kubectl create job --from=cronjob/neo4j-restore`).
    cronJob(RESTORE_CRONJOB, b.schedule, "restore", { suspend: true, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }),
  ];
}

/**
 * Cluster-scoped: the EBS CSI VolumeSnapshotClass and the clone's StorageClass. Snapshots and
 * clones are deleted with their objects (deletionPolicy and reclaimPolicy Delete): they are a
 * night's scratch, the backup is the dump in S3. Source: aws-ebs-csi-driver docs, "Volume Snapshots".
 */
function snapshotClasses(cfg: StackConfig): K8sObject[] {
  const labels = workloadLabels(backupWorkload(cfg), SERVICE.backup);
  return [
    { apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshotClass", metadata: { name: SNAPSHOT_CLASS, labels }, driver: "ebs.csi.aws.com", deletionPolicy: "Delete" },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: CLONE_STORAGE_CLASS, labels },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
    },
  ];
}

/** The service account without its IRSA annotation, which the Pulumi side adds from the role's ARN. */
export function backupServiceAccount(cfg: StackConfig, namespace: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: BACKUP_SERVICE_ACCOUNT, namespace, labels: workloadLabels(backupWorkload(cfg), SERVICE.backup) },
    automountServiceAccountToken: false,
  };
}
