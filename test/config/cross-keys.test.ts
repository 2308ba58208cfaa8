/**
 * Bad configs that each key alone would let through, refused before any resource with a message
 * naming key, value and what is allowed; and near misses that must stay accepted. The tally at the
 * end is the one the README quotes: rejected clearly / unclearly / wrongly accepted / wrongly rejected.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { configProblems } from "../support/configProblems";
import { parseStackConfig, rawConfigFromPulumi } from "../../components/config/parse";
import { longestGapHours } from "../../components/config/rules/crossKeys";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import { readPulumiConfigFile } from "../../scripts/lib/stackConfigFile";

const stackRaw = (stack: string) => rawConfigFromPulumi(readPulumiConfigFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "mcp-superserver").config);
const DEV = stackRaw("dev");
const PROD = stackRaw("prod");

function merge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== "object" || Array.isArray(over) || !base || typeof base !== "object" || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out;
}

const problems = configProblems;

type Case = [what: string, base: Record<string, unknown>, change: Record<string, unknown>, message: string];
const hook = "https://hooks.example.com/alert";

const BAD: Case[] = [
  ["two services on one host port", DEV, { grafana: { port: 9090 } }, "mcp-superserver:grafana.port: 9090 is also the host port of prometheus.port; every published service needs its own host port"],
  ["a service on Neo4j's fixed Bolt port", DEV, { prometheus: { port: 7687 } }, "mcp-superserver:prometheus.port: 7687 is also the host port of neo4j (Bolt, fixed); pick another port"],
  ["MinIO on the load balancer's port", DEV, { backup: { objectStorePort: 3000 } }, "mcp-superserver:backup.objectStorePort: 3000 is also the host port of loadBalancer.port; every published service needs its own host port"],
  ["bindAddress with an octet above 255", DEV, { docker: { bindAddress: "127.0.0.256" } }, 'mcp-superserver:docker.bindAddress: "127.0.0.256" is not an IPv4 address (each part 0-255, no leading zeros); use 127.0.0.1 or 0.0.0.0'],
  ["bindAddress with a leading zero", DEV, { docker: { bindAddress: "127.0.0.01" } }, 'mcp-superserver:docker.bindAddress: "127.0.0.01" is not an IPv4 address (each part 0-255, no leading zeros); use 127.0.0.1 or 0.0.0.0'],
  ["API CIDR octet out of range", PROD, { cluster: { apiAllowedCidrs: ["203.0.113.0/24", "300.1.2.0/24"] } }, 'mcp-superserver:cluster.apiAllowedCidrs[1]: "300.1.2.0/24" is out of range: each part 0-255, the prefix 0-32, e.g. 203.0.113.0/24'],
  ["API CIDR prefix above 32", PROD, { cluster: { apiAllowedCidrs: ["203.0.113.7/33"] } }, 'mcp-superserver:cluster.apiAllowedCidrs[0]: "203.0.113.7/33" is out of range: each part 0-255, the prefix 0-32, e.g. 203.0.113.0/24'],
  ["VPC CIDR out of range", PROD, { cluster: { vpc: { cidr: "10.400.0.0/16" } } }, 'mcp-superserver:cluster.vpc.cidr: "10.400.0.0/16" is out of range: each part 0-255, e.g. 10.40.0.0/16'],
  ["VPC CIDR with host bits", PROD, { cluster: { vpc: { cidr: "10.40.8.0/16" } } }, 'mcp-superserver:cluster.vpc.cidr: "10.40.8.0/16" has host bits set; a /16 starts at 10.40.0.0'],
  ["namespace too long for <namespace>-node", PROD, { kubernetes: { namespace: "a".repeat(59) } }, `mcp-superserver:kubernetes.namespace: "${"a".repeat(59)}" is 59 characters; at most 58, so that "${"a".repeat(59)}-node" stays a 63-character namespace name`],
  ["Quartz L on Docker (busybox crond)", DEV, { backup: { schedule: "0 2 L * *" } }, 'mcp-superserver:backup.schedule: "0 2 L * *" has "L", which busybox crond (the Docker target\'s scheduler) does not accept; use numbers, *, ranges, lists, steps and month/day names, e.g. "0 2 * * *"'],
  ["? on Docker (busybox crond)", DEV, { backup: { schedule: "0 2 ? * *" } }, 'mcp-superserver:backup.schedule: "0 2 ? * *" has "?", which busybox crond (the Docker target\'s scheduler) does not accept; use numbers, *, ranges, lists, steps and month/day names, e.g. "0 2 * * *"'],
  ["Quartz # on Kubernetes (CronJob)", PROD, { backup: { schedule: "0 2 * * 1#1" } }, 'mcp-superserver:backup.schedule: "0 2 * * 1#1" has "1#1", which a Kubernetes CronJob does not accept; use numbers, *, ranges, lists, steps and month/day names, e.g. "0 2 * * *"'],
  ["weekly backup against a 26 h BackupMissing", DEV, { backup: { schedule: "0 2 * * 0" } }, 'mcp-superserver:backup.schedule: "0 2 * * 0" leaves up to 168h between backups, more than prometheus.alerts.backupMaxAgeHours (26); BackupMissing would fire between good runs. Run it more often or raise backupMaxAgeHours'],
  ["daily backup against a 12 h BackupMissing", DEV, { prometheus: { alerts: { backupMaxAgeHours: 12 } } }, 'mcp-superserver:backup.schedule: 0 2 * * * (the default) leaves up to 24h between backups, more than prometheus.alerts.backupMaxAgeHours (12); BackupMissing would fire between good runs. Run it more often or raise backupMaxAgeHours'],
  ["backup heap equal to its container's memory (Kubernetes)", PROD, { backup: { jvmHeap: "2Gi" } }, 'mcp-superserver:backup.jvmHeap: "2Gi" is not below backup.resources.limits.memory (2Gi); neo4j-admin would be OOM-killed. Lower the heap or raise the limit'],
  ["keepalive timeout at the hub's idle timeout", DEV, { loadBalancer: { keepaliveTimeout: "5s" } }, 'mcp-superserver:loadBalancer.keepaliveTimeout: "5s" is not below the hub\'s idle timeout (5s); use e.g. 4s so nginx closes idle connections before the hub does'],
  ["keepalive timeout in minutes", DEV, { loadBalancer: { keepaliveTimeout: "1m" } }, 'mcp-superserver:loadBalancer.keepaliveTimeout: "1m" is not below the hub\'s idle timeout (5s); use e.g. 4s so nginx closes idle connections before the hub does'],
  ["Neo4j 4 image", DEV, { neo4j: { image: "neo4j:4.4.30-community" } }, 'mcp-superserver:neo4j.image: "neo4j:4.4.30-community" is not Neo4j 5; the stack sets Neo4j 5 settings (server.memory.*), use e.g. neo4j:5.26.0-community'],
  ["nginx too old for resolve (Kubernetes)", PROD, { loadBalancer: { image: "nginx:1.27.2-alpine" } }, 'mcp-superserver:loadBalancer.image: "nginx:1.27.2-alpine" is older than nginx 1.27.3, which the upstream\'s `resolve` needs on kubernetes; use e.g. nginx:1.27.3-alpine'],
  ["a schema error next to a host-port clash: both reported", DEV, { hub: { replicas: 0 }, grafana: { port: 9090 } }, "mcp-superserver:grafana.port: 9090 is also the host port of prometheus.port; every published service needs its own host port"],
];

const GOOD: [what: string, base: Record<string, unknown>, change: Record<string, unknown>][] = [
  ["the shipped dev stack", DEV, {}],
  ["the shipped prod stack", PROD, {}],
  ["bindAddress 0.0.0.0", DEV, { docker: { bindAddress: "0.0.0.0" } }],
  ["month and day names", DEV, { backup: { schedule: "30 1 * jan-dec sun-sat" } }],
  ["? on Kubernetes", PROD, { backup: { schedule: "0 2 ? * *" } }],
  ["hourly backups with steps", DEV, { backup: { schedule: "0 */6 * * *" } }],
  ["weekly backup with a week-long BackupMissing", DEV, { backup: { schedule: "0 2 * * 0" }, prometheus: { alerts: { backupMaxAgeHours: 170 } } }],
  ["backup heap above the Docker scheduler's memory (the dump has its own container)", DEV, { backup: { jvmHeap: "1Gi" } }],
  ["keepalive 4900ms", DEV, { loadBalancer: { keepaliveTimeout: "4900ms" } }],
  ["nginx 1.26 on Docker (no resolve there)", DEV, { loadBalancer: { image: "nginx:1.26.2-alpine" } }],
  ["nginx by digest only", PROD, { loadBalancer: { image: `nginx@sha256:${"a".repeat(64)}` } }],
  // Alertmanager's egress opens each receiver URL's port, so any scheme and port gets out.
  ["http receiver on port 80", PROD, { alertmanager: { receivers: { paging: { url: "http://hooks.example.com/page" } } } }],
  ["https receiver on 8443", PROD, { alertmanager: { receivers: { chat: { url: "https://hooks.example.com:8443/chat" } } } }],
  ["https receiver on 443", PROD, { alertmanager: { receivers: { paging: { url: "https://hooks.example.com:443/p" }, chat: { url: hook } } } }],
  ["http receiver on Docker (no NetworkPolicy)", DEV, { alertmanager: { receivers: { paging: { url: "http://127.0.0.1:9999/p" } } } }],
  ["namespace of 58 characters", PROD, { kubernetes: { namespace: "a".repeat(58) } }],
  ["two ports swapped", DEV, { prometheus: { port: 3001 }, grafana: { port: 9090 } }],
];

