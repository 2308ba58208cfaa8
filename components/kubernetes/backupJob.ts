/**
 * The nightly Neo4j backup as a CronJob, and the restore as a suspended CronJob to start by
 * hand (`kubectl create job --from=cronjob/neo4j-restore`, see docs/prod.md). Both run one pod
 * with the two containers of kubernetesBackupScripts.ts, under a service account that IRSA maps
 * to the bucket's IAM role and a Role that may only scale the Neo4j StatefulSet.
 */
import type { StackConfig } from "../config/schema";
import { formatBytes } from "../config/quantity";
import {
  SCRIPT,
  renderBackupAwsScript,
  renderBackupNeo4jScript,
  renderRestoreAwsScript,
  renderRestoreNeo4jScript,
  type KubernetesBackupInput,
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
const SCRIPTS_CONFIGMAP = "neo4j-backup-scripts";
const WORK_DIR = "/work";
const SCRIPTS_DIR = "/scripts";

export interface BackupJobContext {
  namespace: string;
  storageClass: string;
  bucket: string;
  pushgatewayUrl: string;
  /** The Neo4j workload: its StatefulSet name, data volume and image. */
  neo4j: Workload;
  onlineBackupFrom?: string;
}

/** The backup's description for labels and resources (same keys as every workload). */
function backupWorkload(cfg: StackConfig): Pick<Workload, "name" | "role" | "resources" | "gpus"> {
  return { name: SERVICE.backup, role: "backup", resources: cfg.backup.resources, gpus: 0 };
}

function podSpec(cfg: StackConfig, ctx: BackupJobContext, scripts: { aws: string; neo4j: string }, restore: boolean): Json {
  const b = cfg.backup;
  const dataVolume = ctx.neo4j.volumes[0];
  // Community dumps from the data volume: the pod must share the node of the Neo4j pod that holds it (ReadWriteOnce).
  const mountsData = restore || !ctx.onlineBackupFrom;
  const security = POD_SECURITY.backup;
  const mounts = [
    { name: "work", mountPath: WORK_DIR },
    { name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const resources = containerResources(backupWorkload(cfg));
  return {
    serviceAccountName: BACKUP_SERVICE_ACCOUNT,
    automountServiceAccountToken: true,
    restartPolicy: "Never",
    enableServiceLinks: false,
    securityContext: podSecurityContext(security),
    ...(mountsData
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
        env: [
          { name: "HOME", value: "/tmp" },
          ...(restore ? [{ name: "BACKUP_KEY", value: "" }] : []),
        ],
        resources,
        volumeMounts: mounts,
        securityContext: containerSecurityContext(true),
      },
      {
        name: "neo4j",
        image: ctx.neo4j.image.ref,
        command: ["/bin/sh", `${SCRIPTS_DIR}/${scripts.neo4j}`],
        // neo4j-admin's own JVM; explicit so it never sizes itself from the node's memory.
        env: [{ name: "HEAP_SIZE", value: neo4jMemoryValue(b.jvmHeap) }],
        resources,
        volumeMounts: [...mounts, ...(mountsData ? [{ name: "data", mountPath: dataVolume.mountPath }] : [])],
        // neo4j-admin writes its logs under NEO4J_HOME in the image.
        securityContext: containerSecurityContext(false),
      },
    ],
    volumes: [
      {
        name: "work",
        // A dump can be as large as the store: a claim made with the pod and deleted with it.
        ephemeral: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: ctx.storageClass, resources: { requests: { storage: formatBytes(b.storage) } } },
          },
        },
      },
      { name: "scripts", configMap: { name: SCRIPTS_CONFIGMAP, defaultMode: 0o555 } },
      { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
      ...(mountsData ? [{ name: "data", persistentVolumeClaim: { claimName: `${dataVolume.name}-${ctx.neo4j.name}-0` } }] : []),
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
    onlineBackupFrom: ctx.onlineBackupFrom,
  };
  const job = (restore: boolean) => ({
    // A failed backup is retried once; the next night's run is the real retry.
    backoffLimit: 1,
    activeDeadlineSeconds: 4 * 3600,
    ttlSecondsAfterFinished: 7 * 24 * 3600,
    template: {
      metadata: { labels },
      spec: podSpec(cfg, ctx, restore ? { aws: SCRIPT.restoreAws, neo4j: SCRIPT.restoreNeo4j } : { aws: SCRIPT.backupAws, neo4j: SCRIPT.backupNeo4j }, restore),
    },
  });
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(SCRIPTS_CONFIGMAP),
      data: {
        [SCRIPT.backupAws]: renderBackupAwsScript(input),
        [SCRIPT.backupNeo4j]: renderBackupNeo4jScript(input),
        [SCRIPT.restoreAws]: renderRestoreAwsScript(input),
        [SCRIPT.restoreNeo4j]: renderRestoreNeo4jScript(input),
      },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta("neo4j-backup-scaler"),
      rules: [
        { apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: [ctx.neo4j.name], verbs: ["get", "patch"] },
        { apiGroups: [""], resources: ["pods"], resourceNames: [`${ctx.neo4j.name}-0`], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta("neo4j-backup-scaler"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "neo4j-backup-scaler" },
      subjects: [{ kind: "ServiceAccount", name: BACKUP_SERVICE_ACCOUNT, namespace: ctx.namespace }],
    },
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta(BACKUP_CRONJOB),
      spec: {
        schedule: b.schedule,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: { metadata: { labels }, spec: job(false) },
      },
    },
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta(RESTORE_CRONJOB),
      spec: {
        // Never runs on its own: a template for `kubectl create job --from=cronjob/neo4j-restore`.
        schedule: b.schedule,
        timeZone: "Etc/UTC",
        suspend: true,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: { metadata: { labels }, spec: { ...job(true), backoffLimit: 0 } },
      },
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
