import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface VersionedBucketArgs {
  bucket: string;
  forceDestroy: boolean;
  /** The bucket and its settings stay in the account when the stack is destroyed. */
  retainOnDelete: boolean;
}

/** Days a deleted or overwritten backup stays recoverable as a noncurrent version. */
export const DELETED_BACKUP_GRACE_DAYS = 7;

/**
 * A versioned backup bucket (S3 in prod, MinIO in dev). Retention is not an age rule on current
 * objects: an `expiration` would delete every backup once backups stop for longer than the
 * retention. The backup job prunes by count and age (prune_backups in backupShell.ts: the newest
 * `backup.keepLast` always stay), and the lifecycle only removes what was deleted: noncurrent
 * versions after a grace, the delete markers left behind, and incomplete multipart uploads.
 * Source: S3 lifecycle configuration elements (NoncurrentVersionExpiration, ExpiredObjectDeleteMarker,
 * AbortIncompleteMultipartUpload), Amazon S3 User Guide.
 */
export function versionedBucket(name: string, args: VersionedBucketArgs, opts: pulumi.CustomResourceOptions) {
  const keep = { ...opts, retainOnDelete: args.retainOnDelete };
  const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucket, forceDestroy: args.forceDestroy }, keep);
  // Retained too: deleting a BucketVersioning suspends versioning on the bucket that stays.
  const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, keep);
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "remove-deleted-backups",
          status: "Enabled",
          filter: {},
          expiration: { expiredObjectDeleteMarker: true },
          noncurrentVersionExpiration: { noncurrentDays: DELETED_BACKUP_GRACE_DAYS },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { ...keep, dependsOn: [versioning] },
  );
  return { bucket, versioning, lifecycle };
}
