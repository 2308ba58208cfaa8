/**
 * The EKS Kubernetes release calendar as data. Source: the Amazon EKS User Guide, "Understand the
 * Kubernetes version lifecycle on EKS", section "Amazon EKS Kubernetes release calendar"
 * (awsdocs/amazon-eks-user-guide, latest/ug/versioning/kubernetes-versions.adoc), dates in UTC;
 * 1.35 from the same calendar after its EKS release on 2026-01-27. A version is in standard support
 * for 14 months after its EKS release, then in extended support (billed extra per cluster hour)
 * for 12 more; after that EKS refuses to create a cluster on it and upgrades existing ones itself.
 * Add a row when EKS releases a version; nothing else needs to change.
 */
export interface EksVersion {
  version: string;
  /** First day the version is billed at extended-support prices (UTC). */
  endOfStandardSupport: string;
  /** Last day a cluster may be created on or stay at the version (UTC). */
  endOfExtendedSupport: string;
}

export const EKS_VERSIONS: readonly EksVersion[] = [
  { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
  { version: "1.34", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.33", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.32", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.31", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.30", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  { version: "1.29", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
];

/** The default: the newest version of the calendar, so a new cluster starts with the longest standard support. */
export const DEFAULT_EKS_VERSION = EKS_VERSIONS[0].version;

export type SupportStatus = "standard" | "extended" | "ended" | "unknown";

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Where a version stands on a given day: ISO dates compare as strings. */
export function supportStatus(version: string, today: Date): { status: SupportStatus; entry?: EksVersion } {
  const entry = EKS_VERSIONS.find((v) => v.version === version);
  if (!entry) return { status: "unknown" };
  const d = day(today);
  if (d < entry.endOfStandardSupport) return { status: "standard", entry };
  if (d < entry.endOfExtendedSupport) return { status: "extended", entry };
  return { status: "ended", entry };
}

/**
 * The cluster's upgrade policy. STANDARD (upgrade at the end of standard support, never billed
 * for extended support) unless the version is already in extended support: EKS cannot disable
 * extended support on a cluster that has entered it ("Disable EKS extended support", EKS User
 * Guide), and the config warns about such a version.
 */
export function upgradeSupportType(version: string, today: Date): "STANDARD" | "EXTENDED" {
  return supportStatus(version, today).status === "extended" ? "EXTENDED" : "STANDARD";
}

/** A warning for a version in extended support; undefined when it is in standard support (or refused). */
export function versionWarning(version: string, today: Date): string | undefined {
  const { status, entry } = supportStatus(version, today);
  if (status !== "extended") return undefined;
  return (
    `mcp-superserver:cluster.version: "${version}" left EKS standard support on ${entry!.endOfStandardSupport}: the cluster is ` +
    `billed at extended-support prices until ${entry!.endOfExtendedSupport}, when EKS refuses the version. Upgrade to ${DEFAULT_EKS_VERSION}.`
  );
}
