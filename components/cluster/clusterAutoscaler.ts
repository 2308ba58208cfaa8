/**
 * The Kubernetes cluster autoscaler for the managed node groups, rendered from the upstream AWS
 * example (kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/examples/
 * cluster-autoscaler-autodiscover.yaml at cluster-autoscaler-1.35.2): the same RBAC, flags,
 * requests and security context; our labels, the system pool, the IRSA service account and
 * AWS_REGION added. Rendered here rather than from the Helm chart so that the objects are checked
 * offline against the Kubernetes schema and seen by the policy pack like every other pod. Pure.
 */
import { CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_NAMESPACE } from "../contracts/clusterAddons";
import { POOL_LABEL } from "../kubernetes/plan";
import { containerSecurityContext } from "../kubernetes/security";
import type { K8sObject } from "../kubernetes/types";
import type { PolicyDocument } from "./irsa";

/**
 * The tags the autoscaler discovers node groups by. EKS puts them on every managed node group's
 * Auto Scaling group itself, `enabled` = true and the cluster's = owned (EKS User Guide, "Simplify
 * node lifecycle with managed node groups": nodes "are automatically tagged for auto-discovery by
 * the Kubernetes Cluster Autoscaler").
 */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/**
 * Least privilege from the AWS provider's README (cloudprovider/aws/README.md, "Full Cluster
 * Autoscaler Features Policy", which auto-discovery needs): the read actions on any resource, and
 * the two scaling actions only on Auto Scaling groups tagged as this cluster's (the README's
 * advice: "using tag based conditionals" to restrict the second block).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
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
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  };
}

const labels = { "app.kubernetes.io/name": CLUSTER_AUTOSCALER, "app.kubernetes.io/part-of": "mcp-superserver", "app.kubernetes.io/managed-by": "pulumi" };
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]) => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
const subjects = [{ kind: "ServiceAccount", name: CLUSTER_AUTOSCALER, namespace: CLUSTER_AUTOSCALER_NAMESPACE }];

/** Its requests (and limits) as upstream sets them: the system pool's capacity rule counts them. */
export const CLUSTER_AUTOSCALER_RESOURCES = { cpu: "100m", memory: "600Mi" } as const;

export interface AutoscalerContext {
  clusterName: string;
  region: string;
  image: string;
}

/** The service account (the caller adds its IRSA role), RBAC and Deployment. */
export function clusterAutoscalerObjects(ctx: AutoscalerContext): K8sObject[] {
  const meta = { name: CLUSTER_AUTOSCALER, labels };
  const namespaced = { ...meta, namespace: CLUSTER_AUTOSCALER_NAMESPACE };
  const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name: CLUSTER_AUTOSCALER });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: namespaced },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta,
      rules: [
        rule([""], ["events", "endpoints"], ["create", "patch"]),
        rule([""], ["pods/eviction"], ["create"]),
        rule([""], ["pods/status"], ["update"]),
        rule([""], ["endpoints"], ["get", "update"], [CLUSTER_AUTOSCALER]),
        rule([""], ["nodes"], ["watch", "list", "get", "update"]),
        rule([""], ["namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims", "persistentvolumes"], ["watch", "list", "get"]),
        rule(["extensions"], ["replicasets", "daemonsets"], ["watch", "list", "get"]),
        rule(["policy"], ["poddisruptionbudgets"], ["watch", "list"]),
        rule(["apps"], ["statefulsets", "replicasets", "daemonsets"], ["watch", "list", "get"]),
        rule(["storage.k8s.io"], ["storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"], ["watch", "list", "get"]),
        rule(["batch", "extensions"], ["jobs"], ["get", "list", "watch", "patch"]),
        rule(["coordination.k8s.io"], ["leases"], ["create"]),
        rule(["coordination.k8s.io"], ["leases"], ["get", "update"], [CLUSTER_AUTOSCALER]),
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: namespaced,
      rules: [
        rule([""], ["configmaps"], ["create", "list", "watch"]),
        rule([""], ["configmaps"], ["delete", "get", "update", "watch"], ["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"]),
      ],
    },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: meta, roleRef: roleRef("ClusterRole"), subjects },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: namespaced, roleRef: roleRef("Role"), subjects },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: namespaced,
      spec: {
        // One replica with leader election, as upstream: two would only wait for the lease.
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": CLUSTER_AUTOSCALER } },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: "system-cluster-critical",
            serviceAccountName: CLUSTER_AUTOSCALER,
            automountServiceAccountToken: true,
            // Never on a GPU node: it would keep that expensive node from being scaled down.
            nodeSelector: { [POOL_LABEL]: "system" },
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: CLUSTER_AUTOSCALER,
                image: ctx.image,
                imagePullPolicy: "IfNotPresent",
                command: [
                  "./cluster-autoscaler",
                  "--v=4",
                  "--stderrthreshold=info",
                  "--cloud-provider=aws",
                  // Our pods use emptyDirs for scratch: without this no node of ours would ever be scaled down.
                  "--skip-nodes-with-local-storage=false",
                  "--expander=least-waste",
                  `--node-group-auto-discovery=asg:tag=${Object.keys(autoscalerDiscoveryTags(ctx.clusterName)).join(",")}`,
                ],
                env: [{ name: "AWS_REGION", value: ctx.region }],
                resources: { limits: { ...CLUSTER_AUTOSCALER_RESOURCES }, requests: { ...CLUSTER_AUTOSCALER_RESOURCES } },
                securityContext: containerSecurityContext(true),
              },
            ],
          },
        },
      },
    },
  ];
}
