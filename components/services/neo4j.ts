/** Neo4j: the hub's graph memory, one instance on a kept volume. */
import { neo4jWorkload } from "../workloads/neo4j";
import { service } from "./types";

export const neo4j = service({
  key: "neo4j",
  role: "neo4j",
  component: { type: "mcp-superserver:neo4j:Neo4j", name: "neo4j" },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  workload: (cfg) => neo4jWorkload(cfg),
});
