/**
 * The one schema of the stack config. Every key lives in the `mcp-superserver` namespace: the
 * top-level properties here are the config keys (`mcp-superserver:hub`, ...), objects are set
 * with `pulumi config set --path`. Defaults are the runbook's numbers. Cross-field rules are in
 * rules/; error wording in errors.ts.
 */
import { z } from "zod";
import { DEFAULT_EKS_VERSION } from "../catalog/eksVersions";
import { DEFAULT_GPU_INSTANCE_TYPE, GPU_INSTANCE_TYPES } from "../catalog/instanceTypes";
import { HUB_MODEL_ROLES, UPSTREAM_HUB_SOURCE, hubModelEnv, type HubModelRole } from "../contracts/hub";
import { previewRoleSchema, secretsEncryptionSchema } from "./clusterSecurity";
import { autoscalerSchema } from "./clusterAddonsSchema";
import { clientAuthSchema, edgeTlsSchema, sourceRangesSchema } from "./edgeSchema";
import { bytes, cron, duration, image, millicores, percent, port, secretText, secretUrl } from "./primitives";

/** The small model Ollama pulls by default and every hub role routes to. */
const DEFAULT_MODEL = "llama3.2:3b";

interface ResourceDefaults {
  limits: { cpu: string; memory: string };
  requests: { cpu: string; memory: string };
}

/** CPU and memory for one container: limits, and requests (a Docker reservation, a Kubernetes request). */
function resources(part: string, d: ResourceDefaults) {
  const pair = (kind: string, fallback: { cpu: string; memory: string }) =>
    z
      .strictObject({
        cpu: millicores(`${part} CPU ${kind} (e.g. 500m, 1, 2).`).prefault(fallback.cpu),
        memory: bytes(`${part} memory ${kind} (e.g. 512Mi, 1Gi).`).prefault(fallback.memory),
      })
      .prefault({});
  return z
    .strictObject({
      limits: pair("limit", d.limits),
      requests: pair("request (Docker: reservation)", d.requests),
    })
    .prefault({});
}

const storage = (part: string, fallback: string) =>
  bytes(`Size of the ${part} volume (a PersistentVolumeClaim on Kubernetes).`).prefault(fallback);

const modelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/]*(:[a-z0-9._-]+)?$/, "is not an Ollama model name; use name:tag, e.g. llama3.2:3b");

const hubModel = (role: HubModelRole) =>
  modelName.describe(`Model the hub routes ${role} tasks to (${hubModelEnv(role)}); must be one of \`ollama.models\`.`).default(DEFAULT_MODEL);

