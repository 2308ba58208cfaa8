/**
 * The policy pack on the dev stack's synth (Docker), under policies/config/dev.json: clean as
 * the program declares it, and each policy caught by the synth with one value changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ALERT_RULES_PATH } from "../../components/contracts/monitoringPaths";
import { isSecretMarker, type RecordedResource } from "../../scripts/lib/mockEngine";
import { changed, checkPolicies, devResources, messages, summary } from "../support/policyRuns";

let dev: RecordedResource[];
beforeAll(async () => {
  dev = await devResources();
});

/** Neo4j's env holds its password, so it arrives as one secret: edit inside the secret. */
const setEnv = (i: Record<string, any>, key: string, value: string) => {
  const secret = isSecretMarker(i.envs);
  const envs = ((secret ? i.envs.value : i.envs) as string[]).map((e) => (e.startsWith(`${key}=`) ? `${key}=${value}` : e));
  if (secret) i.envs.value = envs;
  else i.envs = envs;
};

describe("policy pack on the dev stack (Docker)", () => {
  it("passes clean under dev.json; only the EKS capacity and Kubernetes namespace policies do not apply", async () => {
    const report = await checkPolicies(dev, "dev");
    expect(report.violations).toEqual([]);
    expect(report.notApplicable.filter((n) => n.resource === undefined)).toEqual([
      { policy: "node-pool-capacity", resource: undefined, reason: "The stack has no EKS node groups" },
      { policy: "namespace-default-deny", resource: undefined, reason: "The stack creates no Kubernetes namespace" },
    ]);
  });

  it("under prod.json the MinIO bucket lacks what S3 needs, and the laptop sizes are below the runbook's", async () => {
    const report = await checkPolicies(dev, "prod");
    expect(summary(report)).toEqual([
      "backup-bucket-protection mcp-backup-bucket mandatory",
      "backup-bucket-protection mcp-backup-bucket mandatory",
      "memory-within-role-bounds mcp-neo4j-container mandatory",
      "memory-within-role-bounds mcp-ollama-container mandatory",
      "ollama-gpu-placement mcp-ollama-container mandatory",
    ]);
  });

  it("memory-within-role-bounds: hub container memory 128 MiB", async () => {
    const r = await checkPolicies(changed(dev, "mcp-hub-2", (i) => Object.assign(i, { memory: 128, memoryReservation: 64, memorySwap: 128 })), "dev");
    expect(summary(r)).toEqual(["memory-within-role-bounds mcp-hub-2 advisory"]);
    expect(messages(r, "memory-within-role-bounds")[0]).toBe(
      "mcp-hub (mcp-hub-2) (role hub): memory limit 128Mi is below the minimum 512Mi; raise mcp-superserver:hub.resources.limits.memory to at least 512Mi",
    );
  });

  it("memory-within-role-bounds: Ollama at 2Gi, under the dev stack's 4Gi (a 1B model and its context)", async () => {
    const r = await checkPolicies(changed(dev, "mcp-ollama-container", (i) => Object.assign(i, { memory: 2048, memoryReservation: 1024 })), "dev");
    expect(messages(r, "memory-within-role-bounds")).toEqual([
      "ollama (mcp-ollama-container) (role ollama): memory limit 2Gi is below the minimum 4Gi; raise mcp-superserver:ollama.resources.limits.memory to at least 4Gi",
    ]);
  });

  it("memory-limits-and-requests: Neo4j without a memory reservation", async () => {
    const r = await checkPolicies(changed(dev, "mcp-neo4j-container", (i) => delete i.memoryReservation), "dev");
    expect(summary(r)).toEqual(["memory-limits-and-requests mcp-neo4j-container advisory"]);
    expect(messages(r, "memory-limits-and-requests")[0]).toBe(
      'container "mcp-neo4j" of neo4j (mcp-neo4j-container) has no memory reservation (memoryReservation); set mcp-superserver:neo4j.resources.requests.memory',
    );
  });

  it("memory-limit-request-ratio: nginx reserving 32 MiB under a 128 MiB limit", async () => {
    const r = await checkPolicies(changed(dev, "mcp-lb-container", (i) => (i.memoryReservation = 32)), "dev");
    expect(summary(r)).toEqual(["memory-limit-request-ratio mcp-lb-container advisory"]);
    expect(messages(r, "memory-limit-request-ratio")[0]).toContain(
      "memory limit 128Mi is 4x its request 32Mi (max 2x); raise mcp-superserver:loadBalancer.resources.requests.memory to at least 64Mi",
    );
  });

  it("neo4j-memory-fits-limit: heap max 2g + page cache 512m + 1Gi headroom over the dev stack's 3 GiB limit", async () => {
    const r = await checkPolicies(
      changed(dev, "mcp-neo4j-container", (i) => {
        setEnv(i, "NEO4J_server_memory_heap_max__size", "2g");
        setEnv(i, "NEO4J_server_memory_heap_initial__size", "2g");
      }),
      "dev",
    );
    expect(summary(r)).toEqual(["neo4j-memory-fits-limit mcp-neo4j-container advisory"]);
    expect(messages(r, "neo4j-memory-fits-limit")[0]).toContain("= 3584Mi does not fit the memory limit 3Gi; raise mcp-superserver:neo4j.resources.limits.memory to at least 3584Mi");
  });

  it("neo4j-heap-fixed-size: an initial heap of 512m under the dev stack's 1G max", async () => {
    const r = await checkPolicies(changed(dev, "mcp-neo4j-container", (i) => setEnv(i, "NEO4J_server_memory_heap_initial__size", "512m")), "dev");
    expect(messages(r, "neo4j-heap-fixed-size")).toEqual([
      "neo4j (mcp-neo4j-container): initial heap 512Mi differs from heap max 1Gi; set mcp-superserver:neo4j.heap.initial to 1Gi",
    ]);
  });

  it("ollama-gpu-placement: the dev stack's Ollama on the CPU, under prod.json (dev.json disables the policy)", async () => {
    const r = await checkPolicies(dev, "prod");
    expect(summary(r).filter((s) => s.startsWith("ollama-gpu-placement"))).toEqual(["ollama-gpu-placement mcp-ollama-container mandatory"]);
    expect(messages(r, "ollama-gpu-placement")[0]).toBe(
      "ollama (mcp-ollama-container) gets 0 GPU(s), needs 1; set mcp-superserver:ollama.gpu.enabled to true (Docker: gpus)",
    );
  });

  it("memory-alert-thresholds: HighMemoryUsage at 80% and no alerts for Ollama", async () => {
    const r = await checkPolicies(
      changed(dev, "mcp-prometheus-container", (i) => {
        const upload = (i.uploads as { file: string; content: string }[]).find((u) => u.file === ALERT_RULES_PATH)!;
        const doc = parse(upload.content);
        for (const g of doc.groups) {
          g.rules = g.rules.filter((x: any) => x.labels?.service !== "ollama");
          for (const x of g.rules) if (x.alert === "HighMemoryUsage") x.expr = x.expr.replace(/> 0\.9$/, "> 0.8");
        }
        upload.content = stringify(doc);
      }),
      "dev",
    );
    const found = messages(r, "memory-alert-thresholds");
    expect(found).toContain('service ollama has a memory limit but no HighMemoryUsage alert; add it to the alert rules with label service="ollama"');
    expect(found).toContain('service ollama has a memory limit but no CriticalMemoryUsage alert; add it to the alert rules with label service="ollama"');
    expect(found).toContain("service neo4j: HighMemoryUsage fires at 80%, not 90%; set mcp-superserver:prometheus.alerts.memoryWarningPercent to 90");
    // 14 services (Grafana, the nginx exporter and the backup's Docker API proxy included), each with a warning at 80%, but Ollama with no alert at all.
    expect(found).toHaveLength(2 + 13);
  });

  it("memory-alert-thresholds: no rules file deployed", async () => {
    const r = await checkPolicies(changed(dev, "mcp-prometheus-container", (i) => (i.uploads = [])), "dev");
    expect(messages(r, "memory-alert-thresholds")).toEqual([
      "no alert rules file /etc/prometheus/rules/alert-rules.yml is deployed; render the memory alerts (prometheus.alerts) into it",
    ]);
  });

  it("images-pinned: nginx pulled without a tag, and on :latest", async () => {
    const untagged = await checkPolicies(changed(dev, "mcp-lb-image", (i) => (i.name = "nginx")), "dev");
    expect(messages(untagged, "images-pinned")).toEqual([
      'mcp-lb-image name: image "nginx" has no tag; pin a version tag or digest (e.g. nginx:1.2.3)',
    ]);
    const latest = await checkPolicies(changed(dev, "mcp-lb-image", (i) => (i.name = "docker.io/library/nginx:latest")), "dev");
    expect(summary(latest)).toEqual(["images-pinned mcp-lb-image advisory"]);
  });

  it("hub-high-availability: a single hub container", async () => {
    const r = await checkPolicies(dev.filter((x) => x.name !== "mcp-hub-2" && x.name !== "mcp-hub-3"), "dev");
    expect(messages(r, "hub-high-availability")).toEqual([
      "the hub runs 1 container(s), fewer than 2; raise mcp-superserver:hub.replicas to at least 2",
    ]);
  });

  it("backup-bucket-protection: versioning suspended, and a public-read ACL", async () => {
    const r = await checkPolicies(
      changed(changed(dev, "mcp-backup-versioning", (i) => (i.versioningConfiguration.status = "Suspended")), "mcp-backup-bucket", (i) => (i.acl = "public-read")),
      "dev",
    );
    expect(messages(r, "backup-bucket-protection")).toEqual([
      'bucket mcp-superserver-backups-dev is not versioned; add an aws.s3.BucketVersioning with status "Enabled"',
      'bucket mcp-superserver-backups-dev has the public ACL "public-read"; use "private"',
    ]);
  });
});
