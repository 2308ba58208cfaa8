import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_AUTOSCALER_RELEASES, clusterAutoscalerImage } from "../../components/catalog/autoscalerVersions";
import { EKS_VERSIONS } from "../../components/catalog/eksVersions";
import { roomForOnePod } from "../../components/catalog/nodeCapacity";
import { packPods, type PodDemand } from "../../components/catalog/podPacking";
import { SYSTEM_INSTANCES } from "../../components/catalog/instanceTypes";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { validateObject } from "../support/kubernetesSchema";
import { byName, inputsOf, k8sObjects, runProd } from "../support/mockStack";
import { configProblems } from "../support/configProblems";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const prod = (extra: Record<string, any> = {}) => ({
  target: "kubernetes",
  loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } },
  alertmanager: { pagingDisabled: true },
  ...extra,
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"], ...extra.cluster },
});
const hub10 = { replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 10 } };
const systemNodes = (maxSize: number) => ({ minSize: 2, desiredSize: 3, maxSize });

describe("packing pods under a hard hostname spread", () => {
  const room = { millicores: 3420, memoryBytes: 13 * GiB };
  const hub = (replicas: number): PodDemand => ({ name: "hub", millicores: 1000, memoryBytes: 512 * MiB, replicas, spread: true });

  it("keeps a spread workload's per-node counts within one: 10 pods of 1 CPU need a fourth 3.42-CPU node", () => {
    // 3 nodes: 4 + 3 + 3 pods, 4 CPU on one node > 3.42. 4 nodes: 3 + 3 + 2 + 2.
    expect(packPods([hub(10)], room, 3)).toMatchObject({ fits: false, unplaced: "hub" });
    expect(packPods([hub(10)], room, 4).fits).toBe(true);
  });

  it("puts the spread's share on the node of a large pod too", () => {
    const db: PodDemand = { name: "db", millicores: 2500, memoryBytes: 10 * GiB, replicas: 1, spread: false };
    // 4 nodes: 2 hubs on every node (2 CPU) leave 1.42 CPU each, less than the 2.5 the db needs,
    // although 4 x 3.42 = 13.68 CPU exceed the 12.5 requested in all.
    expect(packPods([hub(8), db], room, 4)).toMatchObject({ fits: false, unplaced: "db", requested: { millicores: 10500 }, capacity: { millicores: 13680 } });
    // Unspread, the same pods fit: the hubs would leave the db's node alone.
    expect(packPods([{ ...hub(8), spread: false }, db], room, 4).fits).toBe(true);
    // Even on 8 nodes each holds one hub (2.42 CPU left): only a ninth node frees one of them.
    expect(packPods([hub(8), db], room, 8).fits).toBe(false);
    expect(packPods([hub(8), db], room, 9).fits).toBe(true);
  });

  it("counts memory as well as CPU", () => {
    const big: PodDemand = { name: "big", millicores: 100, memoryBytes: 7 * GiB, replicas: 2, spread: false };
    expect(packPods([big], room, 1)).toMatchObject({ fits: false, unplaced: "big" });
    expect(packPods([big], room, 2).fits).toBe(true);
  });
});

describe("the hub's autoscaling maximum fits the system node group (config rule)", () => {
  it("leaves an m6i.xlarge with 3420m CPU and 13547Mi for pods", () => {
    const room = roomForOnePod(SYSTEM_INSTANCES["m6i.xlarge"]);
    expect(room.millicores).toBe(3420);
    expect(Math.floor(room.memoryBytes / MiB)).toBe(13547);
  });

  it("refuses 10 hub pods under hard hostname spread on 3 system nodes, naming the keys and the numbers", () => {
    expect(configProblems(prod({ hub: hub10, cluster: { systemNodes: systemNodes(3) } }))).toEqual([
      "mcp-superserver:hub.autoscaling.maxReplicas: 10 does not fit on the system node group: 10 hub pods (520m CPU and 320Mi each with the sidecar, hard hostname spread) " +
        "with the rest of the system pool request 10080m CPU and 19348Mi in all; cluster.systemNodes.maxSize (3) m6i.xlarge nodes leave 3420m CPU and 13547Mi each for pods, " +
        "and no node has room left for neo4j (with the neo4j-restore pod on its node). It fits from 6 nodes: raise cluster.systemNodes.maxSize, use a larger instance type, or lower hub.autoscaling.maxReplicas",
    ]);
  });

  it("accepts the same hub on 10 system nodes, and on the prod stack's 6", () => {
    expect(configProblems(prod({ hub: hub10, cluster: { systemNodes: systemNodes(10) } }))).toEqual([]);
    expect(configProblems(prod({ hub: hub10, cluster: { systemNodes: systemNodes(6) } }))).toEqual([]);
    expect(configProblems(prod({ hub: hub10, cluster: { systemNodes: systemNodes(5) } }))[0]).toMatch(/It fits from 6 nodes/);
  });

  it("counts the nodes that exist when no autoscaler runs: desiredSize", () => {
    const [problem] = configProblems(prod({ hub: hub10, cluster: { autoscaler: { enabled: false }, systemNodes: systemNodes(10) } }));
    expect(problem).toContain("cluster.systemNodes.desiredSize (3) m6i.xlarge nodes");
    expect(problem).toContain("raise cluster.systemNodes.desiredSize");
  });

  it("refuses a restore pod that cannot run beside Neo4j on its node", () => {
    const backup = { resources: { requests: { cpu: "1", memory: "3Gi" }, limits: { cpu: "1", memory: "3Gi" } } };
    expect(configProblems(prod({ backup, cluster: { systemNodes: systemNodes(20) } }))).toEqual([
      'mcp-superserver:cluster.systemNodes.instanceTypes: ["m6i.xlarge"] (the default) leaves 3420m CPU and 13547Mi for pods on a node of its smallest type (m6i.xlarge); ' +
        "neo4j (with the neo4j-restore pod on its node) requests 4 CPU and 14Gi on one node and could never be scheduled. " +
        "Use a larger instance type or lower neo4j.resources.requests and backup.resources.requests (each of the restore pod's two containers)",
    ]);
    // The defaults leave room: Neo4j 2 CPU / 8Gi plus the restore pod's 2 x 250m / 1Gi on 3420m / 13547Mi.
    expect(configProblems(prod({ cluster: { systemNodes: systemNodes(20) } }))).toEqual([]);
  });

  it("checks against the smallest of several instance types, and refuses a type it cannot size", () => {
    // An m6i.large (2 vCPUs, 8 GiB) cannot hold Neo4j's 8Gi: the group may launch one, so it is refused.
    expect(configProblems(prod({ cluster: { systemNodes: { ...systemNodes(6), instanceTypes: ["m6i.2xlarge", "m6i.large"] } } }))[0]).toContain(
      "for pods on a node of its smallest type (m6i.large); neo4j (with the neo4j-restore pod on its node) requests 2500m CPU and 10Gi",
    );
    expect(configProblems(prod({ cluster: { systemNodes: { instanceTypes: ["x9.huge"] } } }))[0]).toMatch(
      /^mcp-superserver:cluster\.systemNodes\.instanceTypes\[0\]: "x9\.huge" is not in the capacity table \(components\/catalog\/instanceTypes\.ts, system pool: /,
    );
  });
});

describe("the cluster autoscaler's version follows the cluster's", () => {
  it("has a release for every EKS version of the calendar, of the same minor", () => {
    expect(Object.keys(CLUSTER_AUTOSCALER_RELEASES).sort()).toEqual(EKS_VERSIONS.map((v) => v.version).sort());
    for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_RELEASES)) expect(tag).toMatch(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
    expect(clusterAutoscalerImage("1.34")).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.5");
  });
});

