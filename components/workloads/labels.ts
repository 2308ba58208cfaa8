import type { Workload } from "./types";

export const PART_OF = "mcp-superserver";

/** Kubernetes recommended labels, on Docker too, so policies and tools find the role the same way. */
export function workloadLabels(w: Pick<Workload, "name" | "role">, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": w.name,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": w.role,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}