export const hubSchema = z
  .strictObject({
    image: image("Prebuilt hub image, pinned; when set, nothing is built and `hub.source` is ignored.", "registry.example.com/mcp-hub:1.0.0").optional(),
    source: z
      .strictObject({
        repository: z
          .url({ protocol: /^https?$/, error: "is not an http(s) git URL" })
          .describe("Git repository of the hub.")
          .default(UPSTREAM_HUB_SOURCE.repository),
        commit: z
          .string()
          .regex(/^[0-9a-f]{40}$/, "is not a full 40-hex commit id; pin the source by commit, not by branch or tag")
          .describe("Commit the image is built from; it also tags the image.")
          .default(UPSTREAM_HUB_SOURCE.commit),
        path: z.string().min(1).describe("Folder of the hub (with its Dockerfile) inside the repository.").default(UPSTREAM_HUB_SOURCE.path),
      })
      .prefault({})
      .describe("Where the hub image is built from (a git build context pinned by commit) when `hub.image` is unset: Docker builds it on the local engine, Kubernetes builds it and pushes it to an ECR repository of the stack."),
    ollamaForwarder: z
      .boolean()
      .describe(
        "Serve 127.0.0.1:11434 inside each hub and forward it to Ollama: the upstream hub's Ollama client calls only that address, whatever OLLAMA_HOST says. Turn off for a hub that honours OLLAMA_HOST.",
      )
      .default(true),
    models: z
      .strictObject(Object.fromEntries(HUB_MODEL_ROLES.map((role) => [role, hubModel(role)])) as Record<HubModelRole, ReturnType<typeof hubModel>>)
      .prefault({})
      .describe("The model for each task role the hub routes; every one must be pulled by Ollama (`ollama.models`)."),
    neo4jAcquisitionTimeout: duration(
      "How long the hub waits for a Neo4j connection (NEO4J_ACQUISITION_TIMEOUT); bounds how long a hung Neo4j holds /health and tool calls.",
    ).default("10s"),
    metricsContract: z
      .enum(["upstream", "runbook"])
      .describe(
        "Which metric names the hub exports: `upstream` (mcp_hub_http_request_duration_seconds, the upstream hub's) or `runbook` (mcp_requests_total, the runbook's).",
      )
      .default("upstream"),
    replicas: z.number().int().min(1).max(100).describe("Hub replicas behind the load balancer.").default(3),
    port: port("Port the hub listens on inside its container.", 3000),
    logLevel: z.enum(["debug", "info", "warn", "error"]).describe("Hub log level.").default("info"),
    autoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).max(100).describe("Kubernetes: fewest hub pods the HorizontalPodAutoscaler keeps.").default(3),
        maxReplicas: z.number().int().min(1).max(100).describe("Kubernetes: most hub pods the HorizontalPodAutoscaler may run.").default(10),
        cpuTargetPercent: z
          .number()
          .int()
          .min(10)
          .max(100)
          .describe("Kubernetes: average CPU use, in percent of the request, the autoscaler steers towards.")
          .default(70),
      })
      .prefault({})
      .describe("Kubernetes target: hub autoscaling (`hub.replicas` is the starting count)."),
    resources: resources("Hub", {
      limits: { cpu: "1", memory: "512Mi" },
      requests: { cpu: "500m", memory: "256Mi" },
    }),
  })
  .prefault({});

export const neo4jSchema = z
  .strictObject({
    image: image("Neo4j 5 image, pinned; its edition suffix must match `neo4j.edition`.", "neo4j:5.26.0-community").default(
      "neo4j:5.26.0-community",
    ),
    edition: z.enum(["community", "enterprise"]).describe("Neo4j edition.").default("community"),
    heap: z
      .strictObject({
        initial: bytes("JVM heap initial size (server.memory.heap.initial_size).").prefault("1Gi"),
        max: bytes("JVM heap maximum size (server.memory.heap.max_size).").prefault("4Gi"),
      })
      .prefault({}),
    pageCache: bytes("Page cache size (server.memory.pagecache.size).").prefault("2Gi"),
    resources: resources("Neo4j", {
      limits: { cpu: "2", memory: "8Gi" },
      requests: { cpu: "2", memory: "8Gi" },
    }),
    storage: storage("Neo4j data", "20Gi"),
  })
  .prefault({});

export const ollamaSchema = z
  .strictObject({
    image: image("Ollama image, pinned.", "ollama/ollama:0.5.7").default("ollama/ollama:0.5.7"),
    gpu: z
      .strictObject({
        enabled: z.boolean().describe("Give Ollama NVIDIA GPUs (Docker needs the NVIDIA container toolkit).").default(true),
        count: z.number().int().min(1).max(8).describe("GPUs for Ollama when enabled.").default(1),
      })
      .prefault({}),
    models: z
      .array(modelName)
      .describe("Models pulled when Ollama starts, so the first tool call does not wait for a download.")
      .default([DEFAULT_MODEL]),
    resources: resources("Ollama", {
      limits: { cpu: "8", memory: "32Gi" },
      requests: { cpu: "4", memory: "16Gi" },
    }),
    storage: storage("Ollama models", "100Gi"),
  })
  .prefault({});

