import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { previewRolePolicy } from "./previewPolicy";

export interface PreviewRoleAccessArgs {
  /** The existing role the preview workflows assume (`cluster.previewRole`). */
  roleName: string;
  clusterName: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  secretsKeyArn: pulumi.Input<string>;
}

/**
 * The preview role's read-only policy, kept by the stack beside what it reads, so that a new
 * resource the program reads and the denials on backups and the Secrets key stay in step. The
 * role itself (its GitHub OIDC trust) and its state-backend access are created once by hand
 * (README, CI setup): the stack cannot create the role its own first preview needs.
 */
export function previewRoleAccess(name: string, args: PreviewRoleAccessArgs, opts: pulumi.CustomResourceOptions): aws.iam.RolePolicy {
  const caller = aws.getCallerIdentityOutput({}, opts);
  const region = aws.getRegionOutput({}, opts);
  const policy = pulumi.all([caller.arn, caller.accountId, region.region, args.clusterName, args.bucketName, args.secretsKeyArn]).apply(([arn, account, r, clusterName, bucket, secretsKeyArn]) => {
    const partition = arn.split(":")[1];
    return JSON.stringify(previewRolePolicy({ partition, account, region: r, clusterName, bucketArn: `arn:${partition}:s3:::${bucket}`, secretsKeyArn }));
  });
  return new aws.iam.RolePolicy(name, { role: args.roleName, name: "mcp-superserver-preview-read", policy }, opts);
}
