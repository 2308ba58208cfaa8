/**
 * The pod template of a workload: its container (image, env from a ConfigMap and a Secret,
 * resources, probes, mounts) under the role's security profile, and the volumes it mounts.
 */
import { createHash } from "node:crypto";
import { formatBytes, formatMillicores } from "../config/quantity";
import type { HealthCheck, ProbeBudget, Workload } from "../workloads/types";
import { GPU_NODE_LABEL, GPU_RESOURCE, POOL_LABEL, gpuToleration, type WorkloadPlan } from "./plan";
import { POD_SECURITY, containerSecurityContext, podSecurityContext } from "./security";
import type { Json } from "./types";

export const envSecretName = (w: Workload) => `${w.name}-env`;
export const filesConfigMapName = (w: Workload) => `${w.name}-files`;
export const filesSecretName = (w: Workload) => `${w.name}-secret-files`;
/** A Deployment's volume is a standalone claim named after the volume. */
export const claimName = (volume: string) => volume;

function probeHandler(p: HealthCheck["probe"]): Json {
  if ("http" in p) return { httpGet: { path: p.http.path, port: p.http.port } };
  if ("tcp" in p) return { tcpSocket: { port: p.tcp.port } };
  return { exec: { command: p.exec } };
}

/**
 * Startup covers the start period (liveness and readiness wait for it); readiness and liveness
 * then fail after `retries` misses, as the Docker health check does.
 */
export function probes(hc: HealthCheck): Json {
  const k = hc.kubernetes;
  if (k) {
    const probe = (b: ProbeBudget, handler: HealthCheck["probe"] = hc.probe) => ({
      ...probeHandler(handler),
      periodSeconds: b.periodSeconds,
      timeoutSeconds: b.timeoutSeconds,
      failureThreshold: b.failureThreshold,
    });
    return { startupProbe: probe(k.startup, k.startup.probe), readinessProbe: probe(k.readiness), livenessProbe: probe(k.liveness, k.liveness.probe) };
  }
  const timing = { periodSeconds: hc.intervalSeconds, timeoutSeconds: hc.timeoutSeconds };
  const base = { ...probeHandler(hc.probe), ...timing };
  return {
    startupProbe: { ...base, failureThreshold: Math.ceil(hc.startPeriodSeconds / hc.intervalSeconds) + hc.retries },
    readinessProbe: { ...base, failureThreshold: hc.retries },
    livenessProbe: { ...(hc.liveness ? { ...probeHandler(hc.liveness), ...timing } : base), failureThreshold: hc.retries },
  };
}

export function containerResources(w: Pick<Workload, "resources" | "gpus">): Json {
  const r = w.resources;
  const gpu = w.gpus > 0 ? { [GPU_RESOURCE]: String(w.gpus) } : {};
  return {
    limits: { cpu: formatMillicores(r.limits.cpu), memory: formatBytes(r.limits.memory), ...gpu },
    requests: { cpu: formatMillicores(r.requests.cpu), memory: formatBytes(r.requests.memory), ...gpu },
  };
}

/**
 * Secret files are root-owned with the pod's fsGroup as their group; the kubelet adds group read to
 * every file of a volume it gives an fsGroup (kubernetes/kubernetes pkg/volume/volume_linux.go,
 * `changeFilePermission`: `roMask` 0440 on a read-only volume), so 0400 would end up 0440 anyway.
 * Every role runs as its fsGroup (security.ts): its process reads them through that group, no
 * other user does.
 */
export const SECRET_FILE_MODE = 0o440;

const scratchName = (i: number) => `scratch-${i}`;

/** Directories written on an emptyDir: what the role's read-only root filesystem needs, and the workload's own scratch. */
function scratchPaths(w: Workload): string[] {
  return [...new Set([...POD_SECURITY[w.role].writablePaths, ...(w.scratchPaths ?? [])])];
}

const scratchMounts = (w: Workload): Json[] => scratchPaths(w).map((path, i) => ({ name: scratchName(i), mountPath: path }));
const hostName = (i: number) => `host-${i}`;

function volumeMounts(w: Workload): Json[] {
  return [
    ...w.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
    ...w.files.map((f) => ({ name: "files", mountPath: f.mountPath, subPath: f.name, readOnly: true })),
    ...w.secretFiles.map((f) => ({ name: "secret-files", mountPath: f.mountPath, subPath: f.name, readOnly: true })),
    ...(w.host?.mounts ?? []).map((m, i) => ({ name: hostName(i), mountPath: m.mountPath, readOnly: m.readOnly, mountPropagation: "HostToContainer" })),
    ...scratchMounts(w),
  ];
}