export const loadBalancerSchema = z
  .strictObject({
    image: image("nginx image, pinned (>= 1.27.3 for run-time DNS resolution of upstreams).", "nginx:1.27.3-alpine").default(
      "nginx:1.27.3-alpine",
    ),
    replicas: z.number().int().min(1).max(20).describe("nginx replicas (Docker: exactly 1, it owns the host port).").default(1),
    port: port(
      "Docker target: host port clients connect to. On Kubernetes clients connect to nginx's own port 8080: every Service port equals its container port, which the VPC CNI's NetworkPolicies need.",
      3000,
    ),
    serviceType: z
      .enum(["LoadBalancer", "NodePort", "ClusterIP"])
      .describe("Kubernetes: type of the Service clients reach nginx through (LoadBalancer: an AWS NLB).")
      .default("LoadBalancer"),
    internal: z.boolean().describe("Kubernetes: make the NLB internal to the VPC instead of internet-facing.").default(false),
    tls: edgeTlsSchema.describe("TLS at the edge (Kubernetes target: the NLB terminates it)."),
    auth: clientAuthSchema.describe("Client credentials: bearer tokens nginx checks, and a rate limit per client."),
    sourceRanges: sourceRangesSchema,
    workerConnections: z.number().int().min(64).max(65536).describe("nginx worker_connections.").default(4096),
    keepalive: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .describe("Idle keep-alive connections nginx keeps to the hubs, per worker; 0 opens a connection per request.")
      .default(32),
    keepaliveTimeout: duration(
      "How long an idle keep-alive connection to a hub is kept (upstream keepalive_timeout); keep it below the hub's own idle timeout (Node's default 5s) so nginx, not the hub, closes idle connections.",
    ).default("4s"),
    maxFails: z.number().int().min(0).max(100).describe("Failed attempts before a hub is taken out (max_fails).").default(3),
    failTimeout: duration("How long a failed hub stays out, and the window max_fails counts in (fail_timeout).").default("10s"),
    connectTimeout: duration("Timeout to connect to a hub (proxy_connect_timeout).").default("2s"),
    readTimeout: duration("Timeout between two reads from a hub; long LLM tool calls need minutes (proxy_read_timeout).").default(
      "300s",
    ),
    sendTimeout: duration("Timeout between two writes to a hub (proxy_send_timeout).").default("60s"),
    healthTimeout: duration(
      "Timeout for a hub's answer to /health and /health/* through the load balancer (proxy_read_timeout there); a replica that does not answer /health/live or /health/ready in time counts as failed and the request goes to another.",
    ).default("2s"),
    sessionStartTimeout: duration(
      "Timeout for a hub's answer to an MCP initialize (a POST without Mcp-Session-Id that accepts text/event-stream), far below readTimeout: a hung replica fails it, counts as failed, and the initialize goes to another replica.",
    ).default("10s"),
    dnsRefresh: duration(
      "Kubernetes: how long nginx trusts a DNS answer for the hubs' headless Service before asking again (resolver valid=).",
    ).default("5s"),
    clientMaxBodySize: z
      .string()
      .regex(/^\d+[kKmMgG]?$/, "is not an nginx size; use forms like 10m or 512k")
      .describe("Largest request body accepted (client_max_body_size).")
      .default("10m"),
    resources: resources("nginx", {
      limits: { cpu: "1", memory: "128Mi" },
      requests: { cpu: "100m", memory: "64Mi" },
    }),
  })
  .prefault({});

