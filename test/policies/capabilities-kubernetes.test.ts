/**
 * The policy "no container keeps all capabilities" on the prod synth (Kubernetes on EKS): clean
 * as declared (every container of every workload drops ALL), caught with the hub's drop removed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { changed, checkPolicies, messages, prodResources } from "../support/policyRuns";

const POLICY = "no-container-keeps-all-capabilities";

let prod: RecordedResource[];
beforeAll(async () => {
  prod = await prodResources();
});

describe(POLICY, () => {
  it("passes the prod synth, and ran on its workloads", async () => {
    const report = await checkPolicies(prod, "prod");
    expect(report.violations.filter((v) => v.policy === POLICY)).toEqual([]);
    const workloads = prod.filter((r) => /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:CronJob)$/.test(r.type)).length;
    expect(workloads).toBeGreaterThan(10);
    expect(report.notApplicable.filter((n) => n.policy === POLICY && prod.find((r) => r.name === n.resource)?.type.startsWith("kubernetes:apps/"))).toEqual([]);
  });

  it("catches the prod synth's hub without its drop of ALL", async () => {
    const hub = "mcp-hub-deployment-mcp-hub";
    const r = changed(prod, hub, (i) => (i.spec.template.spec.containers[0].securityContext.capabilities = { drop: [] }));
    expect(messages(await checkPolicies(r, "prod"), POLICY)).toEqual([
      `${hub} container "hub" does not drop ALL capabilities; set securityContext.capabilities.drop to ["ALL"] and add back only what its image needs`,
    ]);
  });
});
