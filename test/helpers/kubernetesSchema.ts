/**
 * Validates a Kubernetes object against the API's OpenAPI schema with kubernetes-models (the
 * models are generated from Kubernetes 1.31's schema, the cluster's version).
 */
import * as models from "kubernetes-models";

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
