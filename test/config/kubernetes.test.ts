import { describe, expect, it } from "vitest";
import { eksKubeconfig } from "../../components/cluster/clusterObjects";
import { DEFAULT_EKS_VERSION, supportStatus, upgradeSupportType, versionWarning } from "../../components/catalog/eksVersions";
import { GPU_INSTANCES, DEFAULT_GPU_INSTANCE_TYPE } from "../../components/catalog/instanceTypes";
import { usableAzs } from "../../components/cluster/network";
import { kubeReservedMemoryBytes, kubeReservedMillicores, roomForOnePod } from "../../components/catalog/nodeCapacity";
import { parseStackConfig } from "../../components/config/parse";
import { configProblems } from "../support/configProblems";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const GiB = 1024 ** 3;
const prod = (extra: Record<string, unknown> = {}) => ({
  target: "kubernetes",
  loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } },
  alertmanager: { pagingDisabled: true },
  ...extra,
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"], ...(extra.cluster as object) },
});

const problems = configProblems;

describe("GPU node sizing", () => {
  it("follows the EKS AL2023 kubelet reservation formulas", () => {
    // 255Mi + 11Mi per pod; 6 % + 1 % + 2 x 0.5 % + 0.25 % per further core.
    expect(kubeReservedMemoryBytes(234)).toBe((255 + 11 * 234) * 1024 ** 2);
    expect(kubeReservedMillicores(1)).toBe(60);
    expect(kubeReservedMillicores(4)).toBe(80);
    expect(kubeReservedMillicores(16)).toBe(110);
  });

  it("fits the default Ollama limit (32Gi) on the default type and not on any 32 GiB type", () => {
    expect(roomForOnePod(GPU_INSTANCES[DEFAULT_GPU_INSTANCE_TYPE]).memoryBytes).toBeGreaterThanOrEqual(32 * GiB);
    for (const [type, i] of Object.entries(GPU_INSTANCES).filter(([, i]) => i.memoryGiB === 32)) {
      expect(roomForOnePod(i).memoryBytes, type).toBeLessThan(32 * GiB);
    }
  });

  it("is the smallest-memory type where the default fits", () => {
    const fitting = Object.entries(GPU_INSTANCES).filter(([, i]) => roomForOnePod(i).memoryBytes >= 32 * GiB);
    const smallest = Math.min(...fitting.map(([, i]) => i.memoryGiB));
    expect(GPU_INSTANCES[DEFAULT_GPU_INSTANCE_TYPE].memoryGiB).toBe(smallest);
    // AWS's accelerated-computing table: g5.2xlarge has 32 GiB, g5.4xlarge 64 GiB.
    expect([DEFAULT_GPU_INSTANCE_TYPE, smallest]).toEqual(["g5.4xlarge", 64]);
  });
});

