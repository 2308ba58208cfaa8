/**
 * The key policy of the KMS key that envelope-encrypts the cluster's Kubernetes Secrets, and the
 * cluster role's use of it, as plain JSON.
 *
 * EKS requires a symmetric key in the cluster's Region that can encrypt and decrypt (EKS User
 * Guide, "Encrypt Kubernetes secrets with KMS on existing clusters"); the API server's KMS plugin
 * calls it as the cluster role. pulumi-eks only takes a key ARN (nodejs/eks/cluster/cluster.ts,
 * `encryptionConfigKeyArn`, `resources: ["secrets"]`) and leaves the key to the user; we create
 * one, as terraform-aws-eks does by default (key created, rotation on, the cluster role allowed
 * to use it). Unlike the KMS default key policy (KMS Developer Guide, "Default key policy": the
 * account root gets `kms:*`, so any IAM policy may grant decryption), the account administers the
 * key but only the cluster role may use it: no IAM policy in the account (a CI role's
 * ReadOnlyAccess or worse) can grant decryption of the Secrets without changing this policy first.
 */
import type { PolicyDocument } from "./irsa";

/** What the API server does with the key: wrap and unwrap Secrets' data keys, and check the key. */
export const CLUSTER_KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"] as const;

/** Cryptographic operations: nobody but the cluster role, whatever IAM policies say. */
export const KEY_CRYPTO_OPERATIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"] as const;

export function secretsKeyPolicy(accountRootArn: string, clusterRoleArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      // Administration stays with the account (and so with IAM), so the key can never be locked
      // out (KMS refuses a policy that would, unless told to bypass its lockout check).
      { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: accountRootArn }, NotAction: [...KEY_CRYPTO_OPERATIONS], Resource: "*" },
      { Sid: "ClusterRoleUsesKey", Effect: "Allow", Principal: { AWS: clusterRoleArn }, Action: [...CLUSTER_KEY_USE], Resource: "*" },
    ],
  };
}

/** The cluster role's IAM side, for a key of the user's own whose policy delegates to IAM. */
export function clusterKeyUsePolicy(keyArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: "UseSecretsKey", Effect: "Allow", Action: [...CLUSTER_KEY_USE], Resource: keyArn }] };
}

/** `arn:<partition>:iam::<account>:root` from any ARN of the account (the caller's). */
export function accountRootArn(callerArn: string): string {
  const [, partition, , , account] = callerArn.split(":");
  return `arn:${partition}:iam::${account}:root`;
}
