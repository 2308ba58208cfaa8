/**
 * One view of "a pod" over both targets, read from a resource's properties: a Docker container
 * (one replica of a service) or the pod template of a Kubernetes workload. Policies reason about
 * pods and containers; only this module knows where each target keeps memory, GPUs, labels,
 * tolerations and node selection.
 */
import { quantityBytes, quantityCount } from "./quantities";

export const LABEL = {
  component: "app.kubernetes.io/component",
  name: "app.kubernetes.io/name",
  /** A helper container beside a replica on Docker (a native sidecar, an init container, on Kubernetes). */
  companion: "mcp-superserver/companion",
} as const;

export const DOCKER_CONTAINER = "docker:index/container:Container";

/** Where each Kubernetes workload type keeps its pod template. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template"],
  "kubernetes:batch/v1:Job": ["spec", "template"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template"],
  "kubernetes:core/v1:Pod": [],
};

export const POD_TYPES = [DOCKER_CONTAINER, ...Object.keys(POD_TEMPLATE_PATHS)];

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface ContainerView {
  name: string;
  image?: string;
  /** Bytes; undefined when not set (or not a quantity, see `unreadable`). */
  memoryLimit?: number;
  memoryRequest?: number;
  /** Raw values that are set but are not memory quantities, by field. */
  unreadable: Record<string, unknown>;
  /** GPUs of `gpuResource` the container asks for (Docker: devices in `gpus`). */
  gpus: number;
  env: Record<string, string>;
}

export interface PodView {
  target: "docker" | "kubernetes";
  type: string;
  labels: Record<string, string>;
  role?: string;
  service?: string;
  /** Pods this resource runs: Docker 1 per container, Kubernetes `spec.replicas` (default 1). */
  replicas: number;
  /** DaemonSets: one pod on every node they can run on. */
  perNode: boolean;
  containers: ContainerView[];
  initContainers: ContainerView[];
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  /** Required node affinity: any term matches when all its expressions do. */
  nodeAffinityTerms: NodeSelectorRequirement[][];
}

type Dict = Record<string, any>;
const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);
const dict = (v: unknown): Dict => (isDict(v) ? v : {});
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(dict(v)).filter(([, x]) => typeof x === "string")) as Record<string, string>;

function at(props: Dict, path: string[]): unknown {
  let v: unknown = props;
  for (const key of path) v = dict(v)[key];
  return v;
}

function memory(field: string, raw: unknown, unreadable: Record<string, unknown>): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const bytes = quantityBytes(raw);
  if (bytes === undefined) unreadable[field] = raw;
  return bytes;
}

/** Docker takes memory in MiB; 0 means "no limit". */
function dockerMiB(raw: unknown): number | undefined {
  return typeof raw === "number" && raw > 0 ? raw * 1024 * 1024 : undefined;
}

/** `gpus` is "all" or "device=0,1" (Docker's --gpus syntax); "all" counts as one or more. */
function dockerGpus(raw: unknown): number {
  if (typeof raw !== "string" || raw === "") return 0;
  const devices = /^device=(.+)$/.exec(raw);
  if (devices) return devices[1].split(",").filter(Boolean).length;
  const count = /^(?:count=)?(\d+)$/.exec(raw);
  return count ? Number(count[1]) : 1;
}

function dockerPod(props: Dict): PodView {
  const labels = Object.fromEntries(
    list(props.labels)
      .filter((l) => isDict(l) && typeof l.label === "string")
      .map((l) => [l.label as string, String(l.value)]),
  );
  const container: ContainerView = {
    name: String(props.name ?? ""),
    // Read on demand: during a preview the image id and a secret-bearing env are unknown, and
    // reading them must fail only the policies that need them.
    get image() {
      return typeof props.image === "string" ? props.image : undefined;
    },
    memoryLimit: dockerMiB(props.memory),
    memoryRequest: dockerMiB(props.memoryReservation),
    unreadable: {},
    gpus: dockerGpus(props.gpus),
    get env() {
      return Object.fromEntries(
        list(props.envs)
          .filter((e): e is string => typeof e === "string" && e.includes("="))
          .map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      );
    },
  };
  // A companion is checked as a Kubernetes sidecar is: as an init container of its replica, with
  // no role of its own (role sizes and replica counts are about the main containers).
  const companion = LABEL.companion in labels;
  return {
    target: "docker",
    type: DOCKER_CONTAINER,
    labels,
    role: companion ? undefined : labels[LABEL.component],
    service: labels[LABEL.name],
    replicas: 1,
    perNode: false,
    containers: companion ? [] : [container],
    initContainers: companion ? [container] : [],
    tolerations: [],
    nodeSelector: {},
    nodeAffinityTerms: [],
  };
}

