import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { versionedBucket } from "./bucket";
import type { DockerPlatform } from "../docker/platform";
import { OBJECT_STORE_REGION, OBJECT_STORE_USER } from "../workloads/backup";
import type { Workload } from "../workloads/types";

export interface DockerBackupArgs {
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

/** The Docker backup component's type token (Backup, component.ts). */
export const DOCKER_BACKUP_TYPE = "mcp-superserver:backup:BackupBucket";

/**
 * The backup bucket and the nightly job that fills it, under the backup component `parent`. On
 * Docker the bucket lives in MinIO and is managed with the same AWS provider resources as S3 in
 * production, pointed at MinIO.
 */
export function dockerBackup(name: string, parent: pulumi.Resource, args: DockerBackupArgs): { bucketName: pulumi.Output<string> } {
  const store = args.platform.deploy(`${name}-store`, { workload: args.objectStore }, { parent, waitHealthy: true });
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
    { parent, dependsOn: store.containers },
  );
  // The backups outlive `npm run down`: it runs `pulumi destroy --exclude-protected`, which keeps
  // protected resources and everything they depend on (MinIO, its volume, the network;
  // pulumi/pulumi#8359). Only `npm run down -- --purge` deletes them, with the MinIO volume.
  const { bucket } = versionedBucket(
    name,
    { bucket: args.bucket, forceDestroy: false, retainOnDelete: false },
    { parent, provider, protect: true },
  );
  const dockerApi = args.platform.deploy(`${name}-docker-api`, { workload: args.dockerApi }, { parent, dependsOn: args.dependsOn });
  args.platform.deploy(`${name}-job`, { workload: args.job }, { parent, dependsOn: [bucket, ...dockerApi.resources, ...(args.dependsOn ?? [])] });
  return { bucketName: bucket.bucket };
}
