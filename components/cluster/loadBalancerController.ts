/**
 * The AWS Load Balancer Controller (LBC), which turns the nginx Service into an NLB with pod-IP
 * targets. Installed from its official Helm chart (aws/eks-charts, the chart of
 * kubernetes-sigs/aws-load-balancer-controller helm/ at tag v3.5.0) by a Helm release, because the
 * chart makes the webhook's TLS certificate: its template generates a CA and a serving
 * certificate (`genCA`) and, with `keepTLSSecret`, reuses the Secret it finds on upgrade
 * (`lookup`), which only a release installed against the live cluster can do: a tool that renders
 * the chart itself (helm.v4.Chart, ArgoCD) makes a new secret on every run, which no longer matches
 * the certificate the running pods loaded (installation.md, "ArgoCD users"). cert-manager, the
 * chart's other option, would be one more controller to run for a CA valid ten years.
 * Pure: values and the IAM policy.
 */
import iamPolicy from "./data/aws-load-balancer-controller-iam-policy.json";
import { POOL_LABEL } from "../kubernetes/plan";
import type { PolicyDocument } from "./irsa";

export const LOAD_BALANCER_CONTROLLER = {
  name: "aws-load-balancer-controller",
  namespace: "kube-system",
  serviceAccount: "aws-load-balancer-controller",
  chart: "aws-load-balancer-controller",
  repository: "https://aws.github.io/eks-charts",
  chartVersion: "3.5.0",
  image: { repository: "public.ecr.aws/eks/aws-load-balancer-controller", tag: "v3.5.0" },
} as const;

/**
 * The controller's published IAM policy, unchanged: docs/install/iam_policy.json at the same tag
 * (components/cluster/data/README.md). It scopes its own writes by the `elbv2.k8s.aws/cluster`
 * tag the controller puts on what it creates.
 */
export const LOAD_BALANCER_CONTROLLER_POLICY = iamPolicy as PolicyDocument;

export interface ControllerContext {
  clusterName: string;
  region: string;
  vpcId: string;
  roleArn: string;
}

/**
 * Chart values. Region and VPC are given, so the controller never needs the instance metadata
 * (installation.md: IMDSv2 with a hop limit of 1 hides it from pods). The Service mutator webhook
 * is off: it only fills in `loadBalancerClass`, which the nginx Service sets itself, and with
 * `failurePolicy: Fail` it would refuse every new Service of the cluster whenever the controller
 * is down. Requests: the chart sets none, and a pod without requests is the first to be evicted.
 */
export function loadBalancerControllerValues(ctx: ControllerContext): Record<string, unknown> {
  const c = LOAD_BALANCER_CONTROLLER;
  return {
    clusterName: ctx.clusterName,
    region: ctx.region,
    vpcId: ctx.vpcId,
    image: { ...c.image },
    serviceAccount: { create: true, name: c.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": ctx.roleArn } },
    enableServiceMutatorWebhook: false,
    // The pod readiness gates (loadBalancerService.ts) must never block pod creation.
    podMutatorWebhookConfig: { failurePolicy: "Ignore" },
    keepTLSSecret: true,
    replicaCount: 2,
    podDisruptionBudget: { maxUnavailable: 1 },
    nodeSelector: { [POOL_LABEL]: "system" },
    resources: { requests: { ...LOAD_BALANCER_CONTROLLER_REQUESTS }, limits: { memory: "512Mi" } },
  };
}

/** What each of its two replicas requests, counted by the system pool's capacity rule. */
export const LOAD_BALANCER_CONTROLLER_REQUESTS = { cpu: "100m", memory: "256Mi" } as const;
