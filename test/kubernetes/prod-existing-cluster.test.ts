import { describe, expect, it } from "vitest";
import { isSecretMarker } from "../../scripts/lib/mockEngine";
import { allowed } from "../support/networkPolicy";
import { byName, k8sObjects, podLabels, runProd } from "../support/mockStack";

const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";
const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF";

describe("existing-cluster mode", () => {
  it("creates no AWS cluster resources and deploys the same workloads through a provider built from the secret kubeconfig", async () => {
    const created = await runProd();
    const existing = await runProd({ cluster: { mode: "existing", kubeconfig: KUBECONFIG, oidcProviderArn: OIDC_ARN } }, ["mcp-superserver:cluster"]);
    const clusterTypes = /^aws:(ec2|eks)\/|^aws:iam\/openIdConnectProvider/;
    expect(created.resources.some((r) => clusterTypes.test(r.type))).toBe(true);
    expect(existing.resources.filter((r) => clusterTypes.test(r.type))).toEqual([]);
    // The only AWS resources left are the backup bucket and its role.
    // AWS is still where the backups and the built hub image live: S3 and ECR, nothing of a cluster.
    expect(new Set(existing.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.parent))).toEqual(new Set(["mcp-backup", "mcp-hub-image"]));

    const provider = existing.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(isSecretMarker(provider.inputs.kubeconfig)).toBe(true);
    expect((provider.inputs.kubeconfig as { value: unknown }).value).toBe(KUBECONFIG);

    // Same workloads in both modes; the created cluster adds only its StorageClass, the device
    // plugin and the cluster autoscaler (kube-system, and the autoscaler's cluster-wide RBAC).
    const clusterAddon = (o: any) => o.metadata.namespace === "kube-system" || o.kind === "StorageClass" || o.metadata.name === "cluster-autoscaler";
    const names = (run: typeof created) => k8sObjects(run).filter((o) => !clusterAddon(o)).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(names(existing)).toEqual(names(created));

    const trust = JSON.parse(existing.resources.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy as string).Statement[0];
    expect(trust.Principal.Federated).toBe(OIDC_ARN);
    expect(Object.keys(trust.Condition.StringEquals)).toContain("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF:sub");
  });
});

describe("Neo4j Enterprise", () => {
  it("takes an online backup: no scaling, the backup port opened to the backup job only", async () => {
    const run = await runProd({ neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise", storage: "50Gi" } });
    const scripts = byName(k8sObjects(run, "ConfigMap"), "neo4j-backup-scripts").data;
    expect(scripts["backup-neo4j.sh"]).toContain("neo4j-admin database backup --from=");
    expect(scripts["backup-aws.sh"]).not.toContain("stop_neo4j");
    const policies = k8sObjects(run, "NetworkPolicy");
    const pod = (role: string) => ({ namespace: "mcp", labels: podLabels(run, role) });
    expect(allowed(policies, pod("backup"), pod("neo4j"), 6362)).toBe(true);
    expect(allowed(policies, pod("hub"), pod("neo4j"), 6362)).toBe(false);
    const env = byName(k8sObjects(run, "StatefulSet"), "neo4j").spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "NEO4J_server_backup_listen__address", value: "0.0.0.0:6362" });
  });
});