function kubernetesContainer(c: Dict, gpuResource: string): ContainerView {
  const resources = dict(c.resources);
  const limits = dict(resources.limits);
  const requests = dict(resources.requests);
  const unreadable: Record<string, unknown> = {};
  const memoryLimit = memory("resources.limits.memory", limits.memory, unreadable);
  // Kubernetes defaults a missing memory request to the limit.
  const memoryRequest = memory("resources.requests.memory", requests.memory, unreadable);
  return {
    name: String(c.name ?? ""),
    get image() {
      return typeof c.image === "string" ? c.image : undefined;
    },
    memoryLimit,
    memoryRequest,
    unreadable,
    // Extended resources such as GPUs are set as limits; a request must equal it.
    gpus: quantityCount(limits[gpuResource] ?? requests[gpuResource]),
    get env() {
      return Object.fromEntries(
        list(c.env)
          .filter((e) => isDict(e) && typeof e.name === "string" && typeof e.value === "string")
          .map((e) => [e.name, e.value]),
      );
    },
  };
}

function kubernetesPod(type: string, props: Dict, gpuResource: string): PodView {
  const template = dict(at(props, POD_TEMPLATE_PATHS[type]));
  const spec = dict(template.spec);
  // The pod's labels are what selectors and policies see; workload labels are the fallback.
  const labels = { ...stringMap(dict(props.metadata).labels), ...stringMap(dict(template.metadata).labels) };
  const required = dict(dict(dict(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const replicas = typeof dict(props.spec).replicas === "number" ? dict(props.spec).replicas : 1;
  return {
    target: "kubernetes",
    type,
    labels,
    role: labels[LABEL.component],
    service: labels[LABEL.name],
    replicas: type === "kubernetes:core/v1:Pod" ? 1 : replicas,
    perNode: type === "kubernetes:apps/v1:DaemonSet",
    containers: list(spec.containers).map((c) => kubernetesContainer(dict(c), gpuResource)),
    initContainers: list(spec.initContainers).map((c) => kubernetesContainer(dict(c), gpuResource)),
    tolerations: list(spec.tolerations).filter(isDict) as Toleration[],
    nodeSelector: stringMap(spec.nodeSelector),
    nodeAffinityTerms: list(required.nodeSelectorTerms).map((t) => list(dict(t).matchExpressions).filter(isDict) as NodeSelectorRequirement[]),
  };
}

/** The pod a resource runs, or undefined for resources that run none. */
export function podOf(type: string, props: Record<string, unknown>, gpuResource = "nvidia.com/gpu"): PodView | undefined {
  if (type === DOCKER_CONTAINER) return dockerPod(props);
  if (type in POD_TEMPLATE_PATHS) return kubernetesPod(type, props, gpuResource);
  return undefined;
}

/** Memory of the whole pod: the sum over its containers, undefined if any container lacks it. */
export function podMemory(pod: PodView, kind: "memoryLimit" | "memoryRequest"): number | undefined {
  let sum = 0;
  for (const c of pod.containers) {
    const v = kind === "memoryRequest" ? (c.memoryRequest ?? (pod.target === "kubernetes" ? c.memoryLimit : undefined)) : c.memoryLimit;
    if (v === undefined) return undefined;
    sum += v;
  }
  return sum;
}

export const podGpus = (pod: PodView): number => pod.containers.reduce((n, c) => n + c.gpus, 0);

/** Does the pod tolerate a taint (Kubernetes matching rules: empty key with Exists tolerates all)? */
export function tolerates(pod: PodView, taint: { key: string; value?: string; effect: string }): boolean {
  return pod.tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** Would the pod's node selection accept a node with these labels? */
export function selectsNode(pod: PodView, nodeLabels: Record<string, string>): boolean {
  const selectorOk = Object.entries(pod.nodeSelector).every(([k, v]) => nodeLabels[k] === v);
  if (!selectorOk) return false;
  if (pod.nodeAffinityTerms.length === 0) return true;
  return pod.nodeAffinityTerms.some((term) =>
    term.every((e) => {
      const has = e.key in nodeLabels;
      const values = e.values ?? [];
      switch (e.operator) {
        case "In":
          return has && values.includes(nodeLabels[e.key]);
        case "NotIn":
          return !has || !values.includes(nodeLabels[e.key]);
        case "Exists":
          return has;
        case "DoesNotExist":
          return !has;
        default:
          return false;
      }
    }),
  );
}

/** The name to show for a pod's resource in messages: its service and kind. */
export function describePod(pod: PodView, resourceName: string): string {
  return pod.service ? `${pod.service} (${resourceName})` : resourceName;
}

/** The pod spec of a Kubernetes workload (its template's `spec`); undefined for other types. */
export function podSpecOf(type: string, props: Dict): Dict | undefined {
  const path = POD_TEMPLATE_PATHS[type];
  return path ? dict(dict(at(props, path)).spec) : undefined;
}
