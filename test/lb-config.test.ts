/**
 * The load balancer's nginx.conf for prod, where it follows the hubs' headless Service resolved
 * at run time, checked by real nginx (`nginx -t`) as far as this machine's nginx can; worker
 * sizing and config errors. (The dev stack's file is checked in render-validators.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStackConfig, rawConfigFromPulumi, type StackConfig } from "../components/config";
import { loadBalancerWorkload, nginxConf, nginxWorkerProcesses, type HubUpstreams } from "../components/workloads/loadBalancer";
import { readPulumiConfigFile } from "../scripts/lib/stackConfigFile";
import { nginxTest } from "./support/validators";

const stackConfig = (stack: string): StackConfig =>
  parseStackConfig(rawConfigFromPulumi(readPulumiConfigFile(join(__dirname, "..", `Pulumi.${stack}.yaml`), "mcp-superserver").config));

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

function nginxVersion(): [number, number, number] {
  const out = spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr;
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the nginx version from: ${out}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** `server ... resolve` came to open-source nginx in 1.27.3. */
const hasResolve = (v: [number, number, number]) => v[0] > 1 || (v[0] === 1 && (v[1] > 27 || (v[1] === 27 && v[2] >= 3)));

/** The in-cluster names of a prod config: nginx -t resolves them through a private /etc/hosts. */
const CLUSTER_NAMES = [PROD_HUBS.host, PROD_HUBS.resolver];

/**
 * The one change that lets nginx older than 1.27.3 check a prod config: drop the `resolve`
 * parameter it does not know. Everything else is checked as rendered.
 */
const withoutResolve = (conf: string) => conf.replace(/^(\s*server \S+) resolve /m, "$1 ");

describe("the load balancer's nginx.conf", () => {
  it("prod: the only part nginx 1.22 rejects is `resolve`, and with it set aside nginx accepts the rest", () => {
    const conf = nginxConf(stackConfig("prod"), PROD_HUBS, runDir);
    const resolveKnown = hasResolve(nginxVersion());
    if (!resolveKnown) {
      const asRendered = nginxTest(conf, CLUSTER_NAMES);
      expect(asRendered.status).not.toBe(0);
      expect(asRendered.output).toMatch(/invalid parameter "resolve"/);
    }
    const check = nginxTest(resolveKnown ? conf : withoutResolve(conf), CLUSTER_NAMES);
    expect(check.output).toContain("test is successful");
    expect(check.status).toBe(0);
  });

  it("prod: what nginx 1.22 cannot check — the resolve server sits in a shared zone with a resolver set", () => {
    const cfg = stackConfig("prod");
    const lines = nginxConf(cfg, PROD_HUBS, runDir).split("\n").map((l) => l.trim());
    const upstream = lines.slice(lines.indexOf("upstream mcp_hub {"), lines.indexOf("}", lines.indexOf("upstream mcp_hub {")));
    // nginx >= 1.27.3 requires both for `resolve`: the peers live in the zone, DNS comes from the resolver.
    expect(upstream).toContain("zone mcp_hub 64k;");
    expect(upstream).toContain(
      `server ${PROD_HUBS.host}:3000 resolve max_fails=${cfg.loadBalancer.maxFails} fail_timeout=${cfg.loadBalancer.failTimeout};`,
    );
    expect(lines).toContain(`resolver ${PROD_HUBS.resolver} valid=${cfg.loadBalancer.dnsRefresh} ipv6=off;`);
  });

  it("sizes nginx workers to the container's CPU limit", () => {
    expect([250, 1000, 1500, 2000, 4000].map(nginxWorkerProcesses)).toEqual([1, 1, 2, 2, 4]);
    const cfg = parseStackConfig({ loadBalancer: { resources: { limits: { cpu: "3", memory: "256Mi" } } } });
    const hubs: HubUpstreams = { kind: "static", servers: [{ host: "127.0.0.1", port: 3000 }] };
    const [file] = loadBalancerWorkload(cfg, hubs).files;
    expect(file.content).toBe(nginxConf(cfg, hubs));
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
