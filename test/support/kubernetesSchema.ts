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

/**
 * CRDs kubernetes-models does not ship, checked against their published schema: VolumeSnapshotClass
 * from kubernetes-csi/external-snapshotter client/config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml
 * (v1: `driver` and `deletionPolicy` required, deletionPolicy Delete or Retain, parameters strings).
 */
class VolumeSnapshotClassModel {
  constructor(private readonly data: Record<string, unknown>) {}
  validate(): void {
    const { driver, deletionPolicy, parameters, ...rest } = this.data;
    if (typeof driver !== "string") throw new Error("VolumeSnapshotClass: driver is required");
    if (deletionPolicy !== "Delete" && deletionPolicy !== "Retain") throw new Error("VolumeSnapshotClass: deletionPolicy must be Delete or Retain");
    if (parameters !== undefined && Object.values(parameters as object).some((v) => typeof v !== "string")) throw new Error("VolumeSnapshotClass: parameters are strings");
    const unknown = Object.keys(rest).filter((k) => !["apiVersion", "kind", "metadata"].includes(k));
    if (unknown.length) throw new Error(`VolumeSnapshotClass: unknown fields ${unknown}`);
  }
}
const CRDS: Record<string, Model> = { "snapshot.storage.k8s.io/v1/VolumeSnapshotClass": VolumeSnapshotClassModel as unknown as Model };

export function modelFor(apiVersion: string, kind: string): Model {
  if (CRDS[`${apiVersion}/${kind}`]) return CRDS[`${apiVersion}/${kind}`];
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