describe("cross-key rules refuse, naming key, value and what is allowed", () => {
  it.each(BAD)("%s", (_what, base, change, message) => {
    expect(problems(merge(base, change) as Record<string, unknown>)).toContain(message);
  });

  it("a schema error does not hide a cross-key error", () => {
    expect(problems(merge(DEV, { hub: { replicas: 0 }, grafana: { port: 9090 } }) as Record<string, unknown>)).toEqual([
      "mcp-superserver:hub.replicas: 0 is too small; the minimum is 1",
      "mcp-superserver:grafana.port: 9090 is also the host port of prometheus.port; every published service needs its own host port",
    ]);
  });
});

describe("near misses stay accepted", () => {
  it.each(GOOD)("%s", (_what, base, change) => {
    expect(problems(merge(base, change) as Record<string, unknown>)).toEqual([]);
  });
});

describe("facts the rules rest on", () => {
  it("the Alertmanager egress the rule allows is the one the NetworkPolicy opens", () => {
    const k = describeKubernetesStack(parseStackConfig(PROD), "prod");
    const text = JSON.stringify(k.shared);
    expect(text).toContain('"allow-alertmanager"');
    const policy = (k.shared as any[]).find((o) => o.metadata?.name === "allow-alertmanager");
    const external = policy.spec.egress.filter((e: any) => e.to.some((t: any) => t.ipBlock?.cidr === "0.0.0.0/0"));
    expect(external.map((e: any) => e.ports)).toEqual([[{ protocol: "TCP", port: 443 }]]);
  });

  it("measures the longest gap between runs", () => {
    expect(longestGapHours("0 2 * * *")).toBe(24);
    expect(longestGapHours("0 2 * * 1-5")).toBe(72);
    expect(longestGapHours("0 2 1 * *")).toBe(31 * 24);
  });
});
