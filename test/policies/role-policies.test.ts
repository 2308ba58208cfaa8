/**
 * The role table the pack and the program read (components/contracts/rolePolicies.ts): which
 * roles each role-keyed policy singles out and which config section sizes each role, pinned
 * with literals; and a label that is no role, even one every object answers to, has no facts.
 */
import { describe, expect, it } from "vitest";
import { ROLE_POLICIES, rolePolicy, rolesWhere } from "../../components/contracts/rolePolicies";

describe("the role table", () => {
  it("singles out the hub, Neo4j, Ollama and Prometheus as the policies' subjects", () => {
    expect(rolesWhere((p) => p.memoryBounds !== null)).toEqual(["hub", "neo4j", "ollama"]);
    expect(rolesWhere((p) => p.gpu)).toEqual(["ollama"]);
    expect(rolesWhere((p) => p.highlyAvailable)).toEqual(["hub"]);
    expect(rolesWhere((p) => p.runsNeo4j)).toEqual(["neo4j"]);
    expect(rolesWhere((p) => p.holdsAlertRules)).toEqual(["prometheus"]);
  });

  it("sizes the services with config sections, and the exporters and MinIO with fixed resources", () => {
    const sections = Object.fromEntries(Object.entries(ROLE_POLICIES).map(([role, p]) => [role, p.configSection]));
    expect(sections).toEqual({
      hub: "hub",
      neo4j: "neo4j",
      ollama: "ollama",
      "load-balancer": "loadBalancer",
      prometheus: "prometheus",
      alertmanager: "alertmanager",
      grafana: "grafana",
      "blackbox-exporter": null,
      "node-exporter": null,
      cadvisor: null,
      "nginx-exporter": null,
      "kube-state-metrics": null,
      "gpu-exporter": null,
      "object-store": null,
      pushgateway: null,
      backup: "backup",
    });
  });

  it("gives no facts to a label that is no role, nor to one every object answers to", () => {
    for (const label of [undefined, "", "redis", "constructor", "toString", "__proto__"]) {
      expect(rolePolicy(label), String(label)).toBeUndefined();
    }
    expect(rolePolicy("hub")?.highlyAvailable).toBe(true);
  });
});
