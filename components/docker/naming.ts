/**
 * Docker names: containers are `mcp-<service>` (the runbook's `mcp-neo4j`, `mcp-hub-1..N`),
 * volumes `mcp-<volume>`. Inside the network each container also answers to its service name.
 */
import { NEO4J_DATA_VOLUME } from "../workloads/neo4j";

export const DOCKER_PREFIX = "mcp-";

export function dockerContainerName(replica: string): string {
  return replica.startsWith(DOCKER_PREFIX) ? replica : `${DOCKER_PREFIX}${replica}`;
}

export function dockerVolumeName(volume: string): string {
  return `${DOCKER_PREFIX}${volume}`;
}

export function dockerNetworkName(stack: string): string {
  return `mcp-superserver-${stack}`;
}

/** Escapes a container name for a PromQL regular expression. */
const promRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&");

/** cAdvisor matchers for a workload's containers (cAdvisor labels Docker containers by `name`). */
export function dockerContainerSelector(replicas: string[]): string {
  const names = replicas.map(dockerContainerName);
  return names.length === 1 ? `name="${names[0]}"` : `name=~"${names.map(promRegex).join("|")}"`;
}

/** Volumes whose loss would lose data or a long download: kept when the stack is destroyed. */
export const PRECIOUS_VOLUMES = new Set([NEO4J_DATA_VOLUME, "ollama-models", "backup-objects"]);
