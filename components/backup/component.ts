/**
 * The backup: one component over either target. The target says what the backup is made of
 * (MinIO and a scheduler container on Docker; S3, an IRSA role and CronJobs on Kubernetes) and
 * under which type token, kept per target so existing stacks keep their resources' URNs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RestoreTarget } from "./restoreTarget";

export interface BackupParts {
  bucketName: pulumi.Output<string>;
  /** What `npm run restore` (scripts/restore.ts) talks to. */
  restoreTarget: pulumi.Output<RestoreTarget>;
  /** Further outputs of the component (the IRSA role on Kubernetes). */
  outputs?: Record<string, pulumi.Output<string>>;
}

export interface BackupTarget {
  readonly backupType: string;
  /** Declares the backup's resources under `parent`, after `dependsOn` (Neo4j, the platform). */
  createBackup(name: string, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[]): BackupParts;
}

export class Backup extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly restoreTarget: pulumi.Output<RestoreTarget>;

  constructor(name: string, args: { target: BackupTarget; dependsOn: pulumi.Input<pulumi.Resource>[] }, opts?: pulumi.ComponentResourceOptions) {
    super(args.target.backupType, name, {}, opts);
    const parts = args.target.createBackup(name, this, args.dependsOn);
    this.bucketName = parts.bucketName;
    this.restoreTarget = parts.restoreTarget;
    this.registerOutputs({ bucketName: this.bucketName, ...parts.outputs });
  }
}
