import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { versionedBucket } from "./bucket";
import type { DockerPlatform } from "../docker/platform";
import { OBJECT_STORE_REGION, OBJECT_STORE_USER } from "../workloads/backup";
import type { Workload } from "../workloads/types";

export interface BackupBucketArgs {
  platform: DockerPlatform;
  bucket: string;
  objectStore: Workload;
  /** The nightly job that writes into the bucket. */
  job: Workload;
  /** The Docker API proxy the job drives Docker through. */
  dockerApi: Workload;
  /** S3 endpoint as seen from where Pulumi runs (the published MinIO port). */
  endpoint: string;
  objectStorePassword: pulumi.Output<string>;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The backup bucket and the nightly job that fills it. On Docker the bucket lives in MinIO and
 * is managed with the same AWS provider resources as S3 in production, pointed at MinIO.
 */
export class BackupBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:backup:BackupBucket", name, {}, opts);
    const store = args.platform.deploy(`${name}-store`, args.objectStore, { parent: this, waitHealthy: true });
    const provider = new aws.Provider(
      `${name}-s3`,
      {
        region: OBJECT_STORE_REGION,
        accessKey: OBJECT_STORE_USER,
        secretKey: pulumi.secret(args.objectStorePassword),
        endpoints: [{ s3: args.endpoint }],
        s3UsePathStyle: true,
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipRegionValidation: true,
      },
      { parent: this, dependsOn: store.containers },
    );
    // The backups outlive `npm run down`: it runs `pulumi destroy --exclude-protected`, which keeps
    // protected resources and everything they depend on (MinIO, its volume, the network;
    // pulumi/pulumi#8359). Only `npm run down -- --purge` deletes them, with the MinIO volume.
    const { bucket } = versionedBucket(
      name,
      { bucket: args.bucket, forceDestroy: false, retainOnDelete: false },
      { parent: this, provider, protect: true },
    );
    const dockerApi = args.platform.deploy(`${name}-docker-api`, args.dockerApi, { parent: this, dependsOn: args.dependsOn });
    args.platform.deploy(`${name}-job`, args.job, { parent: this, dependsOn: [bucket, ...dockerApi.resources, ...(args.dependsOn ?? [])] });
    this.bucketName = bucket.bucket;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
