import type { StackConfig } from "../schema";
import type { RuleIssue } from "./issue";

/**
 * The security keys against the rest of the cluster config: both belong to a cluster the stack
 * creates, and the preview role reads the cluster through an access entry with view access only.
 */
export function clusterSecurityIssues(cfg: StackConfig): RuleIssue[] {
  const c = cfg.cluster;
  const issues: RuleIssue[] = [];
  if (c.mode === "existing") {
    const onlyCreate = 'is only used when cluster.mode is "create" (an existing cluster keeps its own encryption and access); remove it';
    if (c.secretsEncryption.keyArn) issues.push({ path: ["cluster", "secretsEncryption", "keyArn"], effective: JSON.stringify(c.secretsEncryption.keyArn), message: onlyCreate });
    if (c.previewRole) issues.push({ path: ["cluster", "previewRole"], effective: JSON.stringify(c.previewRole), message: onlyCreate });
    return issues;
  }
  if (!c.previewRole) return issues;
  const entries = c.accessEntries.filter((e) => e.role === c.previewRole);
  if (entries.length === 0) {
    issues.push({
      path: ["cluster", "previewRole"],
      effective: JSON.stringify(c.previewRole),
      message: `has no EKS access entry, so a preview cannot read the Kubernetes objects; add { role: ${c.previewRole}, access: view } to cluster.accessEntries`,
    });
  }
  for (const e of entries.filter((x) => x.access !== "view")) {
    issues.push({
      path: ["cluster", "accessEntries", c.accessEntries.indexOf(e), "access"],
      effective: JSON.stringify(e.access),
      message: `gives the preview role (cluster.previewRole) more than it reads; use "view"`,
    });
  }
  return issues;
}
