/**
 * The service registry (components/services/): every module's services are in the one list, the
 * components are declared in an order where each comes after what it waits for, and a circle of
 * waits is refused. Expected orders are typed from the stack's wiring (the hub needs Neo4j and
 * Ollama, nginx the hubs, Prometheus what it scrapes, Grafana Prometheus), not read from the list.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVICES, declarationOrder, servicesOn } from "../../components/services";
import { waitedFor } from "../../components/services/types";
import { ROOT } from "../support/repo";

const NOT_MODULES = new Set(["index.ts", "types.ts", "describe.ts", "component.ts"]);

describe("the service registry", () => {
  it("lists every service a module of components/services defines, once", async () => {
    const dir = path.join(ROOT, "components/services");
    const defined: unknown[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !NOT_MODULES.has(f))) {
      const exports = (await import(path.join(dir, file))) as Record<string, unknown>;
      defined.push(...Object.values(exports).filter((v) => typeof v === "object" && v !== null && "component" in v));
    }
    expect(defined).toHaveLength(14);
    for (const s of defined) expect(SERVICES).toContain(s);
    expect(new Set(SERVICES.map((s) => s.key)).size).toBe(SERVICES.length);
  });

  it("declares each target's components after what they wait for", () => {
    expect(declarationOrder(servicesOn("docker")).map((s) => s.key)).toEqual([
      "neo4j",
      "ollama",
      "hub",
      "loadBalancer",
      "alertmanager",
      "blackbox",
      "nodeExporter",
      "cadvisor",
      "nginxExporter",
      "prometheus",
      "grafana",
    ]);
    expect(declarationOrder(servicesOn("kubernetes")).map((s) => s.key)).toEqual([
      "neo4j",
      "ollama",
      "hub",
      "loadBalancer",
      "alertmanager",
      "blackbox",
      "nodeExporter",
      "pushgateway",
      "kubeStateMetrics",
      "gpuExporter",
      "prometheus",
      "grafana",
    ]);
  });

  it("starts Prometheus after every exporter it scrapes, so its first evaluation does not page for them", () => {
    const prometheus = SERVICES.find((s) => s.key === "prometheus")!;
    const exporters = SERVICES.filter((s) => s.component.type === "mcp-superserver:monitoring:Exporter").map((s) => s.key);
    expect(exporters).toHaveLength(7);
    for (const key of exporters) expect(prometheus.waitsFor, key).toContain(key);
  });

  it("refuses a service reading the description of one it does not wait for", () => {
    expect(() => waitedFor({}, "hub", "loadBalancer")).toThrow("service loadBalancer reads hub's description, but does not wait for it (waitsFor)");
  });

  it("refuses services that wait for each other in a circle", () => {
    const a = { key: "a", waitsFor: ["b"] };
    const b = { key: "b", waitsFor: ["a"] };
    expect(() => declarationOrder([a, b, { key: "c", waitsFor: [] }])).toThrow("services wait for each other in a circle: a, b");
  });

  it("keeps each component's type token and child name, which the resources' URNs are made of", () => {
    expect(SERVICES.map((s) => `${s.component.type} ${s.component.name}`)).toEqual([
      "mcp-superserver:hub:Hub hub",
      "mcp-superserver:neo4j:Neo4j neo4j",
      "mcp-superserver:ollama:Ollama ollama",
      "mcp-superserver:loadbalancer:LoadBalancer lb",
      "mcp-superserver:monitoring:Alertmanager alertmanager",
      "mcp-superserver:monitoring:Grafana grafana",
      "mcp-superserver:monitoring:Exporter blackbox-exporter",
      "mcp-superserver:monitoring:Exporter node-exporter",
      "mcp-superserver:monitoring:Exporter cadvisor",
      "mcp-superserver:monitoring:Exporter nginx-exporter",
      "mcp-superserver:monitoring:Exporter pushgateway",
      "mcp-superserver:monitoring:Exporter kube-state-metrics",
      "mcp-superserver:monitoring:Exporter dcgm-exporter",
      "mcp-superserver:monitoring:Prometheus prometheus",
    ]);
  });
});
