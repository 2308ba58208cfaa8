import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface VersionedBucketArgs {
  bucket: string;
  retentionDays: number;
  forceDestroy: boolean;
}

/**
 * A versioned bucket whose objects, and their noncurrent versions, expire after the retention
 * period: the backup bucket on both targets (S3 in prod, MinIO in dev).
 */
export function versionedBucket(name: string, args: VersionedBucketArgs, opts: pulumi.CustomResourceOptions) {
  const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucket, forceDestroy: args.forceDestroy }, opts);
  const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-old-backups",
          status: "Enabled",
          filter: {},
          expiration: { days: args.retentionDays },
          noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    { ...opts, dependsOn: [versioning] },
  );
  return { bucket, versioning, lifecycle };
}
