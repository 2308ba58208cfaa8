/**
 * The load balancer's nginx.conf: the prod upstream that follows the hubs' headless Service
 * (what nginx 1.22 cannot check; kubernetes-nginx.test.ts runs nginx -t on the prod file),
 * worker sizing and config errors. (The dev stack's file is checked in validators.test.ts.)
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { parseStackConfig, type StackConfig } from "../../components/config";
import { loadBalancerWorkload, nginxConf, nginxWorkerProcesses, type HubUpstreams } from "../../components/workloads/loadBalancer";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";
import { nginxTest } from "../support/validators";

const stackConfig = (stack: string): StackConfig => readStackConfig(join(ROOT, `Pulumi.${stack}.yaml`), "mcp-superserver");

const runDir = mkdtempSync(join(tmpdir(), "lb-config-"));
chmodSync(runDir, 0o755);
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

/** The Service name and DNS server a prod stack passes; both resolve only inside the cluster. */
const PROD_HUBS: Extract<HubUpstreams, { kind: "resolve" }> = {
  kind: "resolve",
  host: "mcp-hub.mcp-superserver.svc.cluster.local",
  port: 3000,
  resolver: "kube-dns.kube-system.svc.cluster.local",
};

describe("the load balancer's nginx.conf", () => {
  it("prod: what nginx 1.22 cannot check — the resolve server sits in a shared zone with a resolver set", () => {
    const cfg = stackConfig("prod");
    const lines = nginxConf(cfg, PROD_HUBS, runDir).split("\n").map((l) => l.trim());
    const upstream = lines.slice(lines.indexOf("upstream mcp_hub {"), lines.indexOf("}", lines.indexOf("upstream mcp_hub {")));
    // nginx >= 1.27.3 requires both for `resolve`: the peers live in the zone, DNS comes from the resolver.
    expect(upstream).toContain("zone mcp_hub 64k;");
    // The prod stack's load-balancer settings: maxFails 3, failTimeout 10s, dnsRefresh 5s.
    expect(upstream).toContain("server mcp-hub.mcp-superserver.svc.cluster.local:3000 resolve max_fails=3 fail_timeout=10s;");
    expect(lines).toContain("resolver kube-dns.kube-system.svc.cluster.local valid=5s ipv6=off;");
  });

  it("sizes nginx workers to the container's CPU limit", () => {
    expect([250, 1000, 1500, 2000, 4000].map(nginxWorkerProcesses)).toEqual([1, 1, 2, 2, 4]);
    const cfg = parseStackConfig({ loadBalancer: { resources: { limits: { cpu: "3", memory: "256Mi" } } } });
    const hubs: HubUpstreams = { kind: "static", servers: [{ host: "127.0.0.1", port: 3000 }] };
    const [file] = loadBalancerWorkload(cfg, hubs).files;
    expect(file.content.split("\n")).toContain("worker_processes 3;");
    expect(nginxTest(nginxConf(cfg, hubs, runDir)).status).toBe(0);
  });

  it("keepalive 0 (allowed by the schema) renders a config nginx accepts, without an idle pool", () => {
    const cfg = parseStackConfig({ loadBalancer: { keepalive: 0 } });
    const conf = nginxConf(cfg, { kind: "static", servers: [{ host: "127.0.0.1", port: 3000 }] }, runDir);
    expect(nginxTest(conf).status).toBe(0);
    expect(conf.split("\n").some((l) => /^\s*keepalive\s/.test(l))).toBe(false);
  });

  it("refuses to render a load balancer without hubs", () => {
    expect(() => nginxConf(parseStackConfig({}), { kind: "static", servers: [] }, runDir)).toThrow(/at least one hub upstream server/);
  });

  it("names the full key when a load-balancer duration is wrong", () => {
    expect(() => parseStackConfig({ loadBalancer: { keepaliveTimeout: "4 seconds" } })).toThrow(
      /mcp-superserver:loadBalancer\.keepaliveTimeout: "4 seconds" is not a duration/,
    );
  });
});
