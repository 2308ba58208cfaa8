import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { allowed, type PodRef } from "../support/networkPolicy";
import { byName, inputsOf, k8sObjects, ofType, podLabels, runProd } from "../support/mockStack";

let run: MockRun;
let withoutGpus: MockRun;
const NS = "mcp";

beforeAll(async () => {
  run = await runProd();
  withoutGpus = await runProd({ ollama: { gpu: { enabled: false } } });
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
    expect(gpu.instanceTypes).toEqual(["g5.4xlarge", "g6.4xlarge", "g6e.2xlarge"]);
    // Pinned to one AZ (the first private subnet), where Ollama's zonal volume is then made.
    expect(gpu.subnetIds).toHaveLength(1);
    const privateSubnets = run.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && inputsOf(r).tags["kubernetes.io/role/internal-elb"]);
    const firstPrivate = privateSubnets.find((r) => inputsOf(r).availabilityZone === "us-east-1a")!;
    expect(gpu.subnetIds[0]).toBe(firstPrivate.id);
    expect(gpu.labels["nvidia.com/gpu.present"]).toBe("true");
    expect(gpu.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    expect(gpu.scalingConfig).toEqual({ minSize: 1, desiredSize: 1, maxSize: 2 });
    const system = groups.find((g) => g !== gpu);
    expect(system.amiType).toBe("AL2023_x86_64_STANDARD");
    expect(system.taints ?? []).toEqual([]);
  });

  it("uses the configured version, private subnets in 3 AZs, an OIDC provider and the EKS add-ons", () => {
    const [cluster] = aws("aws:eks/cluster:Cluster");
    expect(cluster.version).toBe("1.35");
    expect(cluster.upgradePolicy).toEqual({ supportType: "STANDARD" });
    const subnets = aws("aws:ec2/subnet:Subnet");
    expect(new Set(subnets.map((s) => s.availabilityZone)).size).toBe(3);
    expect(subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"])).toHaveLength(3);
    expect(aws("aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0].clientIdLists).toEqual(["sts.amazonaws.com"]);
    const addons = aws("aws:eks/addon:Addon");
    expect(addons.map((a) => a.addonName).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "snapshot-controller", "vpc-cni"]);
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

/** Every resource a resource waits for, through dependsOn, as the engine would order them. */
const dependsOnClosure = (name: string, seen = new Set<string>(), of: MockRun = run): Set<string> => {
  for (const d of of.resources.find((r) => r.name === name)?.options.dependsOn ?? []) {
    if (!seen.has(d)) {
      seen.add(d);
      dependsOnClosure(d, seen, of);
    }
  }
  return seen;
};

describe("access, API endpoint and GPU gating", () => {
  it("gives the CI preview role view access through an EKS access entry", () => {
    const [entry] = aws("aws:eks/accessEntry:AccessEntry");
    expect(entry.principalArn).toBe("arn:aws:iam::123456789012:role/mcp-superserver-ci-preview");
    const assoc = run.resources.find((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")!;
    expect(inputsOf(assoc).policyArn).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
    expect(inputsOf(assoc).accessScope).toEqual({ type: "cluster" });
    expect(assoc.options.dependsOn).toContain(run.resources.find((r) => r.type === "aws:eks/accessEntry:AccessEntry")!.name);
  });

  it("opens the public API endpoint to the configured networks only", () => {
    const [cluster] = aws("aws:eks/cluster:Cluster");
    expect(cluster.vpcConfig).toMatchObject({ endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
  });

  // Ollama runs on the GPU node group whether or not it asks for GPUs (ollama.gpu.enabled: false).
  it.each([
    ["asking for GPUs", () => run],
    ["with ollama.gpu.enabled: false", () => withoutGpus],
  ])("lets nothing but Ollama wait for the GPU node group, Ollama %s", (_, of) => {
    const r = of();
    const gpuGroup = r.resources.find((x) => x.type === "aws:eks/nodeGroup:NodeGroup" && inputsOf(x).amiType === "AL2023_x86_64_NVIDIA")!;
    const closure = (name: string) => dependsOnClosure(name, new Set(), r);
    const waiting = r.resources.filter((x) => closure(x.name).has(gpuGroup.name)).map((x) => x.name);
    expect(waiting.length).toBeGreaterThan(0);
    for (const name of waiting) expect(name).toMatch(/ollama/);
    const deployment = (name: string) => r.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment" && inputsOf(x).metadata.name === name)!;
    expect(waiting).toContain(deployment("ollama").name);
    // The hub neither waits for the GPU group nor for Ollama's rollout.
    expect(closure(deployment("mcp-hub").name).has(deployment("ollama").name)).toBe(false);
    expect(waiting).not.toContain(deployment("mcp-hub").name);
  });
});

describe("IAM create and destroy ordering", () => {
  // A resource that uses a role waits for the role's policy attachments (and is destroyed before
  // them): EKS checks the managed policies when it creates the cluster or a node group.
  const roleNameOf = (arn: unknown) => (typeof arn === "string" ? arn.split(":role/")[1] : undefined);

  it("makes every EKS resource that uses a role depend on all of that role's attachments", () => {
    const attachments = run.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    const policiesOf = (role: string) => attachments.filter((a) => inputsOf(a).role === role);
    const users = run.resources
      .filter((r) => r.type.startsWith("aws:eks/"))
      .map((r) => ({ r, role: roleNameOf(inputsOf(r).roleArn ?? inputsOf(r).nodeRoleArn ?? inputsOf(r).serviceAccountRoleArn) }))
      .filter((u) => u.role);
    expect(users.map((u) => u.r.type).sort()).toEqual([
      "aws:eks/addon:Addon",
      "aws:eks/cluster:Cluster",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:eks/nodeGroup:NodeGroup",
    ]);
    for (const { r, role } of users) {
      const needed = policiesOf(role!).map((a) => a.name);
      expect(needed.length, `${r.name} uses ${role}, which has no attachments`).toBeGreaterThan(0);
      expect([...dependsOnClosure(r.name)], r.name).toEqual(expect.arrayContaining(needed));
    }
  });

  it("attaches the managed policies EKS requires to the cluster and node roles", () => {
    const arns = (roleArn: string) =>
      aws("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.role === roleNameOf(roleArn))
        .map((a) => a.policyArn)
        .sort();
    const [cluster] = aws("aws:eks/cluster:Cluster");
    expect(arns(cluster.roleArn)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    const [group] = aws("aws:eks/nodeGroup:NodeGroup");
    expect(arns(group.nodeRoleArn)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]);
  });

  it("installs the VPC CNI add-on only after the node role carries the CNI policy", () => {
    const cni = run.resources.find((r) => r.type === "aws:eks/addon:Addon" && inputsOf(r).addonName === "vpc-cni")!;
    const cniPolicy = run.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && inputsOf(r).policyArn.endsWith("/AmazonEKS_CNI_Policy"))!;
    expect(dependsOnClosure(cni.name).has(cniPolicy.name)).toBe(true);
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
    // Ready only once the configured model is present; alive (and started) once the server answers,
    // so a long model download never restarts the pod.
    expect(spec.containers[0].readinessProbe.exec.command.join(" ")).toContain("ollama show 'llama3.2:3b'");
    for (const probe of ["startupProbe", "livenessProbe"]) expect(spec.containers[0][probe].httpGet).toEqual({ path: "/", port: 11434 });
  });

  it("keeps the Pushgateway's pushed metrics in a file on its own claim, so a restart keeps the backup's last success", () => {
    const pg = byName(k8sObjects(run, "Deployment"), "pushgateway");
    const spec = pg.spec.template.spec;
    expect(spec.containers[0].args).toEqual(["--web.listen-address=:9091", "--persistence.file=/data/pushgateway.data", "--persistence.interval=1m"]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: "pushgateway-data", mountPath: "/data" });
    expect(spec.volumes).toContainEqual({ name: "pushgateway-data", persistentVolumeClaim: { claimName: "pushgateway-data" } });
    const claim = byName(k8sObjects(run, "PersistentVolumeClaim"), "pushgateway-data");
    expect(claim.metadata.namespace).toBe(NS);
    expect(claim.spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "1Gi" } } });
    // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
    expect(pg.spec.strategy).toEqual({ type: "Recreate" });
    // The image's user (nobody, 65534) owns the volume through fsGroup.
    expect(spec.securityContext).toMatchObject({ runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, runAsNonRoot: true });
  });

  it("keeps Prometheus alive through a long WAL replay: liveness on /-/healthy, a 15-minute startup", () => {
    const prometheus = byName(k8sObjects(run, "StatefulSet"), "prometheus");
    const c = prometheus.spec.template.spec.containers[0];
    expect(c.livenessProbe.httpGet).toEqual({ path: "/-/healthy", port: 9090 });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/-/ready", port: 9090 });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(900);
    expect(prometheus.spec.template.spec.terminationGracePeriodSeconds).toBe(600);
  });

  it("lets only Ollama and node-level daemons onto the tainted GPU nodes", () => {
    const tolerateGpu = (tolerations: any[] = []) =>
      tolerations.some((t) => t.key === "nvidia.com/gpu" || (t.operator === "Exists" && !t.key));
    const onGpuNodes = podSpecs().filter((p) => tolerateGpu(p.spec.tolerations)).map((p) => p.name).sort();
    expect(onGpuNodes).toEqual(["dcgm-exporter", "node-exporter", "nvidia-device-plugin", "ollama"]);
    const gpuUsers = podSpecs().filter((p) => p.spec.containers.some((c: any) => c.resources?.limits?.["nvidia.com/gpu"])).map((p) => p.name);
    expect(gpuUsers).toEqual(["ollama"]);
  });

  it("probes the hub on its dependency-free endpoints, rolls it with maxUnavailable 0 and drains for the runbook's 30 s", () => {
    const hub = byName(k8sObjects(run, "Deployment"), "mcp-hub");
    const c = hub.spec.template.spec.containers[0];
    // src/routes/health.js: /health answers 503 while Neo4j or Ollama is down; these never do.
    expect(c.startupProbe.httpGet).toEqual({ path: "/health/ready", port: 3000 });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/health/ready", port: 3000 });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/health/live", port: 3000 });
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

  it("runs the hub from the image built and pushed to the stack's ECR repository, by digest", () => {
    const repo = ofType(run, "aws:ecr/repository:Repository");
    expect(repo.map((r) => r.inputs)).toEqual([
      {
        name: "mcp-superserver/mcp-hub-prod",
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: true,
      },
    ]);
    const lifecycle = JSON.parse(String(ofType(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy")[0].inputs.policy));
    expect(lifecycle.rules.map((r: any) => [r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
      ["untagged", "sinceImagePushed", 1],
      ["any", "imageCountMoreThan", 20],
    ]);
    const build = ofType(run, "docker-build:index:Image")[0].inputs as Record<string, any>;
    const url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mcp-superserver/mcp-hub-prod";
    expect(build).toMatchObject({
      context: { location: "https://github.com/Ruben-Alvarez-Dev/MCP-superserver.git#e9ece46e005bf0e9444ebfdc40eb56d60170b074:Docker/mcp-hub" },
      tags: [`${url}:e9ece46e005bf0e9444ebfdc40eb56d60170b074`],
      platforms: ["linux/amd64"],
      push: true,
    });
    const pod = byName(k8sObjects(run, "Deployment"), "mcp-hub").spec.template.spec;
    expect(pod.containers[0].image).toMatch(new RegExp(`^${url}@sha256:[0-9a-f]{64}$`));
    // The forwarder runs beside the hub as a native sidecar: an init container that keeps running.
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy, c.image])).toEqual([["sidecar", "Always", pod.containers[0].image]]);
    expect(pod.initContainers[0].env).toContainEqual({ name: "FORWARD_TO", value: "ollama:11434" });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    const mounts = (c: any) => c.volumeMounts.map((m: any) => m.mountPath);
    expect(mounts(pod.containers[0])).toEqual(["/tmp", "/app/logs", "/app/data"]);
    expect(mounts(pod.initContainers[0])).toEqual(["/tmp", "/app/logs", "/app/data"]);
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
    // The official chart's budgets (neo4j/helm-charts neo4j/values.yaml): 1000 x 5 s startup,
    // 20 x 5 s readiness, 40 x 5 s liveness, 3600 s termination grace.
    expect([c.startupProbe.periodSeconds, c.startupProbe.failureThreshold]).toEqual([5, 1000]);
    expect([c.readinessProbe.periodSeconds, c.readinessProbe.failureThreshold, c.readinessProbe.timeoutSeconds]).toEqual([5, 20, 10]);
    expect([c.livenessProbe.periodSeconds, c.livenessProbe.failureThreshold, c.livenessProbe.timeoutSeconds]).toEqual([5, 40, 10]);
    expect(spec.terminationGracePeriodSeconds).toBe(3600);
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
    expect(svc.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).toBe("external");
    // The Service port is nginx's own port: the VPC CNI admits a ClusterIP only on its container port.
    expect(svc.spec.ports).toEqual([{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }]);
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
  const pod = (role: string, namespace = NS): PodRef => ({ namespace, labels: podLabels(run, role) });
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
    // No age rule on current objects: the pruner keeps the newest keepLast whatever happens to the schedule.
    expect(rule.expiration).toEqual({ expiredObjectDeleteMarker: true });
    expect(rule.noncurrentVersionExpiration.noncurrentDays).toBe(7);
    expect(rule.abortIncompleteMultipartUpload.daysAfterInitiation).toBe(1);
    // `pulumi destroy` leaves the bucket and what protects it (versioning, encryption, public-access block, lifecycle).
    const s3 = run.resources.filter((r) => r.type.startsWith("aws:s3/"));
    expect(s3.filter((r) => !r.options.retainOnDelete).map((r) => r.type)).toEqual([]);
    expect(s3).toHaveLength(7);
  });

  it("lets only the backup service account assume a role limited to the backup prefix", () => {
    const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role" && r.name === "mcp-backup-role").map(inputsOf);
    const trust = JSON.parse(roles[0].assumeRolePolicy).Statement[0];
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(Object.values(trust.Condition.StringEquals)).toEqual(["system:serviceaccount:mcp:neo4j-backup", "sts.amazonaws.com"]);
    const [bucket] = aws("aws:s3/bucket:Bucket");
    const statements = JSON.parse(inputsOf(run.resources.find((r) => r.name === "mcp-backup-access")!).policy).Statement;
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      expect([s.Action].flat().every((a: string) => /^s3:(PutObject|GetObject|GetObjectAttributes|AbortMultipartUpload|ListMultipartUploadParts|DeleteObject|ListBucket)$/.test(a))).toBe(true);
      expect(s.Resource === `arn:aws:s3:::${bucket.bucket}` || s.Resource === `arn:aws:s3:::${bucket.bucket}/neo4j/*`).toBe(true);
    }
    expect(statements.find((s: any) => s.Action === "s3:ListBucket").Condition.StringLike["s3:prefix"]).toEqual(["neo4j/*"]);
    expect(statements.find((s: any) => s.Sid === "BackupObjects").Action).toEqual(expect.arrayContaining(["s3:AbortMultipartUpload", "s3:DeleteObject"]));
    expect(statements.flatMap((s: any) => [s.Action].flat())).not.toContain("s3:DeleteObjectVersion");
    const sa = byName(k8sObjects(run, "ServiceAccount"), "neo4j-backup");
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/:role\/mcp-backup-role$/);
  });

  it("runs the backup nightly at 02:00, never twice at once, never retried, with an explicit JVM heap", () => {
    const backup = byName(k8sObjects(run, "CronJob"), "neo4j-backup");
    expect(backup.spec.schedule).toBe("0 2 * * *");
    expect(backup.spec.concurrencyPolicy).toBe("Forbid");
    expect(backup.spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
    expect(backup.spec.failedJobsHistoryLimit).toBeGreaterThan(0);
    // A rerun would repeat the whole night's work (and a failed metric push used to stop Neo4j twice).
    expect(backup.spec.jobTemplate.spec.backoffLimit).toBe(0);
    // Community: the CronJob runs the driver only; the dump runs in the worker pod it creates from the ConfigMap's manifest.
    expect(backup.spec.jobTemplate.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["aws"]);
    const scripts = byName(k8sObjects(run, "ConfigMap"), "neo4j-backup-scripts").data;
    const worker = JSON.parse(scripts["worker-pod.json"]);
    expect(worker.spec.containers.find((c: any) => c.name === "neo4j").env).toContainEqual({ name: "HEAP_SIZE", value: "1g" });
    expect(worker.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "neo4j-backup-clone" } });
    expect(byName(k8sObjects(run, "CronJob"), "neo4j-restore").spec.suspend).toBe(true);
    expect(byName(k8sObjects(run, "CronJob"), "neo4j-verify").spec.schedule).toBe("0 4 * * 0");
    const role = byName(k8sObjects(run, "Role"), "neo4j-backup");
    // Only the restore's rules reach the live Neo4j; the backup may touch only its own run's objects.
    expect(role.rules.filter((r: any) => r.resources.includes("statefulsets/scale"))).toEqual([
      { apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: ["neo4j"], verbs: ["get", "patch"] },
    ]);
    expect(role.rules.flatMap((r: any) => r.resourceNames ?? []).sort()).toEqual(
      ["neo4j", "neo4j-0", "neo4j-backup-clone", "neo4j-backup-snapshot", "neo4j-backup-worker", "neo4j-maintenance"].sort(),
    );
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
