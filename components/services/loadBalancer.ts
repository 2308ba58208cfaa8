/** nginx: `least_conn` over the hub replicas, the stack's one entry for clients. */
import { loadBalancerWorkload } from "../workloads/loadBalancer";
import { service } from "./types";

export const loadBalancer = service({
  key: "loadBalancer",
  role: "load-balancer",
  component: { type: "mcp-superserver:loadbalancer:LoadBalancer", name: "lb" },
  targets: ["docker", "kubernetes"],
  waitsFor: ["hub"],
  workload: (cfg, target, described) => loadBalancerWorkload(cfg, target.hubUpstreams(described.hub)),
  talksTo: () => [{ to: "hub", port: "http", reason: "nginx proxies to the hub pods" }],
});
