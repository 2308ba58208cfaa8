/**
 * The policy pack on the prod stack (Kubernetes on EKS) as the program synthesizes it, under
 * policies/config/prod.json: clean as declared, and each policy caught by a copy of the stack
 * with one value changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import type { PolicyReport } from "../../scripts/lib/policyHarness";
import { changed, checkPolicies, messages, prodResources, summary } from "../support/policyRuns";

/** The prod synth's resources the cases change. */
const HUB = "mcp-hub-deployment-mcp-hub";
const HUB_PDB = "mcp-hub-poddisruptionbudget-mcp-hub";
const HUB_HPA = "mcp-hub-horizontalpodautoscaler-mcp-hub";
const BACKUP = "mcp-backup-cronjob-neo4j-backup";
const ALERTMANAGER = "mcp-alertmanager-statefulset-alertmanager";
const PROMETHEUS = "mcp-prometheus-statefulset-prometheus";
const PROMETHEUS_FILES = "mcp-prometheus-configmap-prometheus-files";
const NEO4J = "mcp-neo4j-statefulset-neo4j";
const OLLAMA = "mcp-ollama-deployment-ollama";
const GPU_NODES = "mcp-cluster-gpu-nodes";
const SYSTEM_NODES = "mcp-cluster-system-nodes";

let prod: RecordedResource[];
beforeAll(async () => {
  prod = await prodResources();
});

const container = (inputs: Record<string, any>, path = ["spec", "template"]) =>
  path.reduce((o, k) => o[k], inputs).spec.containers[0];

/** The stack with one workload's first container limited to `memory`. */
const withMemoryLimit = (name: string, memory: string) => changed(prod, name, (i) => (container(i).resources.limits.memory = memory));

const setEnv = (inputs: Record<string, any>, name: string, value: string) =>
  ((container(inputs).env as { name: string; value?: string }[]).find((e) => e.name === name)!.value = value);

const STACK = "(stack)";

/** The report's violations are exactly these messages of one policy, on one resource (or the stack). */
function expectOnly(report: PolicyReport, policy: string, resource: string, level: string, expected: string[]) {
  expect(summary(report)).toEqual(expected.map(() => `${policy} ${resource} ${level}`));
  expect(messages(report, policy)).toEqual(expected);
}

const NO_POOL = "no node pool accepts this pod (node selector, affinity and tolerations); fix its placement or add a node group";

