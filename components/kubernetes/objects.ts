/**
 * Every Kubernetes object one workload needs: its controller (Deployment, StatefulSet or
 * DaemonSet), a ConfigMap for its files, Secrets (values filled by the platform), claims,
 * Services, PodDisruptionBudget and HorizontalPodAutoscaler. Pure: a function of the workload
 * description and its plan.
 */
import { formatBytes } from "../config/quantity";
import { workloadLabels } from "../workloads/labels";
import type { Workload } from "../workloads/types";
import { type SecretSpec, type WorkloadPlan } from "./plan";
import { claimName, envSecretName, filesConfigMapName, filesSecretName, podTemplate } from "./pod";
import type { Json, K8sObject } from "./types";

export interface WorkloadObjects {
  objects: K8sObject[];
  secrets: SecretSpec[];
}

export const headlessServiceName = (w: Workload) => `${w.name}-headless`;

export function selectorLabels(w: Pick<Workload, "name" | "role">): Record<string, string> {
  const l = workloadLabels(w, w.name);
  return { "app.kubernetes.io/name": l["app.kubernetes.io/name"], "app.kubernetes.io/part-of": l["app.kubernetes.io/part-of"] };
}

function claimSpec(storageClass: string, sizeBytes: number): Json {
  return { accessModes: ["ReadWriteOnce"], storageClassName: storageClass, resources: { requests: { storage: formatBytes(sizeBytes) } } };
}

function controller(w: Workload, plan: WorkloadPlan, meta: K8sObject["metadata"]): K8sObject {
  const template = podTemplate(w, plan, meta.labels!);
  const selector = { matchLabels: selectorLabels(w) };
  switch (plan.kind) {
    case "Deployment":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta,
        spec: {
          // Under an autoscaler this is only the starting count (within its bounds, see rules).
          replicas: w.replicas,
          revisionHistoryLimit: 5,
          selector,
          strategy:
            plan.strategy === "recreate"
              ? { type: "Recreate" }
              : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template,
        },
      };
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: meta,
        spec: {
          replicas: w.replicas,
          serviceName: headlessServiceName(w),
          selector,
          podManagementPolicy: "OrderedReady",
          updateStrategy: { type: "RollingUpdate" },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template,
          volumeClaimTemplates: w.volumes.map((v) => ({ metadata: { name: v.name, labels: meta.labels }, spec: claimSpec(plan.storageClass, v.sizeBytes) })),
        },
      };
    case "DaemonSet":
      return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: meta,
        spec: { selector, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } }, template },
      };
  }
}

function services(w: Workload, plan: WorkloadPlan, meta: K8sObject["metadata"]): K8sObject[] {
  const selector = selectorLabels(w);
  // A Service port always equals its container port, numeric on both sides: the VPC CNI's
  // NetworkPolicies admit a ClusterIP only then (networkPolicy.ts). `publish` is Docker's host port.
  const ports = (names?: string[]) =>
    w.ports
      .filter((p) => !names || names.includes(p.name))
      .map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" }));
  const out: K8sObject[] = [];
  if (plan.service) {
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...meta, ...(plan.service.annotations ? { annotations: plan.service.annotations } : {}) },
      spec: { type: plan.service.type, selector, ports: ports(plan.service.portNames), ...plan.service.spec },
    });
  }
  if (plan.headlessService || plan.kind === "StatefulSet") {
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...meta, name: headlessServiceName(w) },
      // Only ready pods are listed, so a client resolving the name reaches live replicas only.
      spec: { clusterIP: "None", publishNotReadyAddresses: false, selector, ports: ports() },
    });
  }
  return out;
}

export function workloadObjects(w: Workload, plan: WorkloadPlan): WorkloadObjects {
  const labels = workloadLabels(w, w.name);
  const meta = (name: string) => ({ name, namespace: plan.namespace, labels });
  const objects: K8sObject[] = [];
  const secrets: SecretSpec[] = [];
  if (w.files.length) {
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(filesConfigMapName(w)),
      data: Object.fromEntries(w.files.map((f) => [f.name, f.content])),
    });
  }
  if (Object.keys(w.secretEnv).length) secrets.push({ metadata: meta(envSecretName(w)), entries: { ...w.secretEnv } });
  if (w.secretFiles.length) {
    secrets.push({ metadata: meta(filesSecretName(w)), entries: Object.fromEntries(w.secretFiles.map((f) => [f.name, { secret: f.secret, ...(f.prefix ? { prefix: f.prefix } : {}) }])) });
  }
  if (plan.kind === "Deployment") {
    for (const v of w.volumes) {
      objects.push({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: meta(claimName(v.name)), spec: claimSpec(plan.storageClass, v.sizeBytes) });
    }
  }
  objects.push(controller(w, plan, meta(w.name)));
  objects.push(...services(w, plan, meta(w.name)));
  if (plan.pdb) {
    objects.push({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(w.name), spec: { ...plan.pdb, selector: { matchLabels: selectorLabels(w) } } });
  }
  if (plan.hpa) {
    objects.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta(w.name),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: plan.kind, name: w.name },
        minReplicas: plan.hpa.minReplicas,
        maxReplicas: plan.hpa.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: plan.hpa.cpuTargetPercent } } }],
        // Scale down slowly: hub pods hold long LLM calls.
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
      },
    });
  }
  return { objects, secrets };
}
