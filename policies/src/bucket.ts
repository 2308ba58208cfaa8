/**
 * Guardrail: the backup bucket is versioned (a bad backup cannot overwrite a good one),
 * encrypted at rest and private (blocked public access, no public ACL or policy). Buckets and
 * their settings are separate resources, joined on the bucket they name.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

export const S3 = {
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  acl: "aws:s3/bucketAcl:BucketAcl",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

interface BucketConfig {
  requireVersioning: boolean;
  requireEncryption: boolean;
  requirePublicAccessBlock: boolean;
}

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Does this settings resource belong to the bucket (by dependency, or by the id/name it names)? */
function belongsTo(setting: PolicyResource, bucket: PolicyResource): boolean {
  if ((setting.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
  const ref = setting.props.bucket;
  return ref !== undefined && (ref === bucket.props.id || ref === bucket.props.bucket);
}

function allowsEveryone(policy: unknown): boolean {
  let doc: { Statement?: unknown } | undefined;
  try {
    doc = typeof policy === "string" ? JSON.parse(policy) : (policy as typeof doc);
  } catch {
    return false;
  }
  const statements = Array.isArray(doc?.Statement) ? doc!.Statement : doc?.Statement ? [doc.Statement] : [];
  return statements.some((s: { Effect?: string; Principal?: unknown }) => {
    const p = s.Principal;
    const everyone = p === "*" || (typeof p === "object" && p !== null && [(p as { AWS?: unknown }).AWS].flat().includes("*"));
    return s.Effect === "Allow" && everyone;
  });
}

function checkBucket(b: PolicyResource, all: PolicyResource[], config: BucketConfig, report: (m: string) => void) {
  const of = (type: string) => all.filter((r) => r.type === type && belongsTo(r, b));
  const name = String(b.props.bucket ?? b.name);
  if (config.requireVersioning) {
    const enabled = of(S3.versioning).some((v) => v.props.versioningConfiguration?.status === "Enabled") || b.props.versioning?.enabled === true;
    if (!enabled) report(`bucket ${name} is not versioned; add an aws.s3.BucketVersioning with status "Enabled"`);
  }
  if (config.requireEncryption) {
    const encrypted =
      of(S3.encryption).some((e) => (e.props.rules ?? []).some((r: any) => r.applyServerSideEncryptionByDefault?.sseAlgorithm)) ||
      b.props.serverSideEncryptionConfiguration !== undefined;
    if (!encrypted) {
      report(`bucket ${name} is not encrypted at rest; add an aws.s3.BucketServerSideEncryptionConfiguration (sseAlgorithm AES256 or aws:kms)`);
    }
  }
  if (config.requirePublicAccessBlock) {
    const blocked = of(S3.publicAccessBlock).some((p) => BLOCK_FLAGS.every((f) => p.props[f] === true));
    if (!blocked) report(`bucket ${name} does not block public access; add an aws.s3.BucketPublicAccessBlock with ${BLOCK_FLAGS.join(", ")} all true`);
  }
  const acls = [b.props.acl, ...of(S3.acl).map((a) => a.props.acl)].filter((a): a is string => typeof a === "string");
  for (const acl of acls.filter((a) => PUBLIC_ACLS.includes(a))) report(`bucket ${name} has the public ACL "${acl}"; use "private"`);
  if (of(S3.policy).some((p) => allowsEveryone(p.props.policy))) {
    report(`bucket ${name} has a bucket policy that allows Principal "*"; restrict it to named principals`);
  }
}

export const backupBucketProtection: StackValidationPolicy = {
  name: "backup-bucket-protection",
  description: "The backup bucket is versioned, encrypted at rest and fully private.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireVersioning: { type: "boolean", description: "Require versioning.", default: true },
      requireEncryption: { type: "boolean", description: "Require server-side encryption.", default: true },
      requirePublicAccessBlock: { type: "boolean", description: "Require a public access block with all four flags.", default: true },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<BucketConfig>();
    const buckets = args.resources.filter((r) => r.type === S3.bucket || r.type === S3.bucketV2);
    if (buckets.length === 0) args.notApplicable("The stack has no S3 bucket");
    for (const b of buckets) checkBucket(b, args.resources, config, (m) => report(m, b.urn));
  },
};
