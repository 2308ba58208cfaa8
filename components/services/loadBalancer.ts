/** nginx: `least_conn` over the hub replicas, the stack's one entry for clients. */
import { loadBalancerWorkload } from "../workloads/loadBalancer";
import { service, waitedFor } from "./types";

export const loadBalancer = service({
  key: "loadBalancer",
  role: "load-balancer",
  title: "nginx",
  summary: "`least_conn` over every hub replica; a bearer token per client on the MCP routes, rate-limited per client (see [Client tokens, TLS and rate limits](#client-tokens-tls-and-rate-limits))",
  component: { type: "mcp-superserver:loadbalancer:LoadBalancer", name: "lb" },
  targets: ["docker", "kubernetes"],
  waitsFor: ["hub"],
  workload: (cfg, target, described) => loadBalancerWorkload(cfg, target.hubUpstreams(waitedFor(described, "hub", "loadBalancer"))),
  talksTo: [{ to: "hub", port: "http", reason: "nginx proxies to the hub pods" }],
});
