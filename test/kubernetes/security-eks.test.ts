/**
 * EKS security on the prod mocks: Secrets envelope-encrypted with a KMS key the stack creates
 * (rotation on, the cluster waiting for it), a key of one's own by ARN, and the CI preview role's
 * read-only policy with its denials on backup objects and the Secrets key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { previewRolePolicy } from "../../components/cluster/previewPolicy";
import { accountRootArn, secretsKeyPolicy } from "../../components/cluster/secretsKeyPolicy";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { inputsOf, runProd } from "../support/mockStack";
import { configProblems } from "../support/configProblems";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const KEY_NAME = "mcp-cluster-secrets-key";
const CLUSTER_ROLE_ARN_PREFIX = "arn:aws:iam::123456789012:role/mcp-cluster-cluster-role";

let run: MockRun;
beforeAll(async () => {
  run = await runProd();
});

const one = (r: MockRun, type: string) => {
  const found = r.resources.filter((x) => x.type === type);
  expect(found.map((x) => x.name), type).toHaveLength(1);
  return found[0];
};

describe("KMS envelope encryption of Secrets (prod, created key)", () => {
  it("encrypts the cluster's Secrets with the key the stack creates", () => {
    const key = one(run, "aws:kms/key:Key");
    const cluster = inputsOf(one(run, "aws:eks/cluster:Cluster"));
    expect(cluster.encryptionConfig).toEqual({ provider: { keyArn: key.outputs.arn }, resources: ["secrets"] });
    expect(String(key.outputs.arn)).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
  });

  it("creates a symmetric key with rotation on and a 30-day deletion window", () => {
    const key = inputsOf(one(run, "aws:kms/key:Key"));
    expect(key).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30, keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" });
  });

  it("lets the account administer the key and only the cluster role use it", () => {
    const policy = JSON.parse(inputsOf(one(run, "aws:kms/key:Key")).policy);
    expect(policy.Statement).toHaveLength(2);
    expect(policy.Statement[0]).toEqual({
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      NotAction: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: "*",
    });
    expect(policy.Statement[1]).toMatchObject({ Sid: "ClusterRoleUsesKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: "*" });
    expect(policy.Statement[1].Principal.AWS.startsWith(CLUSTER_ROLE_ARN_PREFIX)).toBe(true);
  });

  it("makes the cluster wait for the key and for its role's policy attachments", () => {
    const cluster = one(run, "aws:eks/cluster:Cluster");
    const attachment = run.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && inputsOf(r).policyArn.endsWith("/AmazonEKSClusterPolicy"))!;
    expect(cluster.options.dependsOn).toEqual(expect.arrayContaining([KEY_NAME, attachment.name]));
  });
});

describe("KMS envelope encryption of Secrets (a key of one's own)", () => {
  const OWN = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  let own: MockRun;
  beforeAll(async () => {
    own = await runProd({
      cluster: {
        mode: "create",
        version: "1.35",
        apiAllowedCidrs: ["0.0.0.0/0"],
        accessEntries: [{ role: "mcp-superserver-ci-preview", access: "view" }],
        previewRole: "mcp-superserver-ci-preview",
        secretsEncryption: { keyArn: OWN },
      },
    });
  });

  it("uses the ARN, creates no key, and gives the cluster role the key's use through IAM before the cluster", () => {
    expect(own.resources.filter((r) => r.type === "aws:kms/key:Key")).toEqual([]);
    const cluster = one(own, "aws:eks/cluster:Cluster");
    expect(inputsOf(cluster).encryptionConfig).toEqual({ provider: { keyArn: OWN }, resources: ["secrets"] });
    const use = own.resources.find((r) => r.name === "mcp-cluster-cluster-role-secrets-key")!;
    expect(JSON.parse(inputsOf(use).policy).Statement).toEqual([{ Sid: "UseSecretsKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: OWN }]);
    expect(cluster.options.dependsOn).toContain(use.name);
    // The preview role's denial follows the key in use.
    const preview = JSON.parse(inputsOf(own.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && inputsOf(r).name === "mcp-superserver-preview-read")!).policy);
    expect(preview.Statement.find((s: any) => s.Sid === "NoSecretsDecryption").Resource).toBe(OWN);
  });

  it("refuses a value that is not a KMS key ARN, naming the key", () => {
    const bad = (keyArn: string) => () => parseStackConfig({ target: "kubernetes", cluster: { apiAllowedCidrs: ["10.0.0.0/8"], secretsEncryption: { keyArn } }, alertmanager: { pagingDisabled: true } });
    expect(bad("alias/mcp-secrets")).toThrow(/cluster\.secretsEncryption\.keyArn.*is not a KMS key ARN/s);
    expect(bad("arn:aws:kms:us-east-1:123456789012:alias/mcp")).toThrow(/is not a KMS key ARN/);
    expect(bad("arn:aws:kms:us-east-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab")).toThrow(/is not a KMS key ARN/);
    expect(() => parseStackConfig({ target: "kubernetes", cluster: { apiAllowedCidrs: ["10.0.0.0/8"], secretsEncryption: { deletionWindowDays: 5 } }, alertmanager: { pagingDisabled: true } })).toThrow(
      /cluster\.secretsEncryption\.deletionWindowDays/,
    );
  });
});

describe("the CI preview role's policy", () => {
  const statements = () => {
    const rp = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && inputsOf(r).name === "mcp-superserver-preview-read");
    expect(rp).toHaveLength(1);
    expect(inputsOf(rp[0]).role).toBe("mcp-superserver-ci-preview");
    return Object.fromEntries(JSON.parse(inputsOf(rp[0]).policy).Statement.map((s: any) => [s.Sid, s]));
  };

  it("reads the cluster, network, roles, images, bucket settings and key metadata, and nothing is writable", () => {
    const s = statements();
    expect(Object.keys(s)).toEqual(["DescribeCluster", "DescribeNetwork", "ReadRoles", "DescribeImages", "ReadBackupBucketSettings", "DescribeSecretsKey", "NoBackupObjects", "NoSecretsDecryption"]);
    expect(s.DescribeCluster.Resource).toEqual([
      "arn:aws:eks:us-east-1:123456789012:cluster/mcp-superserver-prod",
      "arn:aws:eks:us-east-1:123456789012:nodegroup/mcp-superserver-prod/*",
      "arn:aws:eks:us-east-1:123456789012:addon/mcp-superserver-prod/*",
      "arn:aws:eks:us-east-1:123456789012:access-entry/mcp-superserver-prod/*",
    ]);
    expect(s.DescribeNetwork).toEqual({ Sid: "DescribeNetwork", Effect: "Allow", Action: "ec2:Describe*", Resource: "*" });
    expect(s.ReadBackupBucketSettings.Resource).toBe("arn:aws:s3:::mcp-superserver-backups-prod");
    expect(s.DescribeSecretsKey.Action).toEqual(["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]);
    const allowed = Object.values(s).filter((x: any) => x.Effect === "Allow").flatMap((x: any) => [x.Action].flat());
    // Only reads: every allowed action is a Describe, Get or List (ECR's token is a Get).
    for (const a of allowed) expect(a, a).toMatch(/^[a-z0-9]+:(Describe|Get|List)/);
    expect(allowed).not.toContain("s3:GetObject");
    expect(allowed.filter((a) => a.startsWith("kms:"))).not.toContain("kms:Decrypt");
  });

  it("denies reading backup objects and decrypting with the Secrets key, whatever else is attached", () => {
    const s = statements();
    expect(s.NoBackupObjects).toEqual({
      Sid: "NoBackupObjects",
      Effect: "Deny",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes", "s3:RestoreObject"],
      Resource: "arn:aws:s3:::mcp-superserver-backups-prod/*",
    });
    const key = run.resources.find((r) => r.type === "aws:kms/key:Key")!;
    expect(s.NoSecretsDecryption).toEqual({
      Sid: "NoSecretsDecryption",
      Effect: "Deny",
      Action: ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"],
      Resource: key.outputs.arn,
    });
  });

  it("renders the same document for another partition and account without the stack", () => {
    const doc = previewRolePolicy({ partition: "aws-us-gov", account: "210987654321", region: "us-gov-west-1", clusterName: "c", bucketArn: "arn:aws-us-gov:s3:::b", secretsKeyArn: "k" });
    expect(doc.Statement[0].Resource).toEqual([
      "arn:aws-us-gov:eks:us-gov-west-1:210987654321:cluster/c",
      "arn:aws-us-gov:eks:us-gov-west-1:210987654321:nodegroup/c/*",
      "arn:aws-us-gov:eks:us-gov-west-1:210987654321:addon/c/*",
      "arn:aws-us-gov:eks:us-gov-west-1:210987654321:access-entry/c/*",
    ]);
    expect(accountRootArn("arn:aws-us-gov:sts::210987654321:assumed-role/deploy/s")).toBe("arn:aws-us-gov:iam::210987654321:root");
    expect(secretsKeyPolicy("r", "c").Statement.map((x) => x.Sid)).toEqual(["AccountAdministersKey", "ClusterRoleUsesKey"]);
  });
});

describe("the security keys against the rest of the cluster config", () => {
  const base = { target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true } };
  const created = (cluster: Record<string, unknown>) => configProblems({ ...base, cluster: { endpointAccess: "private", ...cluster } });
  const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  it("wants the preview role to have an access entry, with view access only", () => {
    expect(created({ previewRole: "ci-preview", accessEntries: [{ role: "ci-preview", access: "view" }] })).toEqual([]);
    expect(created({ previewRole: "ci-preview" })).toEqual([
      'mcp-superserver:cluster.previewRole: "ci-preview" has no EKS access entry, so a preview cannot read the Kubernetes objects; add { role: ci-preview, access: view } to cluster.accessEntries',
    ]);
    expect(created({ previewRole: "ci-preview", accessEntries: [{ role: "ops", access: "admin" }, { role: "ci-preview", access: "edit" }] })).toEqual([
      'mcp-superserver:cluster.accessEntries[1].access: "edit" gives the preview role (cluster.previewRole) more than it reads; use "view"',
    ]);
  });

  it("refuses both keys on an existing cluster", () => {
    const existing = { mode: "existing", kubeconfig: "k", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x" };
    expect(configProblems({ ...base, cluster: { ...existing, previewRole: "ci-preview", secretsEncryption: { keyArn: KEY } } })).toEqual([
      `mcp-superserver:cluster.secretsEncryption.keyArn: "${KEY}" is only used when cluster.mode is "create" (an existing cluster keeps its own encryption and access); remove it`,
      'mcp-superserver:cluster.previewRole: "ci-preview" is only used when cluster.mode is "create" (an existing cluster keeps its own encryption and access); remove it',
    ]);
  });
});