describe("Kubernetes config rules", () => {
  it("accepts the defaults for the Kubernetes target", () => {
    expect(problems(prod())).toEqual([]);
  });

  it("rejects a GPU type too small for Ollama's limit, naming key, value and a fix", () => {
    const [p] = problems(prod({ cluster: { gpuNodes: { instanceType: "g5.2xlarge" } } }));
    expect(p).toMatch(/^mcp-superserver:cluster\.gpuNodes\.instanceType: "g5\.2xlarge" has 32Gi.*ollama\.resources\.limits\.memory \(32Gi\) does not fit.*g5\.4xlarge/);
    // The same type is fine once Ollama's limit is lowered to what the node leaves.
    expect(problems(prod({ cluster: { gpuNodes: { instanceType: "g5.2xlarge" } }, ollama: { resources: { limits: { memory: "24Gi" } } } }))).toEqual([]);
  });

  it("rejects unknown GPU types, listing the allowed ones", () => {
    const [p] = problems(prod({ cluster: { gpuNodes: { instanceType: "p9.huge" } } }));
    expect(p).toContain('mcp-superserver:cluster.gpuNodes.instanceType: "p9.huge" is not allowed; use one of');
    expect(p).toContain('"g5.4xlarge"');
  });

  it("requires a kubeconfig and an OIDC provider in existing mode, without echoing secrets", () => {
    expect(problems(prod({ cluster: { mode: "existing" } }))).toEqual([
      'mcp-superserver:cluster.kubeconfig: (not set) is required when cluster.mode is "existing"; set it with `pulumi config set --secret --path`',
      expect.stringMatching(/^mcp-superserver:cluster\.oidcProviderArn: .*the backup job's IAM role \(IRSA\) trusts that provider$/),
    ]);
    const [p] = problems(prod({ cluster: { kubeconfig: "apiVersion: v1 token: hunter2" } }));
    expect(p).toMatch(/^mcp-superserver:cluster\.kubeconfig: \(secret value\) is only used when cluster\.mode is "existing"/);
    expect(p).not.toContain("hunter2");
  });

  it("keeps node group sizes ordered and the hub's replicas inside its autoscaling range", () => {
    expect(problems(prod({ cluster: { gpuNodes: { minSize: 3, desiredSize: 2, maxSize: 4 } } }))).toEqual([
      "mcp-superserver:cluster.gpuNodes.minSize: 3 is more than cluster.gpuNodes.desiredSize (2); use min <= desired <= max",
    ]);
    expect(problems(prod({ hub: { replicas: 2 } }))[0]).toMatch(/^mcp-superserver:hub\.replicas: 2 is outside hub\.autoscaling \(3\.\.10\)/);
  });

  it("asks for at least two nginx replicas and Neo4j requests equal to limits", () => {
    expect(problems({ target: "kubernetes", alertmanager: { pagingDisabled: true }, cluster: { endpointAccess: "private" } })[0]).toMatch(/^mcp-superserver:loadBalancer\.replicas: 1 \(the default\) is too few on Kubernetes/);
    expect(problems(prod({ neo4j: { resources: { requests: { memory: "4Gi" } } } }))).toEqual([
      expect.stringMatching(/^mcp-superserver:neo4j\.resources\.requests\.memory: "4Gi" differs from neo4j\.resources\.limits\.memory \(8Gi\)/),
    ]);
  });

  it("needs a VPC id with subnet ids, and two private subnets with a VPC id", () => {
    expect(problems(prod({ cluster: { vpc: { privateSubnetIds: ["subnet-0a", "subnet-0b"] } } }))[0]).toMatch(/^mcp-superserver:cluster\.vpc\.id: \(not set\)/);
    expect(problems(prod({ cluster: { vpc: { id: "vpc-0abc", privateSubnetIds: ["subnet-0a"] } } }))[0]).toMatch(/^mcp-superserver:cluster\.vpc\.privateSubnetIds: .*at least two private subnets/);
  });
});

describe("paging on the Kubernetes target", () => {
  const bare = { target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, cluster: { endpointAccess: "private" } };
  it("refuses a stack that pages nobody unless the config says so", () => {
    expect(problems(bare)).toEqual([
      "mcp-superserver:alertmanager.receivers.paging.url: (not set) is required on the Kubernetes target: without it every critical alert is dropped. " +
        "Set it with `pulumi config set --secret --path`, or set mcp-superserver:alertmanager.pagingDisabled to true to deploy knowing that nobody is paged",
    ]);
    expect(problems({ ...bare, alertmanager: { pagingDisabled: true } })).toEqual([]);
    expect(problems({ ...bare, alertmanager: { receivers: { paging: { url: "https://pager.example.com/hook" } } } })).toEqual([]);
  });

  it("refuses a paging URL next to pagingDisabled, and leaves Docker alone", () => {
    expect(problems({ ...bare, alertmanager: { pagingDisabled: true, receivers: { paging: { url: "https://pager.example.com/hook" } } } })).toEqual([
      "mcp-superserver:alertmanager.pagingDisabled: true contradicts alertmanager.receivers.paging.url, which is set; remove one of them",
    ]);
    expect(problems({})).toEqual([]);
  });
});

describe("access to the cluster's API", () => {
  const base = { target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true } };
  it("has no open default: a public endpoint needs its networks, a private one none", () => {
    expect(problems(base)).toEqual([
      'mcp-superserver:cluster.apiAllowedCidrs: (not set) is required with a public API endpoint: list the networks Pulumi, CI and operators reach the API from (e.g. ["203.0.113.0/24"]), or set cluster.endpointAccess to "private"',
    ]);
    expect(problems({ ...base, cluster: { endpointAccess: "private" } })).toEqual([]);
    expect(problems({ ...base, cluster: { endpointAccess: "private", apiAllowedCidrs: ["10.0.0.0/8"] } })).toEqual([
      'mcp-superserver:cluster.apiAllowedCidrs: ["10.0.0.0/8"] has no effect with cluster.endpointAccess "private"; remove it',
    ]);
  });

  it("takes access entries by ARN or by role name, one of the two", () => {
    const entries = (accessEntries: unknown[]) => problems({ ...base, cluster: { endpointAccess: "private", accessEntries } });
    expect(entries([{ role: "ci-preview", access: "view" }, { principalArn: "arn:aws:iam::123456789012:role/ops", access: "cluster-admin" }])).toEqual([]);
    expect(entries([{ access: "view" }])).toEqual(['mcp-superserver:cluster.accessEntries[0]: {"access":"view"} needs exactly one of principalArn or role']);
    expect(entries([{ role: "x", access: "root" }])[0]).toMatch(/^mcp-superserver:cluster\.accessEntries\[0\]\.access: "root" is not allowed; use one of "view", "edit", "admin", "cluster-admin"$/);
  });
});

