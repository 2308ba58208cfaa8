/** The MCP hub: N stateless replicas behind nginx, backed by Neo4j and Ollama (components/contracts/hub.ts). */
import { hubWorkload } from "../workloads/hub";
import { service } from "./types";

export const hub = service({
  key: "hub",
  role: "hub",
  title: "MCP hub",
  summary: "the upstream hub built from its pinned source; stateless; probes `/health/ready` and `/health/live`; a sidecar per replica (see [The hub](#the-hub))",
  component: { type: "mcp-superserver:hub:Hub", name: "hub" },
  targets: ["docker", "kubernetes"],
  waitsFor: ["neo4j", "ollama"],
  workload: (cfg) => hubWorkload(cfg),
  talksTo: [
    { to: "neo4j", port: "bolt", reason: "the hub's graph memory" },
    { to: "ollama", port: "http", reason: "the hub's LLM calls" },
  ],
});
