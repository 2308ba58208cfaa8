import { createHash } from "node:crypto";
/**
 * Turns the adapter's plain objects into @pulumi/kubernetes resources, every one with the
 * cluster's provider given explicitly, and fills Secrets from the stack's secrets.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DeployOptions, DeployedWorkload, StackSecrets, Platform } from "../workloads/platform";
import type { SecretName, Workload } from "../workloads/types";
import { workloadObjects } from "./objects";
import type { Planned, SecretSpec } from "./plan";
import type { Json, K8sObject } from "./types";

/** The resource classes the adapter uses, by apiVersion/kind (all take the object as their args). */
const CLASSES: Record<string, new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/Service": k8s.core.v1.Service,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
  "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
  "batch/v1/CronJob": k8s.batch.v1.CronJob,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
  // A CRD of the snapshot-controller add-on: no typed class in @pulumi/kubernetes.
  "snapshot.storage.k8s.io/v1/VolumeSnapshotClass": k8s.apiextensions.CustomResource,
};

const CONTROLLERS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** Logical name of an object: unique per kind and object name within a component. */
export function objectResourceName(prefix: string, o: Pick<K8sObject, "kind" | "metadata">): string {
  return `${prefix}-${o.kind.toLowerCase()}-${o.metadata.name}`;
}

export function createObject(
  prefix: string,
  o: K8sObject,
  provider: k8s.Provider,
  opts: { parent: pulumi.Resource; dependsOn?: pulumi.Input<pulumi.Resource>[]; ignoreChanges?: string[]; customTimeouts?: pulumi.CustomTimeouts },
): pulumi.CustomResource {
  const Class = CLASSES[`${o.apiVersion}/${o.kind}`];
  if (!Class) throw new Error(`no resource class for ${o.apiVersion} ${o.kind}`);
  // Names are fixed (other objects and DNS refer to them): a replacement must delete first.
  return new Class(objectResourceName(prefix, o), o, { ...opts, provider, deleteBeforeReplace: true });
}

export class KubernetesPlatform implements Platform<Planned> {
  private readonly services = new Map<string, k8s.core.v1.Service>();

  constructor(
    readonly provider: k8s.Provider,
    private readonly secrets: StackSecrets,
  ) {}

  private secretValue(name: SecretName): pulumi.Output<string> {
    const value = this.secrets[name];
    if (!value) throw new Error(`secret "${name}" is used by a workload but was never created`);
    return pulumi.secret(value);
  }

  private secretData(s: SecretSpec): pulumi.Output<Record<string, string>> {
    return pulumi.secret(
      pulumi.all(Object.fromEntries(Object.entries(s.entries).map(([key, ref]) => [key, pulumi.interpolate`${ref.prefix ?? ""}${this.secretValue(ref.secret)}`]))),
    );
  }

  private createSecret(prefix: string, s: SecretSpec, parent: pulumi.Resource, dependsOn?: pulumi.Input<pulumi.Resource>[]) {
    const stringData = this.secretData(s);
    return new k8s.core.v1.Secret(
      objectResourceName(prefix, { kind: "Secret", metadata: s.metadata }),
      { metadata: s.metadata, type: "Opaque", stringData },
      { parent, dependsOn, provider: this.provider, deleteBeforeReplace: true },
    );
  }

  /** Creates plain objects (namespaces, policies, RBAC) under a parent. */
  apply(prefix: string, objects: K8sObject[], opts: { parent: pulumi.Resource; dependsOn?: pulumi.Input<pulumi.Resource>[] }): pulumi.CustomResource[] {
    return objects.map((o) => createObject(prefix, o, this.provider, opts));
  }

  /** The Service of a deployed workload, by object name (for its load balancer address). */
  service(name: string): k8s.core.v1.Service | undefined {
    return this.services.get(name);
  }

  /**
   * Secrets are mounted with subPath or read as env, which a running pod never sees change: a
   * digest of their content in the pod template rolls the pods when one changes (a rotated
   * webhook URL, new Alertmanager routing). A SHA-256 of the content reveals nothing of it.
   */
  private rollOnSecretChange(objects: K8sObject[], secrets: SecretSpec[]): void {
    if (!secrets.length) return;
    const digest = pulumi.unsecret(
      pulumi.all(secrets.map((s) => this.secretData(s))).apply((data) => createHash("sha256").update(JSON.stringify(data)).digest("hex")),
    );
    for (const o of objects.filter((x) => CONTROLLERS.has(x.kind))) {
      const template = (o.spec as { template: { metadata: { annotations: Record<string, unknown> } } }).template;
      template.metadata.annotations = { ...template.metadata.annotations, "mcp-superserver/secret-digest": digest };
    }
  }

  /** A built image's reference (by digest) in place of its name, in every container that runs it. */
  private useBuiltImage(objects: K8sObject[], w: Workload, image: pulumi.Input<string> | undefined): void {
    if (!("build" in w.image)) return;
    if (!image) throw new Error(`workload "${w.name}" builds its image, but no built image was given`);
    for (const o of objects.filter((x) => CONTROLLERS.has(x.kind))) {
      const pod = (o.spec as { template: { spec: { containers: Json[]; initContainers?: Json[] } } }).template.spec;
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) if (c.image === w.image.ref) c.image = image;
    }
  }

  deploy(name: string, { workload: w, plan }: Planned, opts: DeployOptions): DeployedWorkload {
    const { objects, secrets } = workloadObjects(w, plan);
    this.useBuiltImage(objects, w, opts.image);
    this.rollOnSecretChange(objects, secrets);
    const childOpts = { parent: opts.parent, dependsOn: opts.dependsOn };
    const startSeconds = w.healthCheck?.startPeriodSeconds ?? 0;
    const slowStart = startSeconds >= 300 ? `${Math.ceil(startSeconds / 60) + 20}m` : undefined;
    // Config and secrets first, so the pods never start without them.
    const secretResources = secrets.map((s) => this.createSecret(name, s, opts.parent, opts.dependsOn));
    const first = (o: K8sObject) => o.kind === "ConfigMap" || o.kind === "PersistentVolumeClaim";
    const configs = objects.filter(first).map((o) => createObject(name, o, this.provider, childOpts));
    const names: pulumi.Output<string>[] = [];
    const rest = objects
      .filter((o) => !first(o))
      .map((o) => {
        const r = createObject(name, o, this.provider, {
          parent: opts.parent,
          dependsOn: [...(opts.dependsOn ?? []), ...configs, ...secretResources],
          // The autoscaler owns the replica count once the Deployment exists; `pulumi up` must not reset it.
          ...(plan.hpa && CONTROLLERS.has(o.kind) ? { ignoreChanges: ["spec.replicas"] } : {}),
          // Pulumi waits 10 minutes for a rollout by default; a slow first start (Ollama pulling
          // models) gets its start period and more.
          ...(CONTROLLERS.has(o.kind) && slowStart ? { customTimeouts: { create: slowStart, update: slowStart } } : {}),
        });
        if (o.kind === "Service") this.services.set(o.metadata.name, r as k8s.core.v1.Service);
        if (CONTROLLERS.has(o.kind)) names.push((r as k8s.apps.v1.Deployment).metadata.name);
        return r;
      });
    return {
      names,
      resources: [...secretResources, ...configs, ...rest],
    };
  }
}
