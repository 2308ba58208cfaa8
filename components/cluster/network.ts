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
