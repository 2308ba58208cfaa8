/**
 * Rules between keys that the schema cannot see one at a time: host-port clashes, addresses and
 * CIDRs in range, names derived from the namespace, cron syntax of the target's scheduler, backup
 * timing against its alert, timeouts against the hub's and image versions the config relies on.
 * Receiver URLs need no rule: Alertmanager's egress opens the port of each configured URL
 * (components/kubernetes/stack.ts, receiverPorts). Same shape and wording as rules/index.ts.
 */
import { CronExpressionParser } from "cron-parser";
import { durationSeconds } from "../primitives";
import { formatBytes } from "../quantity";
import type { RuleIssue } from "./issue";
import type { StackConfig } from "../schema";

/** Host ports the Docker target publishes, by the key that sets them; Neo4j's are fixed. */
export function dockerHostPortKeys(cfg: StackConfig): { key: string; port: number }[] {
  return [
    { key: "loadBalancer.port", port: cfg.loadBalancer.port },
    { key: "prometheus.port", port: cfg.prometheus.port },
    { key: "alertmanager.port", port: cfg.alertmanager.port },
    { key: "grafana.port", port: cfg.grafana.port },
    { key: "backup.objectStorePort", port: cfg.backup.objectStorePort },
    { key: "neo4j (Bolt, fixed)", port: 7687 },
    { key: "neo4j (HTTP, fixed)", port: 7474 },
  ];
}

function hostPortClashes(cfg: StackConfig): RuleIssue[] {
  const seen = new Map<number, string>();
  const issues: RuleIssue[] = [];
  for (const { key, port } of dockerHostPortKeys(cfg)) {
    const first = seen.get(port);
    if (first === undefined) seen.set(port, key);
    else if (!key.includes("fixed")) {
      issues.push({ path: key.split("."), effective: String(port), message: `is also the host port of ${first}; every published service needs its own host port` });
    } else {
      const path = first.split(".");
      issues.push({ path, effective: String(port), message: `is also the host port of ${key}; pick another port` });
    }
  }
  return issues;
}

export const octetsOk = (ip: string) => ip.split(".").every((o) => Number(o) <= 255 && String(Number(o)) === o);

/** An IPv4 CIDR (its shape checked by the schema) whose parts are in range. */
const cidrInRange = (text: string) => {
  const [ip, prefix] = text.split("/");
  return octetsOk(ip) && Number(prefix) <= 32;
};

/** Each out-of-range CIDR of a list, at its index under `path`. */
export function cidrListIssues(path: (string | number)[], cidrs: readonly string[]): RuleIssue[] {
  return cidrs.flatMap((c, i) => (cidrInRange(c) ? [] : [{ path: [...path, i], effective: c, message: "is out of range: each part 0-255, the prefix 0-32, e.g. 203.0.113.0/24" }]));
}

function addresses(cfg: StackConfig): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (cfg.target === "docker" && !octetsOk(cfg.docker.bindAddress)) {
    issues.push({ path: ["docker", "bindAddress"], effective: cfg.docker.bindAddress, message: "is not an IPv4 address (each part 0-255, no leading zeros); use 127.0.0.1 or 0.0.0.0" });
  }
  if (cfg.target !== "kubernetes") return issues;
  issues.push(...cidrListIssues(["cluster", "apiAllowedCidrs"], cfg.cluster.apiAllowedCidrs ?? []));
  const vpc = cfg.cluster.vpc.cidr;
  if (vpc !== undefined) {
    const [a, b, c, d] = vpc.split("/")[0].split(".").map(Number);
    if (!cidrInRange(vpc)) issues.push({ path: ["cluster", "vpc", "cidr"], effective: vpc, message: "is out of range: each part 0-255, e.g. 10.40.0.0/16" });
    else if (c !== 0 || d !== 0) issues.push({ path: ["cluster", "vpc", "cidr"], effective: vpc, message: `has host bits set; a /16 starts at ${a}.${b}.0.0` });
  }
  return issues;
}

/** node_exporter's namespace is `<namespace>-node` (components/kubernetes/stack.ts); a namespace is a 63-character DNS label. */
export const NODE_NAMESPACE_SUFFIX = "-node";

function namespaceLength(cfg: StackConfig): RuleIssue[] {
  const ns = cfg.kubernetes.namespace;
  const max = 63 - NODE_NAMESPACE_SUFFIX.length;
  if (cfg.target !== "kubernetes" || ns.length <= max) return [];
  return [{ path: ["kubernetes", "namespace"], effective: ns, message: `is ${ns.length} characters; at most ${max}, so that "${ns}${NODE_NAMESPACE_SUFFIX}" stays a 63-character namespace name` }];
}

/**
 * What each scheduler parses: busybox crond (Docker) takes numbers, `*`, ranges, lists, steps and
 * three-letter month/day names (busybox miscutils/crond.c, ParseField); Kubernetes CronJob
 * (robfig/cron's standard parser) also takes `?` for day-of-month/day-of-week. Neither knows
 * Quartz's L, W or #, which cron-parser accepts.
 */
