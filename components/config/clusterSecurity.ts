/**
 * Config of the cluster's security settings (create mode): the KMS key that envelope-encrypts
 * Kubernetes Secrets, and the CI preview role whose read-only policy the stack keeps.
 */
import { z } from "zod";

/** A KMS key ARN: a key id is a UUID, or `mrk-` and 32 hex digits for a multi-Region key (KMS Developer Guide, "Key identifiers"). */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const secretsEncryptionSchema = z
  .strictObject({
    keyArn: z
      .string()
      .regex(KMS_KEY_ARN, "is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key id> (an alias ARN is not accepted: EKS stores the key it was given)")
      .describe(
        "Create mode: a symmetric KMS key of your own, in the cluster's Region, to envelope-encrypt Kubernetes Secrets; its key policy must let IAM policies grant its use. Unset: the stack creates one with yearly rotation.",
      )
      .optional(),
    deletionWindowDays: z
      .number()
      .int()
      .min(7)
      .max(30)
      .describe("Create mode, the stack's key: days KMS waits before deleting it once scheduled (7 to 30); a deleted key leaves every Secret unreadable.")
      .default(30),
  })
  .prefault({})
  .describe("Create mode: KMS envelope encryption of Kubernetes Secrets (always on; cannot be turned off on a cluster once enabled).");

export const previewRoleSchema = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, "is not an IAM role name; use e.g. mcp-superserver-ci-preview")
  .describe(
    "Create mode: the IAM role (by name, in the stack's account) the preview workflows assume; the stack keeps its read-only policy (docs/prod.md, preview role). Unset: the stack leaves the role alone.",
  )
  .optional();
