import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { validateObject } from "../support/kubernetesSchema";
import { HELM_RELEASE, byName, inputsOf, k8sObjects, runProd } from "../support/mockStack";
import { ROOT } from "../support/repo";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

let run: MockRun;
let internal: MockRun;

beforeAll(async () => {
  run = await runProd();
  internal = await runProd({ loadBalancer: { replicas: 2, serviceType: "LoadBalancer", internal: true, tls: { certificateArn: TEST_CERTIFICATE_ARN } } });
});

const ofType = (r: MockRun, type: string) => r.resources.filter((x) => x.type === type);
const release = (r: MockRun) => {
  const [one, ...more] = ofType(r, HELM_RELEASE);
  expect(more).toEqual([]);
  return one;
};
const nginxService = (r: MockRun) => byName(k8sObjects(r, "Service"), "nginx");
const named = (r: MockRun, name: string, type?: string) => r.resources.find((x) => x.name === name && (!type || x.type === type))!;

/** Every resource a resource waits for through dependsOn, transitively. */
function waitsFor(r: MockRun, name: string, seen = new Set<string>()): Set<string> {
  for (const d of named(r, name).options.dependsOn) {
    if (!seen.has(d)) {
      seen.add(d);
      waitsFor(r, d, seen);
    }
  }
  return seen;
}

describe("the nginx Service as an NLB of the AWS Load Balancer Controller", () => {
  it("asks for an internet-facing NLB with pod-IP targets, client IPs preserved and cross-zone balancing", () => {
    const svc = nginxService(run);
    expect(svc.metadata.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
      "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "8080",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "mcp-superserver/client-auth": "bearer",
    });
    expect(svc.spec).toMatchObject({
      type: "LoadBalancer",
      loadBalancerClass: "service.k8s.aws/nlb",
      externalTrafficPolicy: "Cluster",
      allocateLoadBalancerNodePorts: false,
      ports: [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }],
    });
    validateObject(svc);
  });

  it("asks the controller for readiness gates on the namespace's pods, so a rollout waits for healthy NLB targets", () => {
    const ns = byName(k8sObjects(run, "Namespace"), "mcp");
    expect(ns.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBe("enabled");
    expect(byName(k8sObjects(run, "Namespace"), "mcp-node").metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBeUndefined();
  });

  it("keeps the NLB inside the VPC with loadBalancer.internal", () => {
    const annotations = nginxService(internal).metadata.annotations;
    expect(annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    // The legacy in-tree annotation is gone: the LBC documents `scheme` instead.
    expect(annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]).toBeUndefined();
    expect(nginxService(internal).spec.loadBalancerClass).toBe("service.k8s.aws/nlb");
  });

  it("creates the Service only once the controller's release is ready (and deletes it before the controller)", () => {
    const service = run.resources.find((r) => r.type === "kubernetes:core/v1:Service" && inputsOf(r).metadata.name === "nginx")!;
    expect(waitsFor(run, service.name).has(release(run).name)).toBe(true);
    // The Helm release waits for the controller's pods to be ready.
    expect(inputsOf(release(run)).skipAwait ?? false).toBe(false);
  });

  it("tags the public subnets for internet-facing and the private ones for internal load balancers", () => {
    const tags = ofType(run, "aws:ec2/subnet:Subnet").map((s) => inputsOf(s).tags);
    const publicOnes = tags.filter((t) => t.Name.includes("-public-"));
    const privateOnes = tags.filter((t) => t.Name.includes("-private-"));
    expect(publicOnes).toHaveLength(3);
    expect(privateOnes).toHaveLength(3);
    for (const t of publicOnes) expect([t["kubernetes.io/role/elb"], t["kubernetes.io/role/internal-elb"]]).toEqual(["1", undefined]);
    for (const t of privateOnes) expect([t["kubernetes.io/role/elb"], t["kubernetes.io/role/internal-elb"]]).toEqual([undefined, "1"]);
  });
});

describe("the AWS Load Balancer Controller", () => {
  it("is the official chart at a pinned version, with a pinned image, in kube-system", () => {
    const r = inputsOf(release(run));
    expect(r).toMatchObject({
      name: "aws-load-balancer-controller",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
    });
    expect(r.values.image).toEqual({ repository: "public.ecr.aws/eks/aws-load-balancer-controller", tag: "v3.5.0" });
  });

  it("knows its cluster, region and VPC without instance metadata, keeps its webhook certificate and mutates no Service", () => {
    const v = inputsOf(release(run)).values;
    const vpc = ofType(run, "aws:ec2/vpc:Vpc")[0];
    expect(v).toMatchObject({ clusterName: "mcp-superserver-prod", region: "us-east-1", vpcId: vpc.id, keepTLSSecret: true, enableServiceMutatorWebhook: false });
    expect(v.enableCertManager).toBeUndefined();
    expect(v.podMutatorWebhookConfig).toEqual({ failurePolicy: "Ignore" });
    expect(inputsOf(ofType(run, "aws:eks/cluster:Cluster")[0]).name).toBe("mcp-superserver-prod");
    expect(v.resources.requests).toEqual({ cpu: "100m", memory: "256Mi" });
    expect(v.nodeSelector).toEqual({ "mcp-superserver/node-pool": "system" });
  });

  it("runs as an IRSA role only its service account can assume, carrying the controller's published policy", () => {
    const role = named(run, "mcp-cluster-lbc-role", "aws:iam/role:Role");
    const trust = JSON.parse(inputsOf(role).assumeRolePolicy).Statement[0];
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Condition.StringEquals).toEqual({
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
    });
    const v = inputsOf(release(run)).values;
    expect(v.serviceAccount).toEqual({ create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": role.outputs.arn } });

    const policy = named(run, "mcp-cluster-lbc-role", "aws:iam/policy:Policy");
    const file = path.join(ROOT, "components/cluster/data/aws-load-balancer-controller-iam-policy.json");
    expect(JSON.parse(inputsOf(policy).policy)).toEqual(JSON.parse(readFileSync(file, "utf8")));
    const attachment = named(run, "mcp-cluster-lbc-role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(inputsOf(attachment)).toEqual({ role: role.outputs.name, policyArn: "arn:aws:iam::123456789012:policy/mcp-cluster-lbc-role" });
    // The release waits for the policy, not only for the role.
    expect(release(run).options.dependsOn).toContain(attachment.name);
  });

  it("stores the policy byte for byte as published at v3.5.0, with its source recorded", () => {
    const file = readFileSync(path.join(ROOT, "components/cluster/data/aws-load-balancer-controller-iam-policy.json"));
    expect(createHash("sha256").update(file).digest("hex")).toBe("16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a");
    const readme = readFileSync(path.join(ROOT, "components/cluster/data/README.md"), "utf8");
    expect(readme).toContain("kubernetes-sigs/aws-load-balancer-controller, `docs/install/iam_policy.json`");
    expect(readme).toContain("tag `v3.5.0` (commit 11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4)");
    expect(readme).toContain("16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a");
    // A managed policy is limited to 6,144 characters without whitespace (IAM quotas).
    expect(file.toString().replace(/\s/g, "").length).toBeLessThanOrEqual(6144);
    const doc = JSON.parse(file.toString());
    expect(doc.Statement.flatMap((s: any) => [s.Action].flat())).toContain("elasticloadbalancing:CreateLoadBalancer");
  });
});