/** Alert thresholds: the runbook's, shared by the alert rules and the policy pack. */
const thresholds = z
  .strictObject({
    memoryWarningPercent: percent("Container memory use of its limit that warns (HighMemoryUsage).", 90),
    memoryCriticalPercent: percent("Container memory use of its limit that pages (CriticalMemoryUsage).", 95),
    cpuWarningPercent: percent("Container CPU use of its limit that warns (HighCPUUsage).", 90),
    errorRateWarningPercent: percent("Share of 5xx hub responses that warns (HighErrorRate).", 5),
    errorRateCriticalPercent: percent("Share of 5xx hub responses that pages (CriticalErrorRate).", 15),
    errorRateMinRequestsPerSecond: z
      .number()
      .nonnegative()
      .describe("Hub traffic (requests per second, probes excluded) below which error-rate and latency alerts stay quiet: a few failures of an idle hub are no outage.")
      .default(0.5),
    latencyWarningSeconds: z
      .number()
      .positive()
      .describe("Hub p95 latency that warns (HighResponseTime): more than 5% of requests slower than this; must be a bucket bound of the hub's histogram.")
      .default(1),
    latencyCriticalSeconds: z
      .number()
      .positive()
      .describe("Hub p95 latency that pages (VeryHighResponseTime): more than 5% of requests slower than this; must be a bucket bound of the hub's histogram.")
      .default(5),
    diskFreeWarningPercent: percent("Free disk below which LowDiskSpace warns.", 15),
    diskFreeCriticalPercent: percent("Free disk below which CriticalDiskSpace pages.", 5),
    backupMaxAgeHours: z.number().positive().describe("Hours without a successful backup before BackupMissing.").default(26),
    backupVerifiedMaxAgeHours: z
      .number()
      .positive()
      .describe("Hours without a backup the restore drill loaded and counted before BackupUnverified.")
      .default(192),
    neo4jQuerySeconds: z
      .number()
      .positive()
      .describe("Neo4j p95 Cypher execution time that warns (Neo4jSlowQueries; Enterprise metrics only).")
      .default(5),
    neo4jConnections: z
      .number()
      .int()
      .positive()
      .describe("Running Neo4j Bolt connections that warn (Neo4jTooManyConnections; Enterprise metrics only).")
      .default(100),
  })
  .prefault({});

const exporter = (what: string, example: string) =>
  z.strictObject({ image: image(`${what} image, pinned.`, example).default(example) }).prefault({});

export const prometheusSchema = z
  .strictObject({
    image: image("Prometheus image, pinned.", "prom/prometheus:v2.55.1").default("prom/prometheus:v2.55.1"),
    port: port("Prometheus web port (Docker: published on the host).", 9090),
    scrapeInterval: duration("How often targets are scraped.").default("15s"),
    evaluationInterval: duration("How often alert rules are evaluated.").default("15s"),
    retention: duration("How long samples are kept (storage.tsdb.retention.time).").default("15d"),
    alerts: thresholds,
    runbookUrl: z
      .url({ protocol: /^https?$/, error: "is not an http(s) URL" })
      .describe("Operator runbook that every alert's runbook_url points into (one section per alert).")
      .default("https://github.com/mcp-superserver/mcp-superserver-infra/blob/main/docs/runbook.md"),
    exporters: z
      .strictObject({
        blackbox: exporter("blackbox_exporter (Neo4j and Ollama probes)", "prom/blackbox-exporter:v0.25.0"),
        nodeExporter: exporter("node_exporter (disk space)", "prom/node-exporter:v1.8.2"),
        cadvisor: exporter("cAdvisor (container memory and CPU; Docker target)", "gcr.io/cadvisor/cadvisor:v0.49.1"),
        nginx: exporter("nginx-prometheus-exporter (nginx stub_status; Kubernetes sidecar, Docker container)", "nginx/nginx-prometheus-exporter:1.4.0"),
        pushgateway: exporter("Pushgateway (the backup job's last success; Kubernetes target)", "prom/pushgateway:v1.10.0"),
        kubeStateMetrics: exporter(
          "kube-state-metrics (restarts, crash loops, OOM kills; Kubernetes target)",
          "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0",
        ),
        dcgm: exporter("NVIDIA dcgm-exporter (GPU memory and XID errors on the GPU nodes; Kubernetes target)", "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04"),
      })
      .prefault({}),
    resources: resources("Prometheus", {
      limits: { cpu: "1", memory: "2Gi" },
      requests: { cpu: "500m", memory: "1Gi" },
    }),
    storage: storage("Prometheus data", "50Gi"),
  })
  .prefault({});

const receiver = (what: string) =>
  z
    .strictObject({ url: secretUrl(`Webhook URL of the ${what} receiver; unset, its alerts are dropped.`).optional() })
    .prefault({});