describe("the cluster autoscaler on the prod mocks", () => {
  let run: MockRun;
  beforeAll(async () => {
    run = await runProd();
  });
  const ofType = (type: string) => run.resources.filter((r) => r.type === type);
  const named = (name: string, type: string) => run.resources.find((r) => r.name === name && r.type === type)!;

  it("runs the autoscaler of the cluster's minor (1.35) with auto-discovery of this cluster's node groups", () => {
    const d = byName(k8sObjects(run, "Deployment"), "cluster-autoscaler");
    expect(d.metadata.namespace).toBe("kube-system");
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe("registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2");
    expect(c.command).toContain("--cloud-provider=aws");
    expect(c.command).toContain("--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/mcp-superserver-prod");
    expect(c.env).toEqual([{ name: "AWS_REGION", value: "us-east-1" }]);
    expect(c.resources).toEqual({ limits: { cpu: "100m", memory: "600Mi" }, requests: { cpu: "100m", memory: "600Mi" } });
    expect(d.spec.template.spec.nodeSelector).toEqual({ "mcp-superserver/node-pool": "system" });
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  });

  it("never drains Neo4j's node to save a node, and nothing else is pinned", () => {
    const pinned = ["Deployment", "StatefulSet"].flatMap((kind) => k8sObjects(run, kind)).filter((o) => o.spec.template.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"]);
    expect(pinned.map((o) => [o.metadata.name, o.spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"]])).toEqual([["neo4j", "false"]]);
  });

  it("renders objects that validate against the Kubernetes schema", () => {
    const objects = k8sObjects(run).filter((o) => o.metadata.name === "cluster-autoscaler");
    expect(objects.map((o) => o.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "Deployment", "Role", "RoleBinding", "ServiceAccount"]);
    for (const o of objects) validateObject(o);
  });

  it("gives it an IRSA role with the README's least privilege, scaling only this cluster's node groups", () => {
    const role = named("mcp-cluster-autoscaler-role", "aws:iam/role:Role");
    const trust = JSON.parse(inputsOf(role).assumeRolePolicy).Statement[0];
    expect(trust.Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"]).toBe("system:serviceaccount:kube-system:cluster-autoscaler");
    const sa = byName(k8sObjects(run, "ServiceAccount"), "cluster-autoscaler");
    expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/mcp-cluster-autoscaler-role" });
    const policy = JSON.parse(inputsOf(named("mcp-cluster-autoscaler-role", "aws:iam/policy:Policy")).policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ScaleOwnNodeGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/mcp-superserver-prod": "owned" } },
      },
    ]);
    const attachment = named("mcp-cluster-autoscaler-role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && inputsOf(r).metadata.name === "cluster-autoscaler")!;
    expect(deployment.options.dependsOn).toContain(attachment.name);
  });

  it("tags both node groups for discovery, sizes them with room above desired, and leaves the count to the autoscaler", () => {
    const groups = ofType("aws:eks/nodeGroup:NodeGroup");
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      expect(inputsOf(g).tags).toEqual({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/mcp-superserver-prod": "owned" });
      expect(g.options.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    }
    const sizes = Object.fromEntries(groups.map((g) => [inputsOf(g).amiType, inputsOf(g).scalingConfig]));
    expect(sizes).toEqual({
      AL2023_x86_64_STANDARD: { minSize: 2, desiredSize: 3, maxSize: 6 },
      AL2023_x86_64_NVIDIA: { minSize: 1, desiredSize: 1, maxSize: 2 },
    });
  });
});
