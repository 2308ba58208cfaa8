import type { StackConfig } from "../config/schema";
import { resourceSpec } from "./common";
import { PORT, SERVICE, type Workload } from "./types";

/**
 * The MCP hub: stateless, `hub.replicas` copies behind the load balancer. It reaches Neo4j and
 * Ollama by service name; the Neo4j password arrives as a secret.
 */
export function hubWorkload(cfg: StackConfig): Workload {
  const { hub } = cfg;
  return {
    name: SERVICE.hub,
    role: "hub",
    image: hub.build ? { ref: hub.image, build: { ...hub.build } } : { ref: hub.image },
    replicas: hub.replicas,
    ports: [{ name: "http", port: hub.port }],
    env: {
      NODE_ENV: "production",
      PORT: String(hub.port),
      LOG_LEVEL: hub.logLevel,
      NEO4J_URI: `bolt://${SERVICE.neo4j}:${PORT.neo4jBolt}`,
      NEO4J_USERNAME: "neo4j",
      OLLAMA_BASE_URL: `http://${SERVICE.ollama}:${PORT.ollama}`,
    },
    secretEnv: { NEO4J_PASSWORD: { secret: "neo4j-password" } },
    resources: resourceSpec(hub.resources),
    healthCheck: {
      probe: { http: { path: "/health", port: hub.port } },
      // The runbook checks the hub with curl, which its image ships.
      command: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${hub.port}/health`],
      intervalSeconds: 10,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 20,
    },
    volumes: [],
    files: [],
    secretFiles: [],
    gpus: 0,
  };
}
