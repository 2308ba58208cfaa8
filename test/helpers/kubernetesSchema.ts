/**
 * Validates a Kubernetes object against the API's OpenAPI schema with kubernetes-models. The
 * pinned 4.5.1 is generated from Kubernetes v1.33.0's schema (its CHANGELOG, 4.5.0: "Update schema
 * version to v1.33.0"; 5.x moves to v1.36.0 and needs Node 22). It checks the types and required
 * fields of the fields it knows and lets unknown fields through, so a schema no newer than the
 * cluster's version never passes a field the cluster would read differently.
 */
import * as models from "kubernetes-models";

/** The Kubernetes minor version the models were generated from. */
export const SCHEMA_VERSION = "1.33";

const minor = (v: string) => Number(v.split(".")[1]);

/** The schema may validate for a cluster version when it is not newer than that version. */
export function schemaFitsCluster(clusterVersion: string): boolean {
  return minor(SCHEMA_VERSION) <= minor(clusterVersion);
}

type Model = { new (data: unknown): { validate(): void } };

/** `networking.k8s.io` → `networkingK8sIo`, the package's export name; the core group is `v1`. */
function groupExport(group: string): string {
  return group.replace(/\.([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^([a-z0-9]+)/, (g) => g);
}

export function modelFor(apiVersion: string, kind: string): Model {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const lib = models as unknown as Record<string, Record<string, Record<string, Model>>>;
  const versions = group ? lib[groupExport(group)] : (lib as unknown as Record<string, Record<string, Model>>);
  const model = versions?.[version]?.[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

/** Throws the validator's message when the object does not match the schema. */
export function validateObject(o: { apiVersion: string; kind: string }): void {
  const Model = modelFor(o.apiVersion, o.kind);
  new Model(o).validate();
}