export const alertmanagerSchema = z
  .strictObject({
    image: image("Alertmanager image, pinned.", "prom/alertmanager:v0.27.0").default("prom/alertmanager:v0.27.0"),
    port: port("Alertmanager web port (Docker: published on the host).", 9093),
    receivers: z
      .strictObject({
        paging: receiver("paging (critical alerts)"),
        chat: receiver("chat (warning alerts)"),
        watchdog: receiver("dead-man's switch (Watchdog)"),
      })
      .prefault({}),
    pagingDisabled: z
      .boolean()
      .describe(
        "Kubernetes target: deploy without a paging receiver on purpose, so critical alerts reach nobody; without it the stack refuses to deploy until alertmanager.receivers.paging.url is set.",
      )
      .default(false),
    groupWait: duration("Wait before the first notification of a new group.").default("30s"),
    groupInterval: duration("Wait before notifying about new alerts in a group.").default("5m"),
    repeatInterval: duration("Wait before repeating a notification.").default("4h"),
    resources: resources("Alertmanager", {
      limits: { cpu: "200m", memory: "128Mi" },
      requests: { cpu: "50m", memory: "64Mi" },
    }),
    storage: storage("Alertmanager data", "1Gi"),
  })
  .prefault({});

export const grafanaSchema = z
  .strictObject({
    image: image("Grafana image, pinned.", "grafana/grafana:11.3.1").default("grafana/grafana:11.3.1"),
    port: port("Grafana web port (Docker: published on the host; the load balancer has 3000).", 3001),
    resources: resources("Grafana", {
      limits: { cpu: "500m", memory: "256Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    }),
    storage: storage("Grafana data", "1Gi"),
  })
  .prefault({});

export const backupSchema = z
  .strictObject({
    schedule: cron("When the Neo4j backup runs (cron, UTC).").default("0 2 * * *"),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .describe("Days after which a backup is deleted, unless it is one of the newest keepLast.")
      .default(30),
    keepLast: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .describe("Newest successful backups that are never deleted, whatever their age.")
      .default(7),
    stopWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .describe("Docker target: longest planned Neo4j stop of the nightly dump; Neo4jDown stays quiet within it and pages after it.")
      .default(30),
    verifySchedule: cron("When the restore drill loads the newest backup into a scratch Neo4j (cron, UTC).").default("0 4 * * 0"),
    prefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9\-/]*\/$/, "is not a key prefix; use lower-case words ending in /, e.g. neo4j/")
      .describe("Key prefix of the backups in the bucket.")
      .default("neo4j/"),
    toolsImage: image("Image with the AWS CLI (and curl) that uploads backups.", "amazon/aws-cli:2.22.0").default("amazon/aws-cli:2.22.0"),
    schedulerImage: image("Docker target: image with crond and the docker CLI that runs the nightly job.", "docker:27.3.1-cli").default(
      "docker:27.3.1-cli",
    ),
    objectStoreImage: image("Docker target: MinIO image serving the S3-compatible backup bucket.", "minio/minio:RELEASE.2024-11-07T00-52-20Z").default(
      "minio/minio:RELEASE.2024-11-07T00-52-20Z",
    ),
    objectStorePort: port("Docker target: MinIO S3 port, published on the host.", 9000),
    jvmHeap: bytes("JVM heap of neo4j-admin while it dumps the database.").prefault("1Gi"),
    resources: resources("Backup job", {
      limits: { cpu: "1", memory: "2Gi" },
      requests: { cpu: "250m", memory: "1Gi" },
    }),
    storage: storage("object store (Docker target) or dump scratch (Kubernetes target)", "50Gi"),
  })
  .prefault({});

export const dockerSchema = z
  .strictObject({
    bindAddress: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}$/, "is not an IPv4 address; use 127.0.0.1 (this host only) or 0.0.0.0 (every interface)")
      .describe("Docker target: host address the published ports bind to.")
      .default("127.0.0.1"),
    logs: z
      .strictObject({
        maxSize: z
          .string()
          .regex(/^[1-9]\d*[kmg]$/, "is not a json-file log size; use a whole number with k, m or g, e.g. 10m")
          .describe("Docker target: size at which a container's log file is rotated (json-file max-size).")
          .default("10m"),
        maxFiles: z.number().int().min(1).max(100).describe("Docker target: log files kept per container, the current one included (json-file max-file).").default(3),
      })
      .prefault({})
      .describe("Docker target: log rotation of every container."),
  })
  .prefault({});

