/**
 * The CI preview role's policy, as plain JSON: what `pulumi preview` of the prod stack reads in
 * the account, and explicit denials of the two things a preview must never read, the backups'
 * objects and the plaintext of the cluster's Secrets.
 *
 * What a preview reads: the program's invokes (aws.getCallerIdentity needs no permission;
 * getAvailabilityZones is ec2:DescribeAvailabilityZones; ecr.getAuthorizationToken when the hub
 * image is built), and, with `--refresh` or `pulumi refresh`, every managed resource's state:
 * describe and get calls on EKS, EC2, IAM, ECR, S3 bucket settings and the Secrets key. The
 * Kubernetes objects are diffed through the cluster's API with the EKS access entry
 * `cluster.accessEntries` gives this role (AmazonEKSViewPolicy, which leaves Secrets out; EKS User
 * Guide, "Review access policy permissions"); a server-side-apply dry run needs `patch`, so with
 * view the provider falls back to a client-side diff (pulumi/pulumi-kubernetes#2419).
 *
 * What it cannot avoid: decrypting the stack's own secrets. The engine decrypts the config and the
 * state's secrets to run the program and diff them, so the role must be able to use the Pulumi
 * secrets provider's key (kms:Decrypt, granted outside the stack: README, CI setup); Pulumi has no
 * preview that leaves secrets encrypted (pulumi/pulumi#12289, open; #11024).
 */
import type { PolicyDocument } from "./irsa";

export interface PreviewPolicyTargets {
  partition: string;
  account: string;
  region: string;
  clusterName: string;
  bucketArn: string;
  /** The KMS key of the cluster's Secrets. */
  secretsKeyArn: string;
}

/** Decryption, and everything that would hand out a data key or plaintext under another key. */
export const KEY_PLAINTEXT_ACTIONS = ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"];

/** Object reads (current and past versions, and their ACLs and attributes, which name the content). */
export const BACKUP_OBJECT_READS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes", "s3:RestoreObject"];

export function previewRolePolicy(t: PreviewPolicyTargets): PolicyDocument {
  const eks = `arn:${t.partition}:eks:${t.region}:${t.account}`;
  const iam = `arn:${t.partition}:iam::${t.account}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DescribeCluster",
        Effect: "Allow",
        Action: ["eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup", "eks:ListAddons", "eks:DescribeAddon", "eks:ListAccessEntries", "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"],
        Resource: [`${eks}:cluster/${t.clusterName}`, `${eks}:nodegroup/${t.clusterName}/*`, `${eks}:addon/${t.clusterName}/*`, `${eks}:access-entry/${t.clusterName}/*`],
      },
      // EC2's Describe calls take no resource-level permissions (Service Authorization Reference, Amazon EC2).
      { Sid: "DescribeNetwork", Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
      {
        Sid: "ReadRoles",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetOpenIDConnectProvider"],
        Resource: [`${iam}:role/*`, `${iam}:oidc-provider/*`],
      },
      // The token is no more than the role's own ECR permissions, which are these describes.
      { Sid: "DescribeImages", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListTagsForResource"], Resource: "*" },
      {
        Sid: "ReadBackupBucketSettings",
        Effect: "Allow",
        Action: ["s3:GetBucket*", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration"],
        Resource: t.bucketArn,
      },
      { Sid: "DescribeSecretsKey", Effect: "Allow", Action: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], Resource: t.secretsKeyArn },
      // Denials win over any Allow, including a managed policy such as ReadOnlyAccess (which has s3:Get*) attached later.
      { Sid: "NoBackupObjects", Effect: "Deny", Action: BACKUP_OBJECT_READS, Resource: `${t.bucketArn}/*` },
      { Sid: "NoSecretsDecryption", Effect: "Deny", Action: KEY_PLAINTEXT_ACTIONS, Resource: t.secretsKeyArn },
    ],
  };
}