function cronSyntax(cfg: StackConfig): RuleIssue[] {
  const fields = cfg.backup.schedule.trim().split(/\s+/);
  const names = /^[a-z]{3}$/i;
  const plain = /^[\d*,/-]+$/;
  const kubernetes = cfg.target === "kubernetes";
  const bad = fields.find((f, i) => {
    const parts = f.split(/[,/-]/);
    const named = (i === 3 || i === 4) && parts.every((p) => names.test(p) || /^[\d*]+$/.test(p));
    const question = kubernetes && (i === 2 || i === 4) && f === "?";
    return !(plain.test(f) || named || question);
  });
  if (bad === undefined) return [];
  const scheduler = kubernetes ? "a Kubernetes CronJob" : "busybox crond (the Docker target's scheduler)";
  return [{ path: ["backup", "schedule"], effective: cfg.backup.schedule, message: `has "${bad}", which ${scheduler} does not accept; use numbers, *, ranges, lists, steps and month/day names, e.g. "0 2 * * *"` }];
}

/** The longest wait between two runs over the next year (bounded: at most 20000 runs). */
export function longestGapHours(schedule: string, from = new Date("2027-01-01T00:00:00Z")): number {
  const it = CronExpressionParser.parse(schedule, { currentDate: from, tz: "UTC" });
  const end = from.getTime() + 366 * 24 * 3600 * 1000;
  let previous = from.getTime();
  let first = true;
  let longest = 0;
  for (let i = 0; i < 20000; i++) {
    const next = it.next().getTime();
    if (!first) longest = Math.max(longest, next - previous);
    first = false;
    previous = next;
    if (next > end) break;
  }
  return longest / 3600_000;
}

function backupTiming(cfg: StackConfig): RuleIssue[] {
  const maxAge = cfg.prometheus.alerts.backupMaxAgeHours;
  let gap: number;
  try {
    gap = longestGapHours(cfg.backup.schedule);
  } catch {
    return [];
  }
  if (gap <= maxAge) return [];
  return [
    {
      path: ["backup", "schedule"],
      effective: cfg.backup.schedule,
      message: `leaves up to ${Number(gap.toFixed(1))}h between backups, more than prometheus.alerts.backupMaxAgeHours (${maxAge}); BackupMissing would fire between good runs. Run it more often or raise backupMaxAgeHours`,
    },
  ];
}

function backupHeap(cfg: StackConfig): RuleIssue[] {
  // On Docker the dump runs in its own container without a limit; on Kubernetes it runs in the
  // backup container, whose limit must hold the heap and the JVM around it.
  const limit = cfg.backup.resources.limits.memory;
  if (cfg.target !== "kubernetes" || cfg.backup.jvmHeap < limit) return [];
  return [
    {
      path: ["backup", "jvmHeap"],
      effective: formatBytes(cfg.backup.jvmHeap),
      message: `is not below backup.resources.limits.memory (${formatBytes(limit)}); neo4j-admin would be OOM-killed. Lower the heap or raise the limit`,
    },
  ];
}

/**
 * Node's http server closes idle keep-alive connections after 5 s (`server.keepAliveTimeout`,
 * Node docs); the hub (express on Node 20) keeps that default. nginx must drop them first, or it
 * reuses a connection the hub is closing and the request fails with a 502.
 */
export const HUB_IDLE_TIMEOUT_SECONDS = 5;

function keepaliveTimeout(cfg: StackConfig): RuleIssue[] {
  const t = cfg.loadBalancer.keepaliveTimeout;
  if (durationSeconds(t) < HUB_IDLE_TIMEOUT_SECONDS) return [];
  return [{ path: ["loadBalancer", "keepaliveTimeout"], effective: t, message: `is not below the hub's idle timeout (${HUB_IDLE_TIMEOUT_SECONDS}s); use e.g. 4s so nginx closes idle connections before the hub does` }];
}

const tagVersion = (image: string) => /:v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(image)?.slice(1).map((n) => Number(n ?? 0));
const below = (v: number[], min: number[]) => v[0] !== min[0] ? v[0] < min[0] : v[1] !== min[1] ? v[1] < min[1] : v[2] < min[2];

/** `server ... resolve` in an upstream needs open-source nginx 1.27.3 (nginx changelog, 1.27.3). */
export const NGINX_RESOLVE_VERSION = [1, 27, 3];

/** Where the rendered upstream uses `resolve` (components/render/nginxUpstream.ts): the Kubernetes headless Service. */
export function nginxUsesResolve(cfg: StackConfig): boolean {
  return cfg.target === "kubernetes";
}

function imageVersions(cfg: StackConfig): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const neo4j = tagVersion(cfg.neo4j.image);
  // The settings are Neo4j 5's names (server.memory.*); 4.x refuses them, 6 is not supported.
  if (neo4j && neo4j[0] !== 5) {
    issues.push({ path: ["neo4j", "image"], effective: cfg.neo4j.image, message: "is not Neo4j 5; the stack sets Neo4j 5 settings (server.memory.*), use e.g. neo4j:5.26.0-community" });
  }
  const nginx = tagVersion(cfg.loadBalancer.image);
  if (nginx && nginxUsesResolve(cfg) && below(nginx, NGINX_RESOLVE_VERSION)) {
    issues.push({
      path: ["loadBalancer", "image"],
      effective: cfg.loadBalancer.image,
      message: `is older than nginx ${NGINX_RESOLVE_VERSION.join(".")}, which the upstream's \`resolve\` needs on ${cfg.target}; use e.g. nginx:1.27.3-alpine`,
    });
  }
  return issues;
}

export function crossKeyIssues(cfg: StackConfig): RuleIssue[] {
  return [
    ...(cfg.target === "docker" ? hostPortClashes(cfg) : []),
    ...addresses(cfg),
    ...namespaceLength(cfg),
    ...cronSyntax(cfg),
    ...backupTiming(cfg),
    ...backupHeap(cfg),
    ...keepaliveTimeout(cfg),
    ...imageVersions(cfg),
  ];
}