const nodeCount = (what: string, fallback: number) =>
  z.number().int().min(0).max(100).describe(`${what} of the node group.`).default(fallback);

export const clusterSchema = z
  .strictObject({
    mode: z
      .enum(["create", "existing"])
      .describe("create: a new VPC, EKS cluster and node groups; existing: deploy into the cluster `cluster.kubeconfig` points at.")
      .default("create"),
    kubeconfig: secretText("Existing mode: kubeconfig of the cluster (YAML).").optional(),
    oidcProviderArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/, "is not an IAM OIDC provider ARN; use arn:aws:iam::<account>:oidc-provider/<issuer host and path>")
      .describe("Existing mode: ARN of the cluster's IAM OIDC provider, trusted by the backup job's IRSA role.")
      .optional(),
    version: z
      .string()
      .regex(/^1\.\d{2}$/, "is not a Kubernetes minor version; use forms like 1.35")
      .describe(
        "Create mode: Kubernetes version of the EKS cluster; one of the EKS release calendar (components/catalog/eksVersions.ts), refused past its end of extended support, warned about past its end of standard support.",
      )
      .default(DEFAULT_EKS_VERSION),
    endpointAccess: z
      .enum(["public", "private"])
      .describe(
        "Create mode: public: the Kubernetes API is reachable from `cluster.apiAllowedCidrs` (and from inside the VPC); private: only from inside the VPC, where Pulumi and kubectl must then run.",
      )
      .default("public"),
    apiAllowedCidrs: z
      .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "is not an IPv4 CIDR; use forms like 203.0.113.0/24"))
      .min(1)
      .describe("Create mode, public endpoint: networks allowed to reach the Kubernetes API (where Pulumi, CI and operators run). Required: there is no open default.")
      .optional(),
    accessEntries: z
      .array(
        z.strictObject({
          principalArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/\S+$/, "is not an IAM role or user ARN; use arn:aws:iam::<account>:role/<name>")
            .describe("The IAM role or user given access.")
            .optional(),
          role: z
            .string()
            .regex(/^[\w+=,.@/-]+$/, "is not an IAM role name; use e.g. mcp-superserver-ci-preview")
            .describe("Instead of principalArn: the name of an IAM role in the stack's account.")
            .optional(),
          access: z
            .enum(["view", "edit", "admin", "cluster-admin"])
            .describe(
              "EKS access policy, cluster-wide: view (AmazonEKSViewPolicy), edit (AmazonEKSEditPolicy), admin (AmazonEKSAdminPolicy), cluster-admin (AmazonEKSClusterAdminPolicy).",
            ),
        }),
      )
      .describe("Create mode: EKS access entries, so that more than the cluster's creator can use kubectl (CI previews, operators running the restore commands).")
      .default([]),
    secretsEncryption: secretsEncryptionSchema,
    previewRole: previewRoleSchema,
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "is not an availability zone name; use forms like us-east-1a"))
      .length(3)
      .describe(
        "Create mode, new VPC: the three AZs (names) of its subnets; the GPU node group uses the first. Unset: the region's first three available AZs whose IDs EKS supports.",
      )
      .optional(),
    vpc: z
      .strictObject({
        cidr: z
          .string()
          .regex(/^(\d{1,3}\.){3}\d{1,3}\/16$/, "is not a /16 IPv4 CIDR; the subnets are /20s carved from a /16, e.g. 10.40.0.0/16")
          .describe("Create mode: CIDR of the new VPC (three public and three private /20 subnets).")
          .default("10.40.0.0/16"),
        id: z.string().regex(/^vpc-[0-9a-f]+$/, "is not a VPC id; use forms like vpc-0abc1234").describe("Use this VPC instead of creating one.").optional(),
        privateSubnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]+$/, "is not a subnet id; use forms like subnet-0abc1234"))
          .describe("With vpc.id: private subnets (in at least two AZs) for the cluster and its nodes.")
          .optional(),
        publicSubnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]+$/, "is not a subnet id; use forms like subnet-0abc1234"))
          .describe("With vpc.id: public subnets for internet-facing load balancers.")
          .optional(),
      })
      .prefault({}),
    systemNodes: z
      .strictObject({
        instanceTypes: z
          .array(z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, "is not an EC2 instance type; use forms like m6i.xlarge"))
          .min(1)
          .describe("Instance types of the system node group (everything but Ollama; Neo4j needs 8Gi on one node).")
          .default(["m6i.xlarge"]),
        minSize: nodeCount("Fewest nodes", 2),
        desiredSize: nodeCount("Starting number of nodes (the cluster autoscaler then moves it between minSize and maxSize)", 3),
        maxSize: nodeCount("Most nodes the autoscaler may run (the hub's autoscaling maximum must fit on them, a config rule checks it)", 6),
        diskSizeGiB: z.number().int().min(20).max(16384).describe("Root volume size of each node, GiB.").default(50),
      })
      .prefault({}),
    gpuNodes: z
      .strictObject({
        instanceType: z
          .enum(GPU_INSTANCE_TYPES)
          .describe("Instance type of the GPU node group; must hold Ollama's memory limit plus node overhead.")
          .default(DEFAULT_GPU_INSTANCE_TYPE),
        fallbackInstanceTypes: z
          .array(z.enum(GPU_INSTANCE_TYPES))
          .max(4)
          .describe("GPU types tried in order when `instanceType` has no capacity in the GPU group's AZ; each must hold Ollama like the first.")
          .default([]),
        minSize: nodeCount("Fewest nodes", 1),
        desiredSize: nodeCount("Starting number of nodes (the cluster autoscaler then moves it between minSize and maxSize)", 1),
        maxSize: nodeCount("Most nodes the autoscaler may run", 2),
        diskSizeGiB: z.number().int().min(20).max(16384).describe("Root volume size of each GPU node, GiB (images are large).").default(100),
      })
      .prefault({}),
    autoscaler: autoscalerSchema,
    devicePluginImage: image("NVIDIA device plugin image, pinned.", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0").default(
      "nvcr.io/nvidia/k8s-device-plugin:v0.17.0",
    ),
  })
  .prefault({});

