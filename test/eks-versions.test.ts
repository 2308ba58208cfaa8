import { describe, expect, it } from "vitest";
import { DEFAULT_EKS_VERSION, supportStatus, upgradeSupportType, versionWarning } from "../components/cluster/eksVersions";
import { ConfigError } from "../components/config/errors";
import { parseStackConfig } from "../components/config/parse";

const prod = (version?: string) => ({ target: "kubernetes", loadBalancer: { replicas: 2 }, alertmanager: { pagingDisabled: true }, cluster: { apiAllowedCidrs: ["203.0.113.0/24"], ...(version ? { version } : {}) } });
const DEC_1_2026 = new Date("2026-12-01T12:00:00Z");

function problems(raw: Record<string, unknown>, today: Date): string[] {
  try {
    parseStackConfig(raw, today);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("EKS version lifecycle (EKS release calendar)", () => {
  it("defaults to 1.35, the newest version in standard support on 2026-12-01", () => {
    expect(DEFAULT_EKS_VERSION).toBe("1.35");
    expect(parseStackConfig(prod(), DEC_1_2026).cluster.version).toBe("1.35");
    expect(supportStatus("1.35", DEC_1_2026).status).toBe("standard");
    expect(upgradeSupportType("1.35", DEC_1_2026)).toBe("STANDARD");
  });

  it("refuses 1.31, which left extended support on 2026-11-26", () => {
    expect(problems(prod("1.31"), DEC_1_2026)).toEqual([
      'mcp-superserver:cluster.version: "1.31" left EKS extended support on 2026-11-26; EKS refuses to create a cluster on it. Use a version still supported, e.g. 1.35',
    ]);
    // The day before, it was still in extended support: accepted with a warning.
    expect(problems(prod("1.31"), new Date("2026-11-25T23:59:00Z"))).toEqual([]);
  });

  it("warns from the first day of extended support, and keeps EXTENDED then (EKS cannot leave it)", () => {
    expect(versionWarning("1.34", DEC_1_2026)).toBeUndefined();
    const dec2 = new Date("2026-12-02T00:00:00Z");
    expect(problems(prod("1.34"), dec2)).toEqual([]);
    expect(versionWarning("1.34", dec2)).toBe(
      'mcp-superserver:cluster.version: "1.34" left EKS standard support on 2026-12-02: the cluster is billed at extended-support prices until 2027-12-02, when EKS refuses the version. Upgrade to 1.35.',
    );
    expect(upgradeSupportType("1.34", dec2)).toBe("EXTENDED");
  });

  it("refuses a version the calendar does not list, naming the ones it does", () => {
    expect(problems(prod("1.40"), DEC_1_2026)).toEqual([
      'mcp-superserver:cluster.version: "1.40" is not in the EKS release calendar this stack knows (1.35, 1.34, 1.33, 1.32, 1.31, 1.30, 1.29); add it to components/cluster/eksVersions.ts with its dates, or use one of those',
    ]);
  });

  it("does not judge the version of an existing cluster (the key is unused there)", () => {
    const existing = { ...prod("1.29"), cluster: { mode: "existing", version: "1.29", kubeconfig: "apiVersion: v1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" } };
    expect(problems(existing, DEC_1_2026)).toEqual([]);
  });
});
