import type { Role } from "./roles";

/** The stack config section whose `resources` size each role (exporters and MinIO have fixed ones). */
export const ROLE_CONFIG_SECTION: Partial<Record<Role, string>> = {
  hub: "hub",
  neo4j: "neo4j",
  ollama: "ollama",
  "load-balancer": "loadBalancer",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  grafana: "grafana",
  backup: "backup",
};