describe("policy pack on the prod stack (Kubernetes)", () => {
  it("passes clean under prod.json, every policy applicable somewhere", async () => {
    const report = await checkPolicies(prod, "prod");
    expect(report.violations).toEqual([]);
    // Stack policies report "not applicable" without a resource; none may skip the prod stack.
    expect(report.notApplicable.filter((n) => n.resource === undefined)).toEqual([]);
  });

  it("memory-within-role-bounds: hub limit 128Mi", async () => {
    const r = await checkPolicies(withMemoryLimit(HUB, "128Mi"), "prod");
    expectOnly(r, "memory-within-role-bounds", HUB, "mandatory", [
      "mcp-hub (mcp-hub-deployment-mcp-hub) (role hub): memory limit 128Mi is below the minimum 512Mi; raise mcp-superserver:hub.resources.limits.memory to at least 512Mi",
    ]);
  });

  it("memory-within-role-bounds: the OOM fix (1Gi, what prod declares) passes, 2Gi is above the hub's bound", async () => {
    const hub = prod.find((x) => x.name === HUB)!;
    expect(container(hub.inputs).resources.limits.memory).toBe("1Gi");
    const ok = await checkPolicies(withMemoryLimit(HUB, "1Gi"), "prod");
    expect(ok.violations).toEqual([]);
    const r = await checkPolicies(withMemoryLimit(HUB, "2Gi"), "prod");
    expect(summary(r)).toEqual([`memory-limit-request-ratio ${HUB} mandatory`, `memory-within-role-bounds ${HUB} mandatory`]);
    expect(messages(r, "memory-within-role-bounds")).toEqual([
      "mcp-hub (mcp-hub-deployment-mcp-hub) (role hub): memory limit 2Gi is above the maximum 1Gi; lower mcp-superserver:hub.resources.limits.memory to at most 1Gi",
    ]);
    expect(messages(r, "memory-limit-request-ratio")).toEqual([
      'container "hub" of mcp-hub (mcp-hub-deployment-mcp-hub): memory limit 2Gi is 4x its request 512Mi (max 2x); ' +
        "raise mcp-superserver:hub.resources.requests.memory to at least 1Gi or lower the limit",
    ]);
  });

  it("memory-limits-and-requests: the backup CronJob's first container without a memory request", async () => {
    const r = await checkPolicies(
      changed(prod, BACKUP, (i) => delete container(i, ["spec", "jobTemplate", "spec", "template"]).resources.requests.memory),
      "prod",
    );
    expectOnly(r, "memory-limits-and-requests", BACKUP, "mandatory", [
      'container "aws" of backup (mcp-backup-cronjob-neo4j-backup) has no memory request (resources.requests.memory); set mcp-superserver:backup.resources.requests.memory',
    ]);
  });

  it("memory-limits-and-requests: an Alertmanager memory limit that is not a quantity", async () => {
    const r = await checkPolicies(withMemoryLimit(ALERTMANAGER, "128MB"), "prod");
    expectOnly(r, "memory-limits-and-requests", ALERTMANAGER, "mandatory", [
      'container "alertmanager" of alertmanager (mcp-alertmanager-statefulset-alertmanager): resources.limits.memory "128MB" is not a memory quantity; use forms like 512Mi or 1Gi',
    ]);
  });

  it("memory-limit-request-ratio: Prometheus limit 4Gi over its 1Gi request", async () => {
    const r = await checkPolicies(withMemoryLimit(PROMETHEUS, "4Gi"), "prod");
    expectOnly(r, "memory-limit-request-ratio", PROMETHEUS, "mandatory", [
      'container "prometheus" of prometheus (mcp-prometheus-statefulset-prometheus): memory limit 4Gi is 4x its request 1Gi (max 2x); ' +
        "raise mcp-superserver:prometheus.resources.requests.memory to at least 2Gi or lower the limit",
    ]);
  });

  it("neo4j-memory-fits-limit: a heap of 8g in the 8Gi container", async () => {
    const r = await checkPolicies(
      changed(prod, NEO4J, (i) => {
        setEnv(i, "NEO4J_server_memory_heap_max__size", "8g");
        setEnv(i, "NEO4J_server_memory_heap_initial__size", "8g");
      }),
      "prod",
    );
    expectOnly(r, "neo4j-memory-fits-limit", NEO4J, "mandatory", [
      "neo4j (mcp-neo4j-statefulset-neo4j): heap max 8Gi + page cache 2Gi + headroom 1Gi = 11Gi does not fit the memory limit 8Gi; " +
        "raise mcp-superserver:neo4j.resources.limits.memory to at least 11Gi or lower neo4j.heap.max / neo4j.pageCache",
    ]);
  });

  it("neo4j-heap-fixed-size (advisory): initial heap 1g below the max 4g", async () => {
    const r = await checkPolicies(changed(prod, NEO4J, (i) => setEnv(i, "NEO4J_server_memory_heap_initial__size", "1g")), "prod");
    expectOnly(r, "neo4j-heap-fixed-size", NEO4J, "advisory", [
      "neo4j (mcp-neo4j-statefulset-neo4j): initial heap 1Gi differs from heap max 4Gi; set mcp-superserver:neo4j.heap.initial to 4Gi",
    ]);
  });

  it("ollama-gpu-placement: Ollama without a GPU, toleration or GPU pool selector", async () => {
    const r = await checkPolicies(
      changed(prod, OLLAMA, (i) => {
        const c = container(i);
        delete c.resources.limits["nvidia.com/gpu"];
        delete c.resources.requests["nvidia.com/gpu"];
        i.spec.template.spec.tolerations = [];
        i.spec.template.spec.nodeSelector = {};
      }),
      "prod",
    );
    // Off the GPU pool, Ollama lands on the system pool, whose nodes are too small for its 16Gi request.
    expect(summary(r)).toEqual([
      `node-pool-capacity ${STACK} mandatory`,
      `ollama-gpu-placement ${OLLAMA} mandatory`,
      `ollama-gpu-placement ${OLLAMA} mandatory`,
      `ollama-gpu-placement ${OLLAMA} mandatory`,
    ]);
    expect(messages(r, "ollama-gpu-placement")).toEqual([
      'ollama (mcp-ollama-deployment-ollama) requests 0 nvidia.com/gpu, needs 1; set resources.limits["nvidia.com/gpu"] (mcp-superserver:ollama.gpu)',
      "ollama (mcp-ollama-deployment-ollama) does not tolerate the GPU taint nvidia.com/gpu:NoSchedule; add a toleration for it",
      "ollama (mcp-ollama-deployment-ollama) does not select the GPU pool; add nodeSelector mcp-superserver/node-pool: gpu",
    ]);
    // m6i.xlarge: 16384Mi less the kernel's 5 % (819.2Mi), kube-reserved (255Mi + 11Mi x 58 pods) and 100Mi eviction = 14571.8Mi.
    expect(messages(r, "node-pool-capacity")).toEqual([
      'ollama (mcp-ollama-deployment-ollama): one pod requests 16Gi and 0 GPU(s), more than any node of its pools offers ("mcp-cluster-system-nodes" m6i.xlarge: 14571Mi, 0 GPU(s)); use a larger instance type',
    ]);
  });

  it("gpu-taint-only-for-gpu-workloads (advisory): the hub tolerating the GPU taint", async () => {
    const r = await checkPolicies(
      changed(prod, HUB, (i) => (i.spec.template.spec.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }])),
      "prod",
    );
    expectOnly(r, "gpu-taint-only-for-gpu-workloads", HUB, "advisory", [
      "mcp-hub (mcp-hub-deployment-mcp-hub) requests no GPU but tolerates the GPU taint nvidia.com/gpu; remove that toleration",
    ]);
  });

  it("node-pool-capacity: a GPU pool of g5.xlarge cannot hold Ollama's 16Gi request", async () => {
    // 16384Mi less the kernel's 5 %, kube-reserved (255Mi + 11Mi x 58 pods) and 100Mi eviction = 14571Mi per node. Two such
    // nodes (max 2) would hold 16Gi in total, so only the per-pod check fails.
    const r = await checkPolicies(changed(prod, GPU_NODES, (i) => (i.instanceTypes = ["g5.xlarge"])), "prod");
    expectOnly(r, "node-pool-capacity", STACK, "mandatory", [
      'ollama (mcp-ollama-deployment-ollama): one pod requests 16Gi and 1 GPU(s), more than any node of its pools offers ("mcp-cluster-gpu-nodes" g5.xlarge: 14571Mi, 1 GPU(s)); use a larger instance type',
    ]);
  });

  it("node-pool-capacity: a GPU pool that cannot grow past zero nodes", async () => {
    const r = await checkPolicies(changed(prod, GPU_NODES, (i) => (i.scalingConfig = { minSize: 0, desiredSize: 0, maxSize: 0 })), "prod");
    const change = 'raise scalingConfig.maxSize of node group "mcp-cluster-gpu-nodes" or use a larger instance type';
    expectOnly(r, "node-pool-capacity", STACK, "mandatory", [
      `node pool "mcp-cluster-gpu-nodes" (g5.4xlarge/g6.4xlarge/g6e.2xlarge, max 0): pods that must run there request 16Gi of memory, more than its 0 allocatable at max size; ${change}`,
      `node pool "mcp-cluster-gpu-nodes" (g5.4xlarge/g6.4xlarge/g6e.2xlarge, max 0): pods that must run there request 1 GPU(s), more than its 0 at max size; ${change}`,
    ]);
  });

  it("node-pool-capacity: a pod no pool accepts", async () => {
    const r = await checkPolicies(changed(prod, NEO4J, (i) => (i.spec.template.spec.nodeSelector = { "mcp-superserver/node-pool": "db" })), "prod");
    expectOnly(r, "node-pool-capacity", STACK, "mandatory", [`neo4j (mcp-neo4j-statefulset-neo4j): ${NO_POOL}`]);
  });

  it("node-pool-capacity: an instance type outside the table, then added to it", async () => {
    const unknownSystem = changed(prod, SYSTEM_NODES, (i) => (i.instanceTypes = ["x9.huge"]));
    const r = await checkPolicies(unknownSystem, "prod");
    const found = messages(r, "node-pool-capacity");
    expect(summary(r)).toEqual(found.map(() => `node-pool-capacity ${STACK} mandatory`));
    expect(found[0]).toBe(
      'node group "mcp-cluster-system-nodes": instance type x9.huge is not in the capacity table; add it to this policy\'s instanceTypes config',
    );
    // Without a known system pool, every pod kept off the GPU nodes has nowhere to go.
    const offGpu = [
      "mcp-hub (mcp-hub-deployment-mcp-hub)",
      "neo4j (mcp-neo4j-statefulset-neo4j)",
      "nginx (mcp-lb-deployment-nginx)",
      "prometheus (mcp-prometheus-statefulset-prometheus)",
      "alertmanager (mcp-alertmanager-statefulset-alertmanager)",
      "grafana (mcp-grafana-statefulset-grafana)",
      "pushgateway (mcp-pushgateway-deployment-pushgateway)",
      "blackbox-exporter (mcp-blackbox-exporter-deployment-blackbox-exporter)",
      "kube-state-metrics (mcp-kube-state-metrics-deployment-kube-state-metrics)",
      "backup (mcp-backup-cronjob-neo4j-backup)",
      "backup (mcp-backup-cronjob-neo4j-restore)",
      "backup (mcp-backup-cronjob-neo4j-verify)",
      "cluster-autoscaler (mcp-cluster-autoscaler-deployment-cluster-autoscaler)",
    ];
    expect(found.slice(1).sort()).toEqual(offGpu.map((pod) => `${pod}: ${NO_POOL}`).sort());
    const added = await checkPolicies(unknownSystem, "prod", {
      "node-pool-capacity": { instanceTypes: { "x9.huge": { memory: "64Gi", maxPods: 110 } } },
    });
    expect(added.violations).toEqual([]);
  });

  it("memory-alert-thresholds: Neo4j's critical memory alert missing from the rules ConfigMap", async () => {
    const r = await checkPolicies(
      changed(prod, PROMETHEUS_FILES, (i) => {
        const doc = parse(i.data["alert-rules.yml"]);
        for (const g of doc.groups) g.rules = g.rules.filter((x: any) => !(x.alert === "CriticalMemoryUsage" && x.labels.service === "neo4j"));
        i.data["alert-rules.yml"] = stringify(doc);
      }),
      "prod",
    );
    expectOnly(r, "memory-alert-thresholds", STACK, "mandatory", [
      'service neo4j has a memory limit but no CriticalMemoryUsage alert; add it to the alert rules with label service="neo4j"',
    ]);
  });

  it("images-pinned: the hub on :latest", async () => {
    const r = await checkPolicies(changed(prod, HUB, (i) => (container(i).image = "ghcr.io/mcp-superserver/mcp-hub:latest")), "prod");
    expectOnly(r, "images-pinned", HUB, "mandatory", [
      'mcp-hub-deployment-mcp-hub container "hub": image "ghcr.io/mcp-superserver/mcp-hub:latest" uses the moving tag "latest"; pin a version tag or digest instead',
    ]);
  });

  it("hub-high-availability: one replica, and a budget that protects nothing", async () => {
    const single = changed(
      changed(prod, HUB, (i) => (i.spec.replicas = 1)),
      HUB_HPA,
      (i) => (i.spec.minReplicas = 1),
    );
    const r = await checkPolicies(single, "prod");
    expectOnly(r, "hub-high-availability", HUB, "mandatory", [
      "mcp-hub (mcp-hub-deployment-mcp-hub) keeps 1 replica(s), fewer than 2; raise mcp-superserver:hub.replicas to at least 2",
    ]);
    const open = await checkPolicies(changed(prod, HUB_PDB, (i) => (i.spec = { maxUnavailable: "100%", selector: i.spec.selector })), "prod");
    expectOnly(open, "hub-high-availability", HUB, "mandatory", [
      "mcp-hub (mcp-hub-deployment-mcp-hub): its PodDisruptionBudget lets every replica go at once; set minAvailable to at least 1",
    ]);
  });

  it("hub-high-availability: no PodDisruptionBudget", async () => {
    const r = await checkPolicies(prod.filter((x) => x.name !== HUB_PDB), "prod");
    expectOnly(r, "hub-high-availability", HUB, "mandatory", [
      "mcp-hub (mcp-hub-deployment-mcp-hub) has no PodDisruptionBudget; add one selecting its pods with minAvailable: 1",
    ]);
  });

  it("backup-bucket-protection: public access not fully blocked, encryption removed", async () => {
    const r = await checkPolicies(
      changed(prod, "mcp-backup-public-access", (i) => (i.restrictPublicBuckets = false)).filter((x) => x.name !== "mcp-backup-encryption"),
      "prod",
    );
    expectOnly(r, "backup-bucket-protection", "mcp-backup-bucket", "mandatory", [
      "bucket mcp-superserver-backups-prod is not encrypted at rest; add an aws.s3.BucketServerSideEncryptionConfiguration (sseAlgorithm AES256 or aws:kms)",
      "bucket mcp-superserver-backups-prod does not block public access; add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true",
    ]);
  });
});
