/**
 * IAM policy documents, as plain JSON: the trust of a role assumed through the cluster's OIDC
 * provider by one service account (IRSA), the backup job's bucket access, and the bucket's
 * TLS-only policy.
 */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
}

/** The OIDC provider's host and path, as IAM condition keys name it (from the provider's ARN). */
export function issuerFromProviderArn(arn: string): string {
  const marker = ":oidc-provider/";
  const at = arn.indexOf(marker);
  if (at < 0) throw new Error(`${arn} is not an IAM OIDC provider ARN`);
  return arn.slice(at + marker.length);
}

export function irsaTrustPolicy(providerArn: string, namespace: string, serviceAccount: string): PolicyDocument {
  const issuer = issuerFromProviderArn(providerArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** Write and read backups under the prefix, list only the prefix; nothing else in the account. */
export function backupAccessPolicy(bucketArn: string, prefix: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      // Multipart uploads (the CLI's default above 8 MiB) need AbortMultipartUpload to clean up a failed one;
      // DeleteObject is the pruner's (a delete marker: the version stays until the lifecycle's grace ends).
      {
        Sid: "BackupObjects",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:GetObjectAttributes", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:DeleteObject"],
        Resource: `${bucketArn}/${prefix}*`,
      },
      { Sid: "ListBackups", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    ],
  };
}

export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export function assumeRoleByService(service: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] };
}
