/**
 * The cluster autoscaler release for each EKS Kubernetes minor: the autoscaler's minor must equal
 * the cluster's ("We recommend using Cluster Autoscaler with the Kubernetes control plane version
 * for which it was meant", kubernetes/autoscaler cluster-autoscaler/README.md, "Releases"). Tags:
 * the newest `cluster-autoscaler-1.<minor>.<patch>` release tag of kubernetes/autoscaler per minor
 * (snapshot of 2026-08-22); images `registry.k8s.io/autoscaling/cluster-autoscaler:v<version>`.
 * Keyed by the versions of the EKS release calendar (eksVersions.ts); a test checks every version
 * there has a release here, so a new EKS row cannot ship without its autoscaler.
 */
export const CLUSTER_AUTOSCALER_RELEASES: Readonly<Record<string, string>> = {
  "1.35": "v1.35.2",
  "1.34": "v1.34.5",
  "1.33": "v1.33.6",
  "1.32": "v1.32.7",
  "1.31": "v1.31.5",
  "1.30": "v1.30.7",
  "1.29": "v1.29.5",
};

export const CLUSTER_AUTOSCALER_REPOSITORY = "registry.k8s.io/autoscaling/cluster-autoscaler";

/** The autoscaler image for a cluster version; undefined when the table has no release for it (the config refuses that). */
export function clusterAutoscalerImage(kubernetesVersion: string): string | undefined {
  const tag = CLUSTER_AUTOSCALER_RELEASES[kubernetesVersion];
  return tag ? `${CLUSTER_AUTOSCALER_REPOSITORY}:${tag}` : undefined;
}
