/**
 * The policy "no container keeps all capabilities": reported on the violating fixtures (Docker
 * and Kubernetes), not on the dev synth (Docker), and on the dev synth with one container
 * loosened. The prod synth: capabilities-kubernetes.test.ts (one synth per process).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { CAPABILITY_VIOLATIONS } from "../fixtures/policies/capabilities";
import { changed, checkPolicies, devResources, messages } from "../support/policyRuns";

const POLICY = "no-container-keeps-all-capabilities";

let dev: RecordedResource[];
beforeAll(async () => {
  dev = await devResources();
});

const violations = async (resources: RecordedResource[], stack: string) =>
  (await checkPolicies(resources, stack)).violations.filter((v) => v.policy === POLICY).map((v) => `${v.resource} ${v.enforcementLevel}: ${v.message}`);

describe(POLICY, () => {
  it("reports every fixture that keeps all capabilities, and not the hardened ones", async () => {
    expect(await violations(CAPABILITY_VIOLATIONS, "prod")).toEqual([
      'docker-default-set mandatory: docker-default-set container "docker-default-set" does not drop ALL capabilities; set capabilities.drops to ["ALL"] and add back only what its image needs',
      'docker-privileged mandatory: docker-privileged container "docker-privileged" is privileged (every capability and every device); remove privileged and add back only the capabilities it needs',
      "docker-adds-all mandatory: docker-adds-all container \"docker-adds-all\" adds back ALL; name the capabilities its image needs instead",
      'k8s-drops-nothing mandatory: k8s-drops-nothing container "web" does not drop ALL capabilities; set securityContext.capabilities.drop to ["ALL"] and add back only what its image needs',
      'k8s-privileged-init mandatory: k8s-privileged-init init container "setup" is privileged (every capability and every device); remove privileged and add back only the capabilities it needs',
      'k8s-adds-sys-admin mandatory: k8s-adds-sys-admin container "debug" adds back SYS_ADMIN; name the capabilities its image needs instead',
    ]);
  });

  it("is advisory on dev, as every policy there", async () => {
    expect((await violations(CAPABILITY_VIOLATIONS.slice(0, 1), "dev"))[0]).toMatch(/^docker-default-set advisory: /);
  });

  it("passes the dev synth (every container drops ALL, none privileged)", async () => {
    expect(await violations(dev, "dev")).toEqual([]);
    // It ran on them: every Docker container and every Kubernetes workload was applicable.
    const report = await checkPolicies(dev, "dev");
    expect(report.notApplicable.filter((n) => n.policy === POLICY && n.resource?.startsWith("mcp-neo4j-container"))).toEqual([]);
  });

  it("catches the dev synth's Neo4j container with its capabilities removed, and cAdvisor made privileged again", async () => {
    const noDrop = changed(dev, "mcp-neo4j-container", (i) => delete i.capabilities);
    expect(messages(await checkPolicies(noDrop, "dev"), POLICY)).toEqual([
      'mcp-neo4j-container container "mcp-neo4j" does not drop ALL capabilities; set capabilities.drops to ["ALL"] and add back only what its image needs',
    ]);
    const privileged = changed(dev, "mcp-cadvisor-container", (i) => (i.privileged = true));
    expect(messages(await checkPolicies(privileged, "dev"), POLICY)).toEqual([
      'mcp-cadvisor-container container "mcp-cadvisor" is privileged (every capability and every device); remove privileged and add back only the capabilities it needs',
    ]);
  });
});
