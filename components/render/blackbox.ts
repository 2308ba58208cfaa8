/**
 * blackbox_exporter modules: Neo4j Community has no metrics endpoint and Ollama has none, so
 * their availability is probed from outside: a TCP connect to Bolt, an HTTP GET on Ollama's API.
 */
import { stringify } from "yaml";

export const BLACKBOX_MODULE = { tcp: "tcp_connect", http: "http_2xx", hubHealth: "http_head_200" } as const;

export function renderBlackboxConfig(): string {
  const config = {
    modules: {
      [BLACKBOX_MODULE.tcp]: { prober: "tcp", timeout: "5s" },
      [BLACKBOX_MODULE.http]: {
        prober: "http",
        timeout: "5s",
        http: { valid_status_codes: [200], method: "GET", preferred_ip_protocol: "ip4" },
      },
      // The hub's deep /health by HEAD: the same answer (200, or 503 when a dependency is down),
      // and requests the hub's metrics label apart from its clients' (contracts/hub.ts).
      [BLACKBOX_MODULE.hubHealth]: {
        prober: "http",
        timeout: "5s",
        http: { valid_status_codes: [200], method: "HEAD", preferred_ip_protocol: "ip4" },
      },
    },
  };
  return `# Rendered by mcp-superserver-infra; do not edit by hand.\n${stringify(config)}`;
}