function podVolumes(w: Workload, plan: WorkloadPlan): Json[] {
  const executable = w.files.some((f) => f.executable);
  return [
    // A StatefulSet's volumes come from its claim templates.
    ...(plan.kind === "StatefulSet" ? [] : w.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: claimName(v.name) } }))),
    ...(w.files.length ? [{ name: "files", configMap: { name: filesConfigMapName(w), defaultMode: executable ? 0o555 : 0o444 } }] : []),
    ...(w.secretFiles.length ? [{ name: "secret-files", secret: { secretName: filesSecretName(w), defaultMode: SECRET_FILE_MODE } }] : []),
    ...(w.host?.mounts ?? []).map((m, i) => ({ name: hostName(i), hostPath: { path: m.hostPath, type: "Directory" } })),
    ...scratchPaths(w).map((_, i) => ({ name: scratchName(i), emptyDir: { sizeLimit: "2Gi" } })),
  ];
}

export function mainContainer(w: Workload, plan: WorkloadPlan): Json {
  const security = POD_SECURITY[w.role];
  // Inline, so the pod spec says what runs (and the policy pack can read it); secrets by reference.
  const env = [
    ...Object.entries({ ...w.env, ...security.env }).map(([name, value]) => ({ name, value })),
    ...Object.keys(w.secretEnv).map((name) => ({ name, valueFrom: { secretKeyRef: { name: envSecretName(w), key: name } } })),
  ];
  return {
    name: w.role,
    image: w.image.ref,
    imagePullPolicy: "IfNotPresent",
    ...(w.command ? { command: w.command } : {}),
    ...(w.args ? { args: w.args } : {}),
    ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
    ...(env.length ? { env } : {}),
    resources: containerResources(w),
    ...(w.healthCheck ? probes(w.healthCheck) : {}),
    ...(plan.drain ? { lifecycle: { preStop: { sleep: { seconds: plan.drain.preStopSeconds } } } } : {}),
    volumeMounts: volumeMounts(w),
    securityContext: containerSecurityContext(security.readOnlyRootFilesystem),
  };
}

/**
 * Companions as native sidecars (init containers that keep running, Kubernetes >= 1.29): they
 * start before the main container and stop after it, so the hub never runs without its Ollama
 * forwarder, and they share the pod's network and the scratch emptyDirs.
 */
function companionContainers(w: Workload): Json[] {
  const security = POD_SECURITY[w.role];
  return (w.companions ?? []).map((c) => ({
    name: c.name,
    image: w.image.ref,
    imagePullPolicy: "IfNotPresent",
    restartPolicy: "Always",
    command: c.command,
    env: Object.entries(c.env).map(([name, value]) => ({ name, value })),
    resources: containerResources({ resources: c.resources, gpus: 0 }),
    volumeMounts: scratchMounts(w),
    securityContext: containerSecurityContext(security.readOnlyRootFilesystem),
  }));
}

/**
 * Files are mounted with subPath, which Kubernetes never refreshes: a digest of the rendered
 * files and env in the pod template rolls the pods when either changes.
 */
export function configDigest(w: Workload): string {
  const material = JSON.stringify({ env: w.env, files: w.files.map((f) => [f.name, f.content]), secrets: w.secretFiles.map((f) => f.secret) });
  return createHash("sha256").update(material).digest("hex");
}

export function podTemplate(w: Workload, plan: WorkloadPlan, labels: Record<string, string>): Json {
  const selector = { "app.kubernetes.io/name": w.name, "app.kubernetes.io/part-of": labels["app.kubernetes.io/part-of"] };
  const spread = plan.spread
    ? {
        topologySpreadConstraints: [
          // Honor taints: the tainted GPU nodes, where these pods can never run, must not count
          // as empty hosts, or the skew limit blocks the rollout's surge pod.
          { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", nodeTaintsPolicy: "Honor", labelSelector: { matchLabels: selector } },
          { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", nodeTaintsPolicy: "Honor", labelSelector: { matchLabels: selector } },
        ],
      }
    : {};
  const gpu = plan.gpuNode ? { nodeSelector: { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value, [POOL_LABEL]: "gpu" }, tolerations: [gpuToleration] } : {};
  const everyNode = plan.everyNode ? { tolerations: [{ operator: "Exists" }] } : {};
  // The preStop pause runs inside the grace period: a drained workload needs both.
  const drainSeconds = plan.drain ? plan.drain.preStopSeconds + Math.max(plan.drain.inFlightSeconds, w.stopGraceSeconds ?? 0) : undefined;
  const graceSeconds = drainSeconds ?? w.stopGraceSeconds;
  const grace = graceSeconds !== undefined ? { terminationGracePeriodSeconds: graceSeconds } : {};
  return {
    metadata: { labels, annotations: { ...plan.podAnnotations, "mcp-superserver/config-digest": configDigest(w) } },
    spec: {
      ...(plan.serviceAccount ? { serviceAccountName: plan.serviceAccount } : {}),
      automountServiceAccountToken: plan.serviceAccount !== undefined,
      enableServiceLinks: false,
      securityContext: podSecurityContext(POD_SECURITY[w.role]),
      ...(w.host?.pidHost ? { hostPID: true } : {}),
      ...spread,
      ...gpu,
      ...everyNode,
      ...grace,
      ...(w.companions?.length ? { initContainers: companionContainers(w) } : {}),
      containers: [mainContainer(w, plan), ...(plan.sidecars ?? [])],
      volumes: podVolumes(w, plan),
    },
  };
}