describe("kubeconfig of a created cluster", () => {
  it("authenticates as the AWS provider does: its role in the token command, its profile in the environment", () => {
    const user = (auth: Parameters<typeof eksKubeconfig>[4]) => JSON.parse(eksKubeconfig("c", "https://e", "Q0E=", "us-east-1", auth)).users[0].user.exec;
    expect(user({})).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "c", "--region", "us-east-1", "--output", "json"],
    });
    const both = user({ profile: "prod-admin", roleArn: "arn:aws:iam::123456789012:role/deploy" });
    expect(both.args).toEqual(["eks", "get-token", "--cluster-name", "c", "--region", "us-east-1", "--role-arn", "arn:aws:iam::123456789012:role/deploy", "--output", "json"]);
    expect(both.env).toEqual([{ name: "AWS_PROFILE", value: "prod-admin" }]);
  });
});

describe("availability zones and GPU placement", () => {
  it("skips the AZ IDs EKS refuses and takes the first three of the rest", () => {
    const names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];
    expect(usableAzs(names, ["use1-az1", "use1-az3", "use1-az2", "use1-az4"])).toEqual(["us-east-1a", "us-east-1c", "us-east-1d"]);
    expect(() => usableAzs(names.slice(0, 3), ["use1-az1", "use1-az3", "use1-az2"])).toThrow(
      "the region has 2 available AZs EKS supports (us-east-1a, us-east-1c); this VPC needs 3. Set mcp-superserver:cluster.availabilityZones or use an existing VPC (cluster.vpc.id)",
    );
  });

  it("checks every fallback GPU type against Ollama's limit like the first", () => {
    expect(problems(prod({ cluster: { gpuNodes: { fallbackInstanceTypes: ["g6.4xlarge", "g6e.2xlarge"] } } }))).toEqual([]);
    const [p] = problems(prod({ cluster: { gpuNodes: { fallbackInstanceTypes: ["g6.4xlarge", "g6.2xlarge"] } } }));
    expect(p).toMatch(/^mcp-superserver:cluster\.gpuNodes\.fallbackInstanceTypes\[1\]: "g6\.2xlarge" has 32Gi, of which .* is left for pods after node overhead; ollama\.resources\.limits\.memory \(32Gi\) does not fit/);
  });
});

const versioned = (version?: string) => ({ target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true }, cluster: { apiAllowedCidrs: ["203.0.113.0/24"], ...(version ? { version } : {}) } });
const DEC_1_2026 = new Date("2026-12-01T12:00:00Z");

describe("EKS version lifecycle (EKS release calendar)", () => {
  it("defaults to 1.35, the newest version in standard support on 2026-12-01", () => {
    expect(DEFAULT_EKS_VERSION).toBe("1.35");
    expect(parseStackConfig(versioned(), DEC_1_2026).cluster.version).toBe("1.35");
    expect(supportStatus("1.35", DEC_1_2026).status).toBe("standard");
    expect(upgradeSupportType("1.35", DEC_1_2026)).toBe("STANDARD");
  });

  it("refuses 1.31, which left extended support on 2026-11-26", () => {
    expect(problems(versioned("1.31"), DEC_1_2026)).toEqual([
      'mcp-superserver:cluster.version: "1.31" left EKS extended support on 2026-11-26; EKS refuses to create a cluster on it. Use a version still supported, e.g. 1.35',
    ]);
    // The day before, it was still in extended support: accepted with a warning.
    expect(problems(versioned("1.31"), new Date("2026-11-25T23:59:00Z"))).toEqual([]);
  });

  it("warns from the first day of extended support, and keeps EXTENDED then (EKS cannot leave it)", () => {
    expect(versionWarning("1.34", DEC_1_2026)).toBeUndefined();
    const dec2 = new Date("2026-12-02T00:00:00Z");
    expect(problems(versioned("1.34"), dec2)).toEqual([]);
    expect(versionWarning("1.34", dec2)).toBe(
      'mcp-superserver:cluster.version: "1.34" left EKS standard support on 2026-12-02: the cluster is billed at extended-support prices until 2027-12-02, when EKS refuses the version. Upgrade to 1.35.',
    );
    expect(upgradeSupportType("1.34", dec2)).toBe("EXTENDED");
  });

  it("refuses a version the calendar does not list, naming the ones it does", () => {
    expect(problems(versioned("1.40"), DEC_1_2026)).toEqual([
      'mcp-superserver:cluster.version: "1.40" is not in the EKS release calendar this stack knows (1.35, 1.34, 1.33, 1.32, 1.31, 1.30, 1.29); add it to components/catalog/eksVersions.ts with its dates, or use one of those',
    ]);
  });

  it("does not judge the version of an existing cluster (the key is unused there)", () => {
    const existing = { ...versioned("1.29"), cluster: { mode: "existing", version: "1.29", kubeconfig: "apiVersion: v1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" } };
    expect(problems(existing, DEC_1_2026)).toEqual([]);
  });
});
