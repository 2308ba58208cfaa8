/** The Kubernetes adapter's pure builders, without Pulumi: each built object also validates against the schema. */
import { describe, expect, it } from "vitest";
import { eksKubeconfig } from "../../components/cluster/clusterObjects";
import { irsaTrustPolicy, issuerFromProviderArn } from "../../components/cluster/irsa";
import { subnetPlan } from "../../components/cluster/network";
import { parseStackConfig } from "../../components/config/parse";
import { networkPolicies } from "../../components/kubernetes/networkPolicy";
import { workloadObjects } from "../../components/kubernetes/objects";
import type { WorkloadPlan } from "../../components/kubernetes/plan";
import { configDigest, probes } from "../../components/kubernetes/pod";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import { neo4jWorkload } from "../../components/workloads/neo4j";
import { ollamaWorkload } from "../../components/workloads/ollama";
import { prometheusWorkload } from "../../components/workloads/monitoring";
import { allowed } from "../support/networkPolicy";
import { validateObject } from "../support/kubernetesSchema";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const cfg = parseStackConfig({ target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true }, cluster: { apiAllowedCidrs: ["203.0.113.0/24"] } });
const plan = (extra: Partial<WorkloadPlan>): WorkloadPlan => ({ namespace: "ns", kind: "Deployment", storageClass: "gp3", ...extra });

describe("workload objects", () => {
  it("turns a health check into startup, readiness and liveness probes that cover the start period", () => {
    const p = probes({ probe: { tcp: { port: 7687 } }, command: [], intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 90 }) as any;
    expect(p.startupProbe).toEqual({ tcpSocket: { port: 7687 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 14 });
    expect(p.readinessProbe.failureThreshold).toBe(5);
    expect(p.livenessProbe.tcpSocket).toEqual({ port: 7687 });
  });

  it("gives a Deployment standalone claims and a StatefulSet claim templates, never both", () => {
    const ollama = workloadObjects(ollamaWorkload(cfg), plan({ kind: "Deployment", strategy: "recreate" }));
    expect(ollama.objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.metadata.name)).toEqual(["ollama-models"]);
    const neo4j = workloadObjects(neo4jWorkload(cfg), plan({ kind: "StatefulSet" }));
    expect(neo4j.objects.some((o) => o.kind === "PersistentVolumeClaim")).toBe(false);
    const sts = neo4j.objects.find((o) => o.kind === "StatefulSet") as any;
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(["neo4j-data"]);
    expect(sts.spec.template.spec.volumes.some((v: any) => v.persistentVolumeClaim)).toBe(false);
    for (const o of [...ollama.objects, ...neo4j.objects]) validateObject(o);
    // The password reaches Neo4j as a file of a Secret the platform fills, never as a value or an env variable.
    expect(neo4j.secrets).toEqual([expect.objectContaining({ entries: { "neo4j-auth": { secret: "neo4j-password", prefix: "neo4j/" } } })]);
    const main = sts.spec.template.spec.containers[0];
    expect(main.env).toContainEqual({ name: "NEO4J_AUTH_FILE", value: "/run/secrets/neo4j-auth" });
    expect(main.env.filter((e: any) => e.valueFrom)).toEqual([]);
    expect(main.volumeMounts).toContainEqual({ name: "secret-files", mountPath: "/run/secrets/neo4j-auth", subPath: "neo4j-auth", readOnly: true });
  });

  it("changes the pod template digest when a mounted file changes, so the pods roll", () => {
    const files = {
      prometheus: { externalLabels: {}, alertmanagers: ["a:9093"], jobs: [{ job: "x", targets: ["x:1"] }], probes: [] },
      rules: { hubJob: "h", hubHealthProbeJob: "hh", neo4jProbeJob: "n", ollamaProbeJob: "o", containers: [], containerLabel: "pod", diskSelector: 'fstype!="tmpfs"' },
    };
    const a = prometheusWorkload(cfg, files);
    const b = prometheusWorkload(cfg, { ...files, prometheus: { ...files.prometheus, jobs: [{ job: "x", targets: ["y:1"] }] } });
    expect(configDigest(a)).not.toBe(configDigest(b));
    expect(configDigest(a)).toBe(configDigest(prometheusWorkload(cfg, files)));
  });

  it("describes a whole prod stack whose objects all validate", () => {
    const k = describeKubernetesStack(cfg, "prod");
    const all = [
      ...k.namespaces,
      ...k.shared,
      ...k.nodeShared,
      ...k.backup,
      k.backupServiceAccount,
      ...[k.services.hub, k.services.neo4j, k.services.ollama, k.services.loadBalancer, k.services.prometheus, k.services.alertmanager, k.services.blackbox, k.services.pushgateway, k.services.kubeStateMetrics, k.services.nodeExporter, k.services.gpuExporter].flatMap((p) => workloadObjects(p.workload, p.plan).objects),
    ];
    for (const o of all) validateObject(o);
    expect(all.length).toBeGreaterThan(40);
  });
});

describe("network policies from flows", () => {
  it("allow a listed flow in both directions' policies and nothing unlisted", () => {
    const workload = (role: "hub" | "neo4j") => ({ workload: { name: `${role}-name`, role } });
    const policies = networkPolicies("ns", {}, [{ from: workload("hub"), to: workload("neo4j"), port: 7687, reason: "test" }]);
    const pod = (role: string) => ({
      namespace: "ns",
      labels: { "app.kubernetes.io/component": role, "app.kubernetes.io/name": `${role}-name`, "app.kubernetes.io/part-of": "mcp-superserver" },
    });
    expect(allowed(policies, pod("hub"), pod("neo4j"), 7687)).toBe(true);
    expect(allowed(policies, pod("hub"), pod("neo4j"), 7474)).toBe(false);
    expect(allowed(policies, pod("neo4j"), pod("hub"), 7687)).toBe(false);
    expect(allowed(policies, pod("ollama"), pod("neo4j"), 7687)).toBe(false);
    for (const p of policies) validateObject(p);
  });
});

describe("cluster helpers", () => {
  it("lays out six distinct /20 subnets inside the VPC, a public and a private one per AZ", () => {
    const plan = subnetPlan("10.40.0.0/16");
    expect(new Set(plan.map((s) => s.cidr)).size).toBe(6);
    for (const s of plan) expect(s.cidr).toMatch(/^10\.40\.\d+\.0\/20$/);
    for (const az of [0, 1, 2]) expect(plan.filter((s) => s.az === az).map((s) => s.public).sort()).toEqual([false, true]);
  });

  it("scopes an IRSA trust to one service account of one namespace", () => {
    const arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
    expect(issuerFromProviderArn(arn)).toBe("oidc.eks.us-east-1.amazonaws.com/id/ABC");
    const trust = irsaTrustPolicy(arn, "mcp", "neo4j-backup").Statement[0] as any;
    expect(trust.Condition.StringEquals).toEqual({
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:mcp:neo4j-backup",
      "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    });
    expect(() => issuerFromProviderArn("arn:aws:iam::123456789012:role/x")).toThrow();
  });

  it("writes a kubeconfig that authenticates with `aws eks get-token`", () => {
    const kc = JSON.parse(eksKubeconfig("c1", "https://example", "Q0E=", "eu-west-1"));
    expect(kc.clusters[0].cluster).toEqual({ server: "https://example", "certificate-authority-data": "Q0E=" });
    expect(kc.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"]);
  });
});
