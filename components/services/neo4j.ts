/** Neo4j: the hub's graph memory, one instance on a kept volume. */
import { neo4jWorkload } from "../workloads/neo4j";
import { service } from "./types";

export const neo4j = service({
  key: "neo4j",
  role: "neo4j",
  title: "Neo4j 5",
  summary: "the hub's graph memory; `neo4j.heap` and `neo4j.pageCache` in its memory limit, Neo4j 5 setting names; generated password",
  component: { type: "mcp-superserver:neo4j:Neo4j", name: "neo4j" },
  targets: ["docker", "kubernetes"],
  waitsFor: [],
  workload: (cfg) => neo4jWorkload(cfg),
});
