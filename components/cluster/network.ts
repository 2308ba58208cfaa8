/** Subnet layout of a created VPC: three public and three private /20s from a /16, one pair per AZ. */
export const AZ_COUNT = 3;

export interface SubnetPlan {
  az: number;
  cidr: string;
  public: boolean;
}

/** Public subnets take /20 blocks 0-2 (small: NAT gateways and NLBs), private ones 8-10 (nodes and pods). */
export function subnetPlan(vpcCidr: string): SubnetPlan[] {
  const [a, b] = vpcCidr.split("/")[0].split(".").map(Number);
  const block = (index: number) => `${a}.${b}.${index * 16}.0/20`;
  return Array.from({ length: AZ_COUNT }, (_, az) => [
    { az, cidr: block(az), public: true },
    { az, cidr: block(8 + az), public: false },
  ]).flat();
}

/**
 * AZ IDs where EKS refuses cluster subnets (UnsupportedAvailabilityZoneException). Source: the EKS
 * User Guide, "View Amazon EKS networking requirements for VPC and subnets" (subnet requirements),
 * and eksctl's zone denylist (pkg/az). AZ IDs, not names: names are shuffled per account.
 */
export const EKS_UNSUPPORTED_AZ_IDS = ["use1-az3", "usw1-az2", "cac1-az3"];

/** The first AZ_COUNT available AZs (names) whose IDs EKS accepts; fails the run when fewer are left. */
export function usableAzs(names: string[], zoneIds: string[]): string[] {
  const usable = names.filter((_, i) => !EKS_UNSUPPORTED_AZ_IDS.includes(zoneIds[i]));
  if (usable.length < AZ_COUNT) {
    throw new Error(
      `the region has ${usable.length} available AZs EKS supports (${usable.join(", ") || "none"}); this VPC needs ${AZ_COUNT}. Set mcp-superserver:cluster.availabilityZones or use an existing VPC (cluster.vpc.id)`,
    );
  }
  return usable.slice(0, AZ_COUNT);
}
