/**
 * Cluster-level Kubernetes objects a created cluster gets: the default gp3 StorageClass and the
 * NVIDIA device plugin, which advertises `nvidia.com/gpu` on the GPU nodes (and only there).
 */
import { DEVICE_PLUGIN_NAME } from "../contracts/clusterAddons";
import { GPU_NODE_LABEL, gpuToleration } from "../kubernetes/plan";
import { containerSecurityContext } from "../kubernetes/security";
import type { K8sObject } from "../kubernetes/types";

const labels = { "app.kubernetes.io/part-of": "mcp-superserver", "app.kubernetes.io/managed-by": "pulumi" };

export function gp3StorageClass(name: string): K8sObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, labels, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
    // The volume is made in the AZ the pod lands in, not before.
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
    // Neo4j's and Prometheus' data outlive a deleted claim; deleting a volume is a human decision.
    reclaimPolicy: "Retain",
  };
}

export function devicePluginDaemonSet(image: string): K8sObject {
  const selector = { "app.kubernetes.io/name": DEVICE_PLUGIN_NAME };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: DEVICE_PLUGIN_NAME, namespace: "kube-system", labels: { ...labels, ...selector } },
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: "RollingUpdate" },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          priorityClassName: "system-node-critical",
          automountServiceAccountToken: false,
          tolerations: [gpuToleration, { key: "CriticalAddonsOnly", operator: "Exists" }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_NODE_LABEL.key, operator: "In", values: [GPU_NODE_LABEL.value] }] }],
              },
            },
          },
          containers: [
            {
              name: "nvidia-device-plugin",
              image,
              env: [{ name: "FAIL_ON_INIT_ERROR", value: "false" }],
              resources: { limits: { cpu: "100m", memory: "128Mi" }, requests: { cpu: "10m", memory: "64Mi" } },
              // It registers with the kubelet through a root-owned socket directory on the host: it
              // runs as the image user (root) there, but with no privileges and no capabilities.
              securityContext: containerSecurityContext(true),
              volumeMounts: [{ name: "device-plugin", mountPath: "/var/lib/kubelet/device-plugins" }],
            },
          ],
          volumes: [{ name: "device-plugin", hostPath: { path: "/var/lib/kubelet/device-plugins", type: "Directory" } }],
        },
      },
    },
  };
}

/** The AWS credentials the kubeconfig's token command uses: the AWS provider's own profile and role. */
export interface KubeconfigAuth {
  profile?: string;
  roleArn?: string;
}

/**
 * A kubeconfig for an EKS cluster that gets its token from the AWS CLI, as `aws eks
 * update-kubeconfig` writes it: `--role-arn` in the token command and the profile as AWS_PROFILE
 * in its environment (update-kubeconfig's `--role-arn` and `--profile`; pulumi-eks's kubeconfig
 * does the same), so kubectl and the Kubernetes provider authenticate as the AWS provider does.
 */
export function eksKubeconfig(clusterName: string, endpoint: string, caData: string, region: string, auth: KubeconfigAuth = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, ...(auth.roleArn ? ["--role-arn", auth.roleArn] : []), "--output", "json"],
            ...(auth.profile ? { env: [{ name: "AWS_PROFILE", value: auth.profile }] } : {}),
          },
        },
      },
    ],
  });
}
