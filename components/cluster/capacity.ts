/**
 * The system node group at its maximum size must hold everything that can only run there, the
 * hub at its autoscaling maximum included: otherwise the autoscaler's upper pods stay Pending
 * however far the cluster autoscaler scales. Checked with the node overhead of nodeCapacity.ts and
 * the packing of podPacking.ts (components/catalog/), on the pods as rendered (systemPool.ts).
 */
import { roomForOnePod } from "../catalog/nodeCapacity";
import { packPods, type PodDemand } from "../catalog/podPacking";
import { SYSTEM_INSTANCES } from "../catalog/instanceTypes";
import { systemPoolPods } from "./systemPool";
import { formatMillicores, formatWholeMiB } from "../config/quantity";
import type { RuleIssue } from "../config/rules/issue";
import type { StackConfig } from "../config/schema";

export function systemPoolCapacity(cfg: StackConfig): RuleIssue[] {
  const c = cfg.cluster;
  if (c.mode !== "create") return [];
  const types = c.systemNodes.instanceTypes;
  const unknown = types.flatMap((type, i): RuleIssue[] =>
    SYSTEM_INSTANCES[type]
      ? []
      : [
          {
            path: ["cluster", "systemNodes", "instanceTypes", i],
            effective: type,
            message: `is not in the capacity table (components/catalog/instanceTypes.ts, system pool: ${Object.keys(SYSTEM_INSTANCES).join(", ")}); add it there with its vCPUs, memory and max pods, or use one of those`,
          },
        ],
  );
  if (unknown.length) return unknown;
  // A managed node group may launch any of its types: the smallest must do.
  const [type] = [...types].sort((a, b) => {
    const x = roomForOnePod(SYSTEM_INSTANCES[a]);
    const y = roomForOnePod(SYSTEM_INSTANCES[b]);
    return x.memoryBytes - y.memoryBytes || x.millicores - y.millicores;
  });
  const room = roomForOnePod(SYSTEM_INSTANCES[type]);
  const nodesKey = c.autoscaler.enabled ? "maxSize" : "desiredSize";
  const nodes = c.systemNodes[nodesKey];
  const pods = systemPoolPods(cfg, "capacity");
  const tooLarge = pods.filter((p) => p.millicores > room.millicores || p.memoryBytes > room.memoryBytes);
  if (tooLarge.length) {
    return tooLarge.map((p) => ({
      path: ["cluster", "systemNodes", "instanceTypes"],
      effective: JSON.stringify(types),
      message:
        `leaves ${formatMillicores(room.millicores)} CPU and ${formatWholeMiB(room.memoryBytes)} for pods on a node of its smallest type (${type}); ${p.name} requests ` +
        `${formatMillicores(p.millicores)} CPU and ${formatWholeMiB(p.memoryBytes)} on one node and could never be scheduled. Use a larger instance type` +
        (p.keys ? ` or lower ${p.keys}` : ""),
    }));
  }
  const result = packPods(pods, room, nodes);
  if (result.fits) return [];
  const hub = pods[0] as PodDemand; // systemPoolPods lists the hub first
  const enough = Array.from({ length: 100 - nodes }, (_, i) => nodes + 1 + i).find((n) => packPods(pods, room, n).fits);
  const a = cfg.hub.autoscaling;
  return [
    {
      path: ["hub", "autoscaling", "maxReplicas"],
      effective: String(a.maxReplicas),
      message:
        `does not fit on the system node group: ${a.maxReplicas} hub pods (${formatMillicores(hub.millicores)} CPU and ${formatWholeMiB(hub.memoryBytes)} each with the sidecar, hard hostname spread) ` +
        `with the rest of the system pool request ${formatMillicores(result.requested.millicores)} CPU and ${formatWholeMiB(result.requested.memoryBytes)} in all; ` +
        `cluster.systemNodes.${nodesKey} (${nodes}) ${type} nodes leave ${formatMillicores(room.millicores)} CPU and ${formatWholeMiB(room.memoryBytes)} each for pods, ` +
        `and no node has room left for ${result.unplaced}. ` +
        `${enough ? `It fits from ${enough} nodes: raise` : "Raise"} cluster.systemNodes.${nodesKey}, ` +
        "use a larger instance type, or lower hub.autoscaling.maxReplicas",
    },
  ];
}
