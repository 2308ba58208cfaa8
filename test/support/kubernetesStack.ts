/**
 * The prod stack's Kubernetes resources as the Kubernetes adapter would declare them, built
 * from the program's own workload descriptions and the parsed Pulumi.prod.yaml: Deployments,
 * StatefulSets, a DaemonSet and a CronJob with the workloads' labels, resources, env and GPUs;
 * EKS node groups (a system pool and a tainted GPU pool); the hub's PDB and HPA; the alert
 * rules in a ConfigMap; the S3 backup bucket with versioning, encryption and a public access
 * block. Records have the shape the mock engine records, so the policy harness runs on them
 * exactly as on a synth (see prodResources in policyRuns.ts).
 */
import * as path from "node:path";
import { formatBytes, formatMillicores, parseStackConfig, rawConfigFromPulumi, type StackConfig } from "../../components/config";
import { workloadLabels } from "../../components/docker/container";
import { backupSchedulerWorkload } from "../../components/workloads/backup";
import { hubWorkload } from "../../components/workloads/hub";
import { loadBalancerWorkload } from "../../components/workloads/loadBalancer";
import { alertmanagerWorkload, blackboxWorkload, nodeExporterWorkload, prometheusWorkload } from "../../components/workloads/monitoring";
import { neo4jWorkload } from "../../components/workloads/neo4j";
import { ollamaWorkload } from "../../components/workloads/ollama";
import { PORT, SERVICE, type Workload } from "../../components/workloads/types";
import { PROJECT, type RecordedResource } from "../../scripts/lib/mockEngine";
import { readPulumiConfigFile } from "../../scripts/lib/stackConfigFile";

export const POOL_LABEL = "mcp-superserver/node-pool";
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" };
const NAMESPACE = "mcp-superserver";

type Dict = Record<string, any>;

export function record(type: string, name: string, inputs: Dict, id = `${name}-id`): RecordedResource {
  return { type, name, custom: true, inputs, id, outputs: structuredClone(inputs), options: { retainOnDelete: false, dependsOn: [] } };
}

export function prodConfig(): StackConfig {
  const file = path.resolve(__dirname, "../../Pulumi.prod.yaml");
  return parseStackConfig(rawConfigFromPulumi(readPulumiConfigFile(file, PROJECT).config));
}

/** The pod spec a workload becomes: one container, GPU workloads on the tainted GPU pool. */
function podTemplate(w: Workload, opts: { everyNode?: boolean } = {}): Dict {
  const quantities = (r: { cpu: number; memory: number }) => ({ cpu: formatMillicores(r.cpu), memory: formatBytes(r.memory) });
  const gpu = w.gpus > 0 ? { "nvidia.com/gpu": w.gpus } : {};
  const placement = opts.everyNode
    ? { tolerations: [{ operator: "Exists" }] }
    : w.gpus > 0
      ? { nodeSelector: { [POOL_LABEL]: "gpu" }, tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }] }
      : { nodeSelector: { [POOL_LABEL]: "system" } };
  return {
    metadata: { labels: workloadLabels(w, w.name) },
    spec: {
      ...placement,
      containers: [
        {
          name: w.name,
          image: w.image.ref,
          ...(w.command ? { command: w.command } : {}),
          ...(w.args ? { args: w.args } : {}),
          env: [
            ...Object.entries(w.env).map(([name, value]) => ({ name, value })),
            ...Object.entries(w.secretEnv).map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: "value" } } })),
          ],
          resources: { limits: { ...quantities(w.resources.limits), ...gpu }, requests: { ...quantities(w.resources.requests), ...gpu } },
        },
      ],
    },
  };
}

const selector = (w: Workload) => ({ matchLabels: { "app.kubernetes.io/name": w.name, "app.kubernetes.io/component": w.role } });
const meta = (w: Workload) => ({ name: w.name, namespace: NAMESPACE, labels: workloadLabels(w, w.name) });

function deployment(w: Workload, kind: "Deployment" | "StatefulSet"): RecordedResource {
  return record(`kubernetes:apps/v1:${kind}`, w.name, {
    metadata: meta(w),
    spec: { replicas: w.replicas, selector: selector(w), template: podTemplate(w) },
  });
}