const dnsLabel = (description: string, fallback: string) =>
  z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "is not a DNS label; use lower-case letters, digits and -, e.g. mcp")
    .describe(description)
    .default(fallback);

export const kubernetesSchema = z
  .strictObject({
    namespace: dnsLabel("Namespace of the workloads (node_exporter runs in `<namespace>-node`, which allows host access).", "mcp"),
    storageClass: dnsLabel("StorageClass of every PersistentVolumeClaim; create mode makes it (gp3, the default class).", "gp3"),
    clusterDomain: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "is not a DNS domain; use e.g. cluster.local")
      .describe("The cluster's DNS domain, for fully qualified service names.")
      .default("cluster.local"),
  })
  .prefault({});

export const stackConfigSchema = z.strictObject({
  target: z.enum(["docker", "kubernetes"]).describe("Where the stack runs: local Docker (dev) or Kubernetes on EKS (prod).").default("docker"),
  docker: dockerSchema.describe("Docker target settings."),
  hub: hubSchema.describe("The MCP hub: stateless, N replicas."),
  neo4j: neo4jSchema.describe("Neo4j 5, the graph memory."),
  ollama: ollamaSchema.describe("Ollama, local LLMs on GPUs."),
  loadBalancer: loadBalancerSchema.describe("nginx least_conn load balancer in front of the hub replicas."),
  prometheus: prometheusSchema.describe("Prometheus, its exporters and the alert thresholds."),
  alertmanager: alertmanagerSchema.describe("Alertmanager and its receivers."),
  grafana: grafanaSchema.describe("Grafana with the Prometheus datasource and the overview dashboard."),
  backup: backupSchema.describe("Nightly Neo4j backup to a bucket."),
  cluster: clusterSchema.describe("Kubernetes target: the EKS cluster (created, or an existing one)."),
  kubernetes: kubernetesSchema.describe("Kubernetes target: namespace, storage class and DNS domain."),
});

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type Resources = StackConfig["hub"]["resources"];
export type Thresholds = StackConfig["prometheus"]["alerts"];
