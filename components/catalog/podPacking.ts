/**
 * Whether a set of pods can all be placed on a node group at a given node count, CPU and memory
 * requests against what each node leaves for pods (nodeCapacity.ts). A workload under a hard
 * hostname spread (`maxSkew: 1`, `DoNotSchedule`) must keep its per-node counts within one of each
 * other over every node of the group (Kubernetes docs, "Pod Topology Spread Constraints"): each
 * node holds floor(R/N) of its R replicas and R mod N nodes one more, each on a different node.
 * Placement is first-fit decreasing; a packing found proves the pods fit. One not found is
 * reported as not fitting, which may refuse a few packings an exhaustive search would find.
 * Pure.
 */
export interface PodDemand {
  /** Names the pod in messages. */
  name: string;
  millicores: number;
  memoryBytes: number;
  replicas: number;
  /** Hard hostname spread with maxSkew 1. */
  spread: boolean;
  /** The config keys its requests come from, for messages. */
  keys?: string;
}

export interface NodeRoomPerNode {
  millicores: number;
  memoryBytes: number;
}

export interface PackingResult {
  fits: boolean;
  /** The first pod no node had room for (when it does not fit). */
  unplaced?: string;
  /** Sums over every replica, for messages. */
  requested: { millicores: number; memoryBytes: number };
  capacity: { millicores: number; memoryBytes: number };
}

interface Item {
  pod: PodDemand;
  /** An extra replica of a spread workload: at most one per node. */
  extra: boolean;
}

export function packPods(pods: PodDemand[], room: NodeRoomPerNode, nodes: number): PackingResult {
  const free = Array.from({ length: nodes }, () => ({ ...room }));
  const extras = Array.from({ length: nodes }, () => new Set<string>());
  const requested = pods.reduce(
    (sum, p) => ({ millicores: sum.millicores + p.millicores * p.replicas, memoryBytes: sum.memoryBytes + p.memoryBytes * p.replicas }),
    { millicores: 0, memoryBytes: 0 },
  );
  const result = (unplaced?: string): PackingResult => ({
    fits: unplaced === undefined,
    ...(unplaced !== undefined ? { unplaced } : {}),
    requested,
    capacity: { millicores: room.millicores * nodes, memoryBytes: room.memoryBytes * nodes },
  });
  const take = (i: number, p: PodDemand) => {
    free[i].millicores -= p.millicores;
    free[i].memoryBytes -= p.memoryBytes;
  };
  // The spread workloads' even share goes on every node first.
  for (const p of pods.filter((x) => x.spread)) {
    for (let i = 0; i < nodes; i++) for (let k = 0; k < Math.floor(p.replicas / nodes); k++) take(i, p);
  }
  if (free.some((f) => f.millicores < 0 || f.memoryBytes < 0)) return result(pods.find((p) => p.spread && p.replicas >= nodes)?.name);
  const items: Item[] = pods.flatMap((p) => Array.from({ length: p.spread ? p.replicas % nodes : p.replicas }, () => ({ pod: p, extra: p.spread })));
  items.sort((a, b) => b.pod.memoryBytes - a.pod.memoryBytes || b.pod.millicores - a.pod.millicores);
  for (const { pod, extra } of items) {
    const i = free.findIndex((f, n) => f.millicores >= pod.millicores && f.memoryBytes >= pod.memoryBytes && !(extra && extras[n].has(pod.name)));
    if (i < 0) return result(pod.name);
    take(i, pod);
    if (extra) extras[i].add(pod.name);
  }
  return result();
}