function monitoring(cfg: StackConfig, watched: Workload[]): Workload {
  return prometheusWorkload(cfg, {
    prometheus: {
      externalLabels: { stack: "prod", target: "kubernetes" },
      alertmanagers: [`${SERVICE.alertmanager}:9093`],
      jobs: [{ job: SERVICE.hub, targets: [`${SERVICE.hub}:${cfg.hub.port}`], labels: { service: SERVICE.hub } }],
      probes: [
        { job: "probe-neo4j", module: "tcp_connect", targets: [`${SERVICE.neo4j}:${PORT.neo4jBolt}`], exporter: `${SERVICE.blackbox}:${PORT.blackbox}` },
        { job: "probe-ollama", module: "http_2xx", targets: [`http://${SERVICE.ollama}:${PORT.ollama}/`], exporter: `${SERVICE.blackbox}:${PORT.blackbox}` },
      ],
    },
    rules: {
      hubJob: SERVICE.hub,
      neo4jProbeJob: "probe-neo4j",
      ollamaProbeJob: "probe-ollama",
      containers: [...watched.map((w) => w.name), SERVICE.prometheus].map((service) => ({
        service,
        selector: `namespace="${NAMESPACE}",pod=~"${service}-.*"`,
      })),
      containerLabel: "pod",
      diskSelector: 'fstype!~"tmpfs|overlay"',
    },
  });
}

/** Every resource of the prod stack that the policies look at. */
export function kubernetesStackResources(cfg: StackConfig): RecordedResource[] {
  const hub = hubWorkload(cfg);
  const neo4j = neo4jWorkload(cfg);
  const ollama = ollamaWorkload(cfg);
  const lb = loadBalancerWorkload(cfg, { kind: "static", servers: [{ host: SERVICE.hub, port: cfg.hub.port }] });
  const alertmanager = alertmanagerWorkload(cfg, { alwaysSecret: true });
  const blackbox = blackboxWorkload(cfg);
  const nodeExporter = nodeExporterWorkload(cfg, { textfile: false });
  const bucket = "mcp-superserver-backups-prod";
  // The backup job's sizes and role; on Kubernetes it runs the AWS CLI image, not a Docker scheduler.
  const backup: Workload = {
    ...backupSchedulerWorkload(cfg, { neo4jContainer: SERVICE.neo4j, neo4jDataVolume: "neo4j-data", workVolume: "backup-work", network: NAMESPACE, bucket }),
    image: { ref: cfg.backup.toolsImage },
  };
  const backupPod = podTemplate(backup);
  backupPod.spec.restartPolicy = "OnFailure";
  const prometheus = monitoring(cfg, [hub, neo4j, ollama, lb, alertmanager, blackbox, nodeExporter, backup]);
  return [
    record("aws:eks/nodeGroup:NodeGroup", "system", {
      nodeGroupName: "system",
      instanceTypes: ["m5.xlarge"],
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      labels: { [POOL_LABEL]: "system" },
    }),
    record("aws:eks/nodeGroup:NodeGroup", "gpu", {
      nodeGroupName: "gpu",
      instanceTypes: ["g5.2xlarge"],
      scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 },
      labels: { [POOL_LABEL]: "gpu" },
      taints: [GPU_TAINT],
    }),
    deployment(hub, "Deployment"),
    record("kubernetes:policy/v1:PodDisruptionBudget", `${hub.name}-pdb`, { metadata: { name: hub.name, namespace: NAMESPACE }, spec: { minAvailable: 1, selector: selector(hub) } }),
    record("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `${hub.name}-hpa`, {
      metadata: { name: hub.name, namespace: NAMESPACE },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: hub.name }, minReplicas: hub.replicas, maxReplicas: 10 },
    }),
    deployment(neo4j, "StatefulSet"),
    deployment(ollama, "Deployment"),
    deployment(lb, "Deployment"),
    deployment(prometheus, "StatefulSet"),
    record("kubernetes:core/v1:ConfigMap", "prometheus-config", {
      metadata: { name: "prometheus", namespace: NAMESPACE },
      data: Object.fromEntries(prometheus.files.map((f) => [f.name, f.content])),
    }),
    deployment(alertmanager, "StatefulSet"),
    deployment(blackbox, "Deployment"),
    record("kubernetes:apps/v1:DaemonSet", nodeExporter.name, {
      metadata: meta(nodeExporter),
      spec: { selector: selector(nodeExporter), template: podTemplate(nodeExporter, { everyNode: true }) },
    }),
    record("kubernetes:batch/v1:CronJob", backup.name, {
      metadata: meta(backup),
      spec: { schedule: cfg.backup.schedule, jobTemplate: { spec: { template: backupPod } } },
    }),
    // S3 names a bucket's id after the bucket, which is what its settings refer to.
    record("aws:s3/bucket:Bucket", "backup-bucket", { bucket }, bucket),
    record("aws:s3/bucketVersioning:BucketVersioning", "backup-versioning", { bucket, versioningConfiguration: { status: "Enabled" } }),
    record("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "backup-encryption", {
      bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    }),
    record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backup-public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
  ];
}

