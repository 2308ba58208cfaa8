/** One component per service; each deploys its workload on the platform (see WorkloadComponent). */
import type * as pulumi from "@pulumi/pulumi";
import { WorkloadComponent, type WorkloadComponentArgs } from "./component";

function componentType(type: string) {
  return class extends WorkloadComponent {
    constructor(name: string, args: WorkloadComponentArgs, opts?: pulumi.ComponentResourceOptions) {
      super(type, name, args, opts);
    }
  };
}

export const Hub = componentType("mcp-superserver:hub:Hub");
export type Hub = InstanceType<typeof Hub>;
export const Neo4j = componentType("mcp-superserver:neo4j:Neo4j");
export type Neo4j = InstanceType<typeof Neo4j>;
export const Ollama = componentType("mcp-superserver:ollama:Ollama");
export type Ollama = InstanceType<typeof Ollama>;
export const LoadBalancer = componentType("mcp-superserver:loadbalancer:LoadBalancer");
export type LoadBalancer = InstanceType<typeof LoadBalancer>;
export const Prometheus = componentType("mcp-superserver:monitoring:Prometheus");
export type Prometheus = InstanceType<typeof Prometheus>;
export const Alertmanager = componentType("mcp-superserver:monitoring:Alertmanager");
export type Alertmanager = InstanceType<typeof Alertmanager>;
export const Grafana = componentType("mcp-superserver:monitoring:Grafana");
export type Grafana = InstanceType<typeof Grafana>;
/** blackbox_exporter, node_exporter and cAdvisor. */
export const Exporter = componentType("mcp-superserver:monitoring:Exporter");
export type Exporter = InstanceType<typeof Exporter>;
