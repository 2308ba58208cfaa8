/**
 * The policy pack on the prod stack (Kubernetes on EKS) under policies/config/prod.json: clean
 * as declared, and each policy caught by a copy of the stack with one value changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RecordedResource } from "../scripts/lib/mockEngine";
import { changed, checkPolicies, messages, prodResources, summary } from "./support/policyRuns";

let prod: RecordedResource[];
beforeAll(async () => {
  prod = await prodResources();
});

const container = (inputs: Record<string, any>, path = ["spec", "template"]) =>
  path.reduce((o, k) => o[k], inputs).spec.containers[0];


describe("policy pack on the prod stack (Kubernetes)", () => {
  it("passes clean under prod.json, every policy applicable somewhere", async () => {
    const report = await checkPolicies(prod, "prod");
    expect(report.violations).toEqual([]);
    // Stack policies report "not applicable" without a resource; none may skip the prod stack.
    expect(report.notApplicable.filter((n) => n.resource === undefined)).toEqual([]);
  });

  it("memory-within-role-bounds: hub limit 128Mi", async () => {
    const r = await checkPolicies(changed(prod, "mcp-hub", (i) => (container(i).resources.limits.memory = "128Mi")), "prod");
    expect(summary(r)).toEqual(["memory-within-role-bounds mcp-hub mandatory"]);
    expect(messages(r, "memory-within-role-bounds")[0]).toBe(
      "mcp-hub (mcp-hub) (role hub): memory limit 128Mi is below the minimum 512Mi; raise mcp-superserver:hub.resources.limits.memory to at least 512Mi",
    );
  });

  it("memory-within-role-bounds: the OOM fix (1Gi) passes, 2Gi is above the hub's bound", async () => {
    const ok = await checkPolicies(changed(prod, "mcp-hub", (i) => (container(i).resources.limits.memory = "1Gi")), "prod");
    expect(ok.violations).toEqual([]);
    const r = await checkPolicies(changed(prod, "mcp-hub", (i) => (container(i).resources.limits.memory = "2Gi")), "prod");
    expect(summary(r)).toEqual(["memory-limit-request-ratio mcp-hub mandatory", "memory-within-role-bounds mcp-hub mandatory"]);
    expect(messages(r, "memory-within-role-bounds")[0]).toContain("lower mcp-superserver:hub.resources.limits.memory to at most 1Gi");
  });

  it("memory-limits-and-requests: the backup CronJob without a memory request", async () => {
    const r = await checkPolicies(
      changed(prod, "backup", (i) => delete container(i, ["spec", "jobTemplate", "spec", "template"]).resources.requests.memory),
      "prod",
    );
    expect(summary(r)).toEqual(["memory-limits-and-requests backup mandatory"]);
    expect(messages(r, "memory-limits-and-requests")[0]).toBe(
      'container "backup" of backup (backup) has no memory request (resources.requests.memory); set mcp-superserver:backup.resources.requests.memory',
    );
  });

  it("memory-limits-and-requests: a memory limit that is not a quantity", async () => {
    const r = await checkPolicies(changed(prod, "alertmanager", (i) => (container(i).resources.limits.memory = "128MB")), "prod");
    expect(summary(r)).toEqual(["memory-limits-and-requests alertmanager mandatory"]);
    expect(messages(r, "memory-limits-and-requests")[0]).toContain('resources.limits.memory "128MB" is not a memory quantity; use forms like 512Mi or 1Gi');
  });

  it("memory-limit-request-ratio: Prometheus limit 4Gi over a 1Gi request", async () => {
    const r = await checkPolicies(changed(prod, "prometheus", (i) => (container(i).resources.limits.memory = "4Gi")), "prod");
    expect(summary(r)).toEqual(["memory-limit-request-ratio prometheus mandatory"]);
    expect(messages(r, "memory-limit-request-ratio")[0]).toContain(
      "memory limit 4Gi is 4x its request 1Gi (max 2x); raise mcp-superserver:prometheus.resources.requests.memory to at least 2Gi",
    );
  });

  it("neo4j-memory-fits-limit: heap max 8g in an 8Gi container", async () => {
    const r = await checkPolicies(
      changed(prod, "neo4j", (i) => {
        const env = container(i).env as { name: string; value: string }[];
        env.find((e) => e.name === "NEO4J_server_memory_heap_max__size")!.value = "8g";
        env.find((e) => e.name === "NEO4J_server_memory_heap_initial__size")!.value = "8g";
      }),
      "prod",
    );
    expect(summary(r)).toEqual(["neo4j-memory-fits-limit neo4j mandatory"]);
    expect(messages(r, "neo4j-memory-fits-limit")[0]).toBe(
      "neo4j (neo4j): heap max 8Gi + page cache 2Gi + headroom 1Gi = 11Gi does not fit the memory limit 8Gi; " +
        "raise mcp-superserver:neo4j.resources.limits.memory to at least 11Gi or lower neo4j.heap.max / neo4j.pageCache",
    );
  });

  it("neo4j-heap-fixed-size (advisory): initial heap 1g below max 4g", async () => {
    const r = await checkPolicies(
      changed(prod, "neo4j", (i) => ((container(i).env as { name: string; value: string }[]).find((e) => e.name === "NEO4J_server_memory_heap_initial__size")!.value = "1g")),
      "prod",
    );
    expect(summary(r)).toEqual(["neo4j-heap-fixed-size neo4j advisory"]);
    expect(messages(r, "neo4j-heap-fixed-size")[0]).toContain("set mcp-superserver:neo4j.heap.initial to 4Gi");
  });

  it("ollama-gpu-placement: Ollama without a GPU, toleration or GPU pool selector", async () => {
    const r = await checkPolicies(
      changed(prod, "ollama", (i) => {
        const c = container(i);
        delete c.resources.limits["nvidia.com/gpu"];
        delete c.resources.requests["nvidia.com/gpu"];
        i.spec.template.spec.tolerations = [];
        i.spec.template.spec.nodeSelector = {};
      }),
      "prod",
    );
    // Off the GPU pool, Ollama lands on the system pool, whose nodes are too small for it.
    expect(summary(r)).toEqual([
      "node-pool-capacity (stack) mandatory",
      "ollama-gpu-placement ollama mandatory",
      "ollama-gpu-placement ollama mandatory",
      "ollama-gpu-placement ollama mandatory",
    ]);
    expect(messages(r, "ollama-gpu-placement")).toEqual([
      'ollama (ollama) requests 0 nvidia.com/gpu, needs 1; set resources.limits["nvidia.com/gpu"] (mcp-superserver:ollama.gpu)',
      "ollama (ollama) does not tolerate the GPU taint nvidia.com/gpu:NoSchedule; add a toleration for it",
      "ollama (ollama) does not select the GPU pool; add nodeSelector mcp-superserver/node-pool: gpu",
    ]);
  });

  it("gpu-taint-only-for-gpu-workloads (advisory): the hub tolerating the GPU taint", async () => {
    const r = await checkPolicies(
      changed(prod, "mcp-hub", (i) => (i.spec.template.spec.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }])),
      "prod",
    );
    expect(summary(r)).toEqual(["gpu-taint-only-for-gpu-workloads mcp-hub advisory"]);
    expect(messages(r, "gpu-taint-only-for-gpu-workloads")[0]).toContain("requests no GPU but tolerates the GPU taint nvidia.com/gpu; remove that toleration");
  });

  it("node-pool-capacity: a GPU pool of g4dn.xlarge cannot hold Ollama's 16Gi request", async () => {
    // 16384Mi - kube-reserved (255Mi + 11Mi x 29 pods) - 100Mi eviction = 15710Mi per node; node_exporter takes 64Mi.
    const r = await checkPolicies(changed(prod, "gpu", (i) => (i.instanceTypes = ["g4dn.xlarge"])), "prod");
    expect(summary(r)).toEqual(["node-pool-capacity (stack) mandatory", "node-pool-capacity (stack) mandatory"]);
    expect(messages(r, "node-pool-capacity")).toEqual([
      'ollama (ollama): one pod requests 16Gi and 1 GPU(s), more than any node of its pools offers ("gpu" g4dn.xlarge: 15710Mi, 1 GPU(s)); use a larger instance type',
      'node pool "gpu" (g4dn.xlarge, max 1): pods that must run there request 16Gi of memory, more than its 15646Mi allocatable at max size; ' +
        'raise scalingConfig.maxSize of node group "gpu" or use a larger instance type',
    ]);
  });

  it("node-pool-capacity: a GPU pool that cannot grow past zero nodes", async () => {
    const r = await checkPolicies(changed(prod, "gpu", (i) => (i.scalingConfig = { minSize: 0, desiredSize: 0, maxSize: 0 })), "prod");
    expect(messages(r, "node-pool-capacity")).toEqual([
      'node pool "gpu" (g5.2xlarge, max 0): pods that must run there request 16Gi of memory, more than its 0 allocatable at max size; raise scalingConfig.maxSize of node group "gpu" or use a larger instance type',
      'node pool "gpu" (g5.2xlarge, max 0): pods that must run there request 1 GPU(s), more than its 0 at max size; raise scalingConfig.maxSize of node group "gpu" or use a larger instance type',
    ]);
  });

  it("node-pool-capacity: a pod no pool accepts, and an instance type outside the table", async () => {
    const lost = await checkPolicies(changed(prod, "neo4j", (i) => (i.spec.template.spec.nodeSelector = { "mcp-superserver/node-pool": "db" })), "prod");
    expect(messages(lost, "node-pool-capacity")).toEqual([
      "neo4j (neo4j): no node pool accepts this pod (node selector, affinity and tolerations); fix its placement or add a node group",
    ]);
    const unknown = await checkPolicies(changed(prod, "system", (i) => (i.instanceTypes = ["x9.huge"])), "prod");
    expect(messages(unknown, "node-pool-capacity")[0]).toBe(
      'node group "system": instance type x9.huge is not in the capacity table; add it to this policy\'s instanceTypes config',
    );
    const added = await checkPolicies(changed(prod, "system", (i) => (i.instanceTypes = ["x9.huge"])), "prod", {
      "node-pool-capacity": { instanceTypes: { "x9.huge": { memory: "64Gi", maxPods: 110 } } },
    });
    expect(added.violations).toEqual([]);
  });

  it("memory-alert-thresholds: Neo4j's critical memory alert missing from the rules ConfigMap", async () => {
    const r = await checkPolicies(
      changed(prod, "prometheus-config", (i) => {
        const doc = parse(i.data["alert-rules.yml"]);
        for (const g of doc.groups) g.rules = g.rules.filter((x: any) => !(x.alert === "CriticalMemoryUsage" && x.labels.service === "neo4j"));
        i.data["alert-rules.yml"] = stringify(doc);
      }),
      "prod",
    );
    expect(summary(r)).toEqual(["memory-alert-thresholds (stack) mandatory"]);
    expect(messages(r, "memory-alert-thresholds")[0]).toBe(
      'service neo4j has a memory limit but no CriticalMemoryUsage alert; add it to the alert rules with label service="neo4j"',
    );
  });

  it("images-pinned: the hub on :latest", async () => {
    const r = await checkPolicies(changed(prod, "mcp-hub", (i) => (container(i).image = "ghcr.io/mcp-superserver/mcp-hub:latest")), "prod");
    expect(summary(r)).toEqual(["images-pinned mcp-hub mandatory"]);
    expect(messages(r, "images-pinned")[0]).toBe(
      'mcp-hub container "mcp-hub": image "ghcr.io/mcp-superserver/mcp-hub:latest" uses the moving tag "latest"; pin a version tag or digest instead',
    );
  });

  it("hub-high-availability: one replica, and a budget that protects nothing", async () => {
    const single = changed(
      changed(prod, "mcp-hub", (i) => (i.spec.replicas = 1)),
      "mcp-hub-hpa",
      (i) => (i.spec.minReplicas = 1),
    );
    const r = await checkPolicies(single, "prod");
    expect(summary(r)).toEqual(["hub-high-availability mcp-hub mandatory"]);
    expect(messages(r, "hub-high-availability")[0]).toBe(
      "mcp-hub (mcp-hub) keeps 1 replica(s), fewer than 2; raise mcp-superserver:hub.replicas to at least 2",
    );
    const open = await checkPolicies(changed(prod, "mcp-hub-pdb", (i) => (i.spec = { maxUnavailable: "100%", selector: i.spec.selector })), "prod");
    expect(messages(open, "hub-high-availability")).toEqual([
      "mcp-hub (mcp-hub): its PodDisruptionBudget lets every replica go at once; set minAvailable to at least 1",
    ]);
  });

  it("hub-high-availability: no PodDisruptionBudget", async () => {
    const r = await checkPolicies(prod.filter((x) => x.name !== "mcp-hub-pdb"), "prod");
    expect(messages(r, "hub-high-availability")).toEqual([
      "mcp-hub (mcp-hub) has no PodDisruptionBudget; add one selecting its pods with minAvailable: 1",
    ]);
  });

  it("backup-bucket-protection: public access not fully blocked, encryption removed", async () => {
    const r = await checkPolicies(
      changed(prod, "backup-public-access", (i) => (i.restrictPublicBuckets = false)).filter((x) => x.name !== "backup-encryption"),
      "prod",
    );
    expect(summary(r)).toEqual(["backup-bucket-protection backup-bucket mandatory", "backup-bucket-protection backup-bucket mandatory"]);
    expect(messages(r, "backup-bucket-protection")).toEqual([
      "bucket mcp-superserver-backups-prod is not encrypted at rest; add an aws.s3.BucketServerSideEncryptionConfiguration (sseAlgorithm AES256 or aws:kms)",
      "bucket mcp-superserver-backups-prod does not block public access; add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true",
    ]);
  });
});
