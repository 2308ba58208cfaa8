import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { versionedBucket } from "./bucket";
import { backupAccessPolicy, irsaTrustPolicy, tlsOnlyBucketPolicy } from "../cluster/irsa";
import type { KubernetesPlatform } from "../kubernetes/platform";
import type { K8sObject } from "../kubernetes/types";

export interface S3BackupArgs {
  bucket: string;
  prefix: string;
  namespace: string;
  /** The backup job's service account (IRSA maps it to the bucket role) and its objects. */
  serviceAccount: K8sObject;
  objects: K8sObject[];
  platform: KubernetesPlatform;
  oidcProviderArn: pulumi.Input<string>;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The Kubernetes backup component's type token (Backup, component.ts). */
export const S3_BACKUP_TYPE = "mcp-superserver:backup:S3Backup";

/**
 * The prod backup, under the backup component `owner`: a private, encrypted, versioned S3 bucket
 * that only accepts TLS, an IAM role the backup job assumes through IRSA with access to the
 * backup prefix only, and the Kubernetes CronJobs that back up and restore Neo4j.
 */
export function s3Backup(name: string, owner: pulumi.Resource, args: S3BackupArgs): { bucketName: pulumi.Output<string>; roleArn: pulumi.Output<string> } {
  const parent = { parent: owner };
  // Backups are the last copy of the graph: `pulumi destroy` leaves the bucket, its versions and
  // its protections in the account (retainOnDelete) instead of failing on a non-empty bucket.
  const retained = { ...parent, retainOnDelete: true };
  const { bucket } = versionedBucket(name, { bucket: args.bucket, forceDestroy: false, retainOnDelete: true }, parent);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
    retained,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    retained,
  );
  new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, retained);
  new aws.s3.BucketPolicy(
    `${name}-tls-only`,
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
    { ...retained, dependsOn: [publicAccess] },
  );
  const saName = args.serviceAccount.metadata.name;
  const role = new aws.iam.Role(
    `${name}-role`,
    { assumeRolePolicy: pulumi.output(args.oidcProviderArn).apply((arn) => JSON.stringify(irsaTrustPolicy(arn, args.namespace, saName))) },
    parent,
  );
  new aws.iam.RolePolicy(
    `${name}-access`,
    { role: role.id, policy: bucket.arn.apply((arn) => JSON.stringify(backupAccessPolicy(arn, args.prefix))) },
    parent,
  );
  const sa = args.serviceAccount;
  const k8sOpts = { parent: owner, dependsOn: args.dependsOn };
  const [serviceAccount] = args.platform.apply(
    name,
    // The role ARN is an Output in place of a string: the provider resolves it before applying.
    [{ ...sa, metadata: { ...sa.metadata, annotations: { "eks.amazonaws.com/role-arn": role.arn as unknown as string } } }],
    k8sOpts,
  );
  args.platform.apply(name, args.objects, { parent: owner, dependsOn: [...(args.dependsOn ?? []), serviceAccount, bucket] });
  return { bucketName: bucket.bucket, roleArn: role.arn };
}
