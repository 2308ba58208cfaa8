import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../scripts/lib/mockEngine";
import { allowed, type PodRef } from "./helpers/networkPolicy";
import { byName, inputsOf, k8sObjects, runProd } from "./helpers/prodRun";

let run: MockRun;
const NS = "mcp";
const COMPONENT = "app.kubernetes.io/component";

beforeAll(async () => {
  run = await runProd();
});

const aws = (type: string) => run.resources.filter((r) => r.type === type).map(inputsOf);
const podSpecs = () => [
  ...k8sObjects(run, "Deployment").concat(k8sObjects(run, "StatefulSet"), k8sObjects(run, "DaemonSet")).map((o) => ({ name: o.metadata.name, ns: o.metadata.namespace, spec: o.spec.template.spec })),
  ...k8sObjects(run, "CronJob").map((o) => ({ name: o.metadata.name, ns: o.metadata.namespace, spec: o.spec.jobTemplate.spec.template.spec })),
];

describe("EKS cluster (create mode)", () => {
  it("has a GPU managed node group with the NVIDIA AMI, its label and taint", () => {
    const groups = aws("aws:eks/nodeGroup:NodeGroup");
    const gpu = groups.find((g) => g.amiType === "AL2023_x86_64_NVIDIA");
    expect(gpu.instanceTypes).toEqual(["g5.4xlarge"]);
    expect(gpu.labels["nvidia.com/gpu.present"]).toBe("true");
    expect(gpu.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    expect(gpu.scalingConfig).toEqual({ minSize: 1, desiredSize: 1, maxSize: 2 });
    const system = groups.find((g) => g !== gpu);
    expect(system.amiType).toBe("AL2023_x86_64_STANDARD");
    expect(system.taints ?? []).toEqual([]);
  });

  it("uses the configured version, private subnets in 3 AZs, an OIDC provider and the EKS add-ons", () => {
    const [cluster] = aws("aws:eks/cluster:Cluster");
    expect(cluster.version).toBe("1.31");
    const subnets = aws("aws:ec2/subnet:Subnet");
    expect(new Set(subnets.map((s) => s.availabilityZone)).size).toBe(3);
    expect(subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"])).toHaveLength(3);
    expect(aws("aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0].clientIdLists).toEqual(["sts.amazonaws.com"]);
    const addons = aws("aws:eks/addon:Addon");
    expect(addons.map((a) => a.addonName).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "vpc-cni"]);
    // Without this the VPC CNI ignores every NetworkPolicy.
    expect(JSON.parse(addons.find((a) => a.addonName === "vpc-cni").configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    expect(addons.find((a) => a.addonName === "aws-ebs-csi-driver").serviceAccountRoleArn).toMatch(/^arn:aws:iam::\d+:role\//);
  });

  it("runs the NVIDIA device plugin only on GPU nodes, tolerating their taint", () => {
    const plugin = byName(k8sObjects(run, "DaemonSet"), "nvidia-device-plugin");
    const spec = plugin.spec.template.spec;
    expect(spec.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: "nvidia.com/gpu.present", operator: "In", values: ["true"] },
    ]);
    expect(spec.containers[0].image).toMatch(/:v\d+\.\d+\.\d+$/);
  });

  it("makes gp3 the default StorageClass and every claim uses it", () => {
    const sc = byName(k8sObjects(run, "StorageClass"), "gp3");
    expect(sc.parameters.type).toBe("gp3");
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    const claims = [
      ...k8sObjects(run, "PersistentVolumeClaim").map((c) => c.spec),
      ...k8sObjects(run, "StatefulSet").flatMap((s) => s.spec.volumeClaimTemplates.map((t: any) => t.spec)),
    ];
    expect(claims.length).toBeGreaterThanOrEqual(4);
    for (const c of claims) expect(c.storageClassName).toBe("gp3");
  });

  it("gives every Kubernetes resource the cluster's provider explicitly", () => {
    const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    for (const r of k8s) expect(r.provider, `${r.type} ${r.name}`).toMatch(/pulumi:providers:kubernetes::mcp-cluster-provider::/);
  });
});

describe("workloads", () => {
  it("schedules Ollama on the GPU pool only, with the GPU limit from config and Recreate", () => {
    const ollama = byName(k8sObjects(run, "Deployment"), "ollama");
    const spec = ollama.spec.template.spec;
    expect(spec.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true", "mcp-superserver/node-pool": "gpu" });
    expect(spec.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    // The GPU node group carries exactly the labels Ollama selects.
    const gpuGroup = aws("aws:eks/nodeGroup:NodeGroup").find((g) => g.amiType === "AL2023_x86_64_NVIDIA");
    for (const [k, v] of Object.entries(spec.nodeSelector)) expect(gpuGroup.labels[k]).toBe(v);
    expect(spec.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(spec.containers[0].resources.limits.memory).toBe("32Gi");
    expect(ollama.spec.strategy).toEqual({ type: "Recreate" });
    // Ready only once the configured model is present.
    expect(spec.containers[0].readinessProbe.exec.command.join(" ")).toContain("ollama show 'llama3.2:3b'");
  });

  it("lets only Ollama and node-level daemons onto the tainted GPU nodes", () => {
    const tolerateGpu = (tolerations: any[] = []) =>
      tolerations.some((t) => t.key === "nvidia.com/gpu" || (t.operator === "Exists" && !t.key));
    const onGpuNodes = podSpecs().filter((p) => tolerateGpu(p.spec.tolerations)).map((p) => p.name).sort();
    expect(onGpuNodes).toEqual(["dcgm-exporter", "node-exporter", "nvidia-device-plugin", "ollama"]);
    const gpuUsers = podSpecs().filter((p) => p.spec.containers.some((c: any) => c.resources?.limits?.["nvidia.com/gpu"])).map((p) => p.name);
    expect(gpuUsers).toEqual(["ollama"]);
  });

  it("probes the hub on /health, rolls it with maxUnavailable 0 and drains for the runbook's 30 s", () => {
    const hub = byName(k8sObjects(run, "Deployment"), "mcp-hub");
    const c = hub.spec.template.spec.containers[0];
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) expect(c[probe].httpGet).toEqual({ path: "/health", port: 3000 });
    expect(hub.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const preStop = c.lifecycle.preStop.sleep.seconds;
    expect(preStop).toBeGreaterThan(0);
    expect(hub.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + 30);
    const spread = hub.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((t: any) => t.topologyKey)).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    // The tainted GPU nodes must not count as empty hosts, or the surge pod never schedules.
    expect(spread.map((t: any) => t.nodeTaintsPolicy)).toEqual(["Honor", "Honor"]);
    expect(c.env).toContainEqual({ name: "NEO4J_URI", value: "bolt://neo4j:7687" });
    expect(c.env).toContainEqual({ name: "NEO4J_PASSWORD", valueFrom: { secretKeyRef: { name: "mcp-hub-env", key: "NEO4J_PASSWORD" } } });
    expect(byName(k8sObjects(run, "Secret"), "mcp-hub-env").stringData.NEO4J_PASSWORD).toEqual(run.generatedSecrets[0]);
  });

  it("autoscales the hub and keeps it available through disruptions", () => {
    const hpa = byName(k8sObjects(run, "HorizontalPodAutoscaler"), "mcp-hub");
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(70);
    const pdbs = k8sObjects(run, "PodDisruptionBudget");
    expect(byName(pdbs, "mcp-hub").spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(byName(pdbs, "nginx").spec.maxUnavailable).toBe(1);
    const services = k8sObjects(run, "Service").filter((s) => s.metadata.name.startsWith("mcp-hub"));
    expect(services.map((s) => s.spec.clusterIP ?? s.spec.type).sort()).toEqual(["ClusterIP", "None"]);
  });

  it("runs Neo4j as a StatefulSet with requests = limits, TCP probes on 7687, uid 7474 and a gp3 claim", () => {
    const neo4j = byName(k8sObjects(run, "StatefulSet"), "neo4j");
    const spec = neo4j.spec.template.spec;
    const c = spec.containers[0];
    expect(c.resources.requests).toEqual({ cpu: c.resources.limits.cpu, memory: c.resources.limits.memory });
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) expect(c[probe].tcpSocket).toEqual({ port: 7687 });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(90);
    expect(spec.securityContext.runAsUser).toBe(7474);
    expect(spec.securityContext.fsGroup).toBe(7474);
    expect(neo4j.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("50Gi");
    const env = Object.fromEntries(c.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
    expect(env.NEO4J_server_memory_heap_max__size).toBe("4g");
    expect(env.NEO4J_server_memory_pagecache_size).toBe("2g");
  });

  it("runs nginx with at least 2 replicas, its config from a ConfigMap, an exporter sidecar and an NLB", () => {
    const nginx = byName(k8sObjects(run, "Deployment"), "nginx");
    expect(nginx.spec.replicas).toBeGreaterThanOrEqual(2);
    const names = nginx.spec.template.spec.containers.map((c: any) => c.name);
    expect(names).toEqual(["load-balancer", "nginx-exporter"]);
    const conf = byName(k8sObjects(run, "ConfigMap"), "nginx-files").data["nginx.conf"];
    expect(conf).toContain("least_conn;");
    expect(conf).toContain("mcp-hub-headless.mcp.svc.cluster.local:3000");
    const svc = byName(k8sObjects(run, "Service"), "nginx");
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).toBe("nlb");
    expect(svc.spec.ports).toEqual([{ name: "http", port: 3000, targetPort: "http", protocol: "TCP" }]);
  });

  it("labels the namespace for Pod Security Admission and every object with app.kubernetes.io labels", () => {
    const ns = byName(k8sObjects(run, "Namespace"), NS);
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const o of k8sObjects(run).filter((o) => o.metadata.namespace === NS)) {
      expect(o.metadata.labels?.["app.kubernetes.io/part-of"], `${o.kind} ${o.metadata.name}`).toBe("mcp-superserver");
    }
  });

  it("runs every pod in the namespace non-root, without privilege escalation or capabilities, under RuntimeDefault seccomp", () => {
    const pods = podSpecs().filter((p) => p.ns === NS);
    expect(pods.length).toBeGreaterThanOrEqual(9);
    for (const { name, spec } of pods) {
      expect(spec.securityContext.runAsNonRoot, name).toBe(true);
      expect(spec.securityContext.seccompProfile, name).toEqual({ type: "RuntimeDefault" });
      for (const c of spec.containers) {
        expect(c.securityContext.allowPrivilegeEscalation, `${name}/${c.name}`).toBe(false);
        expect(c.securityContext.capabilities, `${name}/${c.name}`).toEqual({ drop: ["ALL"] });
      }
      // Only Prometheus (discovery), kube-state-metrics (watching pods) and the backup (scaling Neo4j) talk to the Kubernetes API.
      const needsApi = name === "prometheus" || name === "kube-state-metrics" || name.startsWith("neo4j-");
      expect(spec.automountServiceAccountToken, name).toBe(needsApi);
    }
    const readOnly = pods.flatMap((p) => p.spec.containers.filter((c: any) => c.securityContext.readOnlyRootFilesystem).map((c: any) => `${p.name}/${c.name}`));
    expect(readOnly).toEqual(expect.arrayContaining(["mcp-hub/hub", "nginx/load-balancer", "prometheus/prometheus", "ollama/ollama"]));
  });
});

describe("network policies", () => {
  const pod = (role: string, namespace = NS): PodRef => ({ namespace, labels: { [COMPONENT]: role } });
  const roles = ["hub", "neo4j", "ollama", "load-balancer", "prometheus", "alertmanager", "blackbox-exporter", "pushgateway", "kube-state-metrics", "backup"];
  const ports = [3000, 7687, 7474, 11434, 8080, 8081, 9113, 9090, 9093, 9115, 9091, 6362];

  it("deny everything by default and allow exactly the listed connections inside the namespace", () => {
    const policies = k8sObjects(run, "NetworkPolicy");
    expect(byName(policies, "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const open: string[] = [];
    for (const from of roles) for (const to of roles) for (const port of ports) if (allowed(policies, pod(from), pod(to), port)) open.push(`${from}->${to}:${port}`);
    expect(open.sort()).toEqual(
      [
        "load-balancer->hub:3000",
        "hub->neo4j:7687",
        "hub->ollama:11434",
        "prometheus->hub:3000",
        "prometheus->load-balancer:9113",
        "prometheus->blackbox-exporter:9115",
        "prometheus->alertmanager:9093",
        "prometheus->pushgateway:9091",
        "blackbox-exporter->neo4j:7687",
        "blackbox-exporter->ollama:11434",
        "blackbox-exporter->load-balancer:8080",
        "prometheus->kube-state-metrics:8080",
        "backup->pushgateway:9091",
      ].sort(),
    );
  });

  it("lets Prometheus reach node_exporter in its namespace, and every pod reach cluster DNS", () => {
    const policies = k8sObjects(run, "NetworkPolicy");
    expect(allowed(policies, pod("prometheus"), pod("node-exporter", "mcp-node"), 9100)).toBe(true);
    expect(allowed(policies, pod("hub"), pod("node-exporter", "mcp-node"), 9100)).toBe(false);
    const dns: PodRef = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    for (const role of roles) expect(allowed(policies, pod(role), dns, 53), role).toBe(true);
    expect(allowed(policies, pod("hub"), dns, 5353)).toBe(false);
  });
});

describe("backups", () => {
  it("creates a private, encrypted, versioned, TLS-only bucket that expires old backups", () => {
    const [bucket] = aws("aws:s3/bucket:Bucket");
    expect(bucket.forceDestroy).toBe(false);
    expect(aws("aws:s3/bucketVersioning:BucketVersioning")[0].versioningConfiguration.status).toBe("Enabled");
    expect(aws("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("AES256");
    const block = aws("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0];
    expect([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets]).toEqual([true, true, true, true]);
    expect(aws("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].rule.objectOwnership).toBe("BucketOwnerEnforced");
    const policy = JSON.parse(aws("aws:s3/bucketPolicy:BucketPolicy")[0].policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } }, Resource: [`arn:aws:s3:::${bucket.bucket}`, `arn:aws:s3:::${bucket.bucket}/*`] }),
    );
    const rule = aws("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].rules[0];
    expect(rule.expiration.days).toBe(30);
    expect(rule.noncurrentVersionExpiration.noncurrentDays).toBe(30);
  });

  it("lets only the backup service account assume a role limited to the backup prefix", () => {
    const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role" && r.name === "mcp-backup-role").map(inputsOf);
    const trust = JSON.parse(roles[0].assumeRolePolicy).Statement[0];
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(Object.values(trust.Condition.StringEquals)).toEqual(["system:serviceaccount:mcp:neo4j-backup", "sts.amazonaws.com"]);
    const [bucket] = aws("aws:s3/bucket:Bucket");
    const statements = JSON.parse(aws("aws:iam/rolePolicy:RolePolicy")[0].policy).Statement;
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      expect([s.Action].flat().every((a: string) => /^s3:(PutObject|GetObject|GetObjectAttributes|ListBucket)$/.test(a))).toBe(true);
      expect(s.Resource === `arn:aws:s3:::${bucket.bucket}` || s.Resource === `arn:aws:s3:::${bucket.bucket}/neo4j/*`).toBe(true);
    }
    expect(statements.find((s: any) => s.Action === "s3:ListBucket").Condition.StringLike["s3:prefix"]).toEqual(["neo4j/*"]);
    const sa = byName(k8sObjects(run, "ServiceAccount"), "neo4j-backup");
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/:role\/mcp-backup-role$/);
  });

  it("runs the backup nightly at 02:00, never twice at once, with bounded retries and an explicit JVM heap", () => {
    const backup = byName(k8sObjects(run, "CronJob"), "neo4j-backup");
    expect(backup.spec.schedule).toBe("0 2 * * *");
    expect(backup.spec.concurrencyPolicy).toBe("Forbid");
    expect(backup.spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
    expect(backup.spec.failedJobsHistoryLimit).toBeGreaterThan(0);
    expect(backup.spec.jobTemplate.spec.backoffLimit).toBe(1);
    const containers = backup.spec.jobTemplate.spec.template.spec.containers;
    expect(containers.find((c: any) => c.name === "neo4j").env).toContainEqual({ name: "HEAP_SIZE", value: "1g" });
    const restore = byName(k8sObjects(run, "CronJob"), "neo4j-restore");
    expect(restore.spec.suspend).toBe(true);
    const role = byName(k8sObjects(run, "Role"), "neo4j-backup-scaler");
    expect(role.rules.flatMap((r: any) => r.resourceNames)).toEqual(["neo4j", "neo4j-0"]);
  });
});

describe("changes that a running pod would not see", () => {
  const digestOf = (r: MockRun, kind: string, name: string) =>
    byName(k8sObjects(r, kind), name).spec.template.metadata.annotations["mcp-superserver/secret-digest"];

  it("rolls Alertmanager when a receiver URL changes, and only then", async () => {
    const receivers = (url: string) => ({ alertmanager: { receivers: { paging: { url } } } });
    const [a, again, b] = [
      await runProd(receivers("https://pager.example.com/hook/A"), ["mcp-superserver:alertmanager"]),
      await runProd(receivers("https://pager.example.com/hook/A"), ["mcp-superserver:alertmanager"]),
      await runProd(receivers("https://pager.example.com/hook/B"), ["mcp-superserver:alertmanager"]),
    ];
    const digest = digestOf(a, "StatefulSet", "alertmanager");
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(again, "StatefulSet", "alertmanager")).toBe(digest);
    expect(digestOf(b, "StatefulSet", "alertmanager")).not.toBe(digest);
    const raw = a.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && (r.inputs as any).metadata?.name === "alertmanager")!;
    expect(JSON.stringify(raw.inputs)).not.toContain("hook/A");
  });

  it("gives Ollama's first rollout, which pulls models, longer than Pulumi's 10-minute default", () => {
    const deployment = (name: string) =>
      run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.inputs as any).metadata?.name === name)!;
    // A 600 s start period (model downloads) plus 20 minutes for the image pull and the rollout.
    expect(deployment("ollama").options.customTimeouts).toEqual({ create: "30m", update: "30m" });
    expect(deployment("mcp-hub").options.customTimeouts).toBeUndefined();
  });
});
