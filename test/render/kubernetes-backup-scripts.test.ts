/**
 * The Kubernetes backup, restore and drill scripts, run by sh as their containers run them,
 * against stand-ins of the Kubernetes API and Pushgateway (curl), the AWS CLI, neo4j-admin, the
 * neo4j server script and cypher-shell (test/support/backupStandIns.ts). Signals are real.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  renderBackupAwsScript,
  renderBackupDriverScript,
  renderBackupNeo4jScript,
  renderRestoreAwsScript,
  renderRestoreNeo4jScript,
  renderVerifyAwsScript,
  renderVerifyNeo4jScript,
} from "../../components/render/kubernetesBackupScripts";
import { standInSandbox, type StandInSandbox } from "../support/backupStandIns";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const BUCKET = "backups";
const LATEST_KEY = "neo4j/20260101T020000Z/neo4j.dump";
const INPUT = {
  namespace: "mcp",
  statefulSet: "neo4j",
  bucket: BUCKET,
  prefix: "neo4j/",
  pushgatewayUrl: "http://pushgateway:9091/metrics/job/mcp-backup",
  verifyPushgatewayUrl: "http://pushgateway:9091/metrics/job/mcp-backup-verify",
  keepLast: 7,
  retentionDays: 30,
};
const SNAPSHOT = {
  dataClaim: "data-neo4j-0",
  snapshotClass: "neo4j-backup",
  snapshot: "neo4j-backup-snapshot",
  clone: "neo4j-backup-clone",
  cloneStorageClass: "neo4j-backup-clone",
  cloneSize: "20Gi",
  worker: "neo4j-backup-worker",
  leaseSeconds: 14400,
};

interface Pod {
  sb: StandInSandbox;
  env: NodeJS.ProcessEnv;
  script: (name: string) => string;
  calls: () => string[];
  k8s: (file: string) => string | undefined;
}

function pod(nodes = 5): Pod {
  const root = mkdtempSync(path.join(tmpdir(), "k8s-backup-"));
  dirs.push(root);
  const sb = standInSandbox(root, "unused", nodes);
  // The data volume a Kubernetes pod mounts is not held by a server in this pod.
  rmSync(path.join(sb.store, "server.lock"));
  const work = path.join(root, "work");
  const sa = path.join(root, "sa");
  for (const d of [work, sa, path.join(sb.s3, BUCKET)]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(sa, "token"), "token");
  writeFileSync(path.join(sa, "ca.crt"), "ca");
  const input = { ...INPUT, workDir: work };
  const manifest = path.join(root, "worker-pod.json");
  writeFileSync(manifest, JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "neo4j-backup-worker" }, spec: {} }));
  const scripts: Record<string, string> = {
    driver: renderBackupDriverScript(input, { ...SNAPSHOT, workerManifest: manifest }),
    "backup-aws": renderBackupAwsScript(input),
    "backup-neo4j": renderBackupNeo4jScript(input),
    "restore-aws": renderRestoreAwsScript(input, SNAPSHOT),
    "restore-neo4j": renderRestoreNeo4jScript(input),
    "verify-aws": renderVerifyAwsScript(input),
    "verify-neo4j": renderVerifyNeo4jScript(input),
  };
  for (const [name, text] of Object.entries(scripts)) writeFileSync(path.join(root, `${name}.sh`), text);
  return {
    sb,
    env: { ...sb.env, SERVICE_ACCOUNT_DIR: sa, POD_NAME: "job-pod-1", TMPDIR: root },
    script: (name) => path.join(root, `${name}.sh`),
    calls: () => (existsSync(sb.calls) ? readFileSync(sb.calls, "utf8").trim().split("\n") : []),
    k8s: (file) => (existsSync(path.join(root, "k8s", file)) ? readFileSync(path.join(root, "k8s", file), "utf8") : undefined),
  };
}

function start(p: Pod, name: string, extra: NodeJS.ProcessEnv = {}) {
  const child = spawn("sh", [p.script(name)], { env: { ...p.env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const done = new Promise<{ code: number | null; log: string }>((resolve) => child.on("exit", (code) => resolve({ code, log })));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  void done.then(() => clearTimeout(timer));
  return { child, done };
}
const run = (p: Pod, name: string, extra: NodeJS.ProcessEnv = {}) => start(p, name, extra).done;

function putBackup(p: Pod, key: string, content: string, recordedSha = createHash("sha256").update(content).digest("hex")) {
  const file = path.join(p.sb.s3, BUCKET, key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  writeFileSync(`${file}.sha256`, recordedSha);
}
const graph = (nodes: number) => Array.from({ length: nodes }, (_, i) => `node-${i}\n`).join("");
const lease = (holder: string, renewTime: string) =>
  JSON.stringify({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { resourceVersion: "7", name: "neo4j-maintenance" },
    spec: { holderIdentity: holder, leaseDurationSeconds: 14400, renewTime },
  });
const apiCalls = (p: Pod) => p.calls().filter((c) => c.startsWith("curl ")).map((c) => c.slice(5));

describe("Kubernetes backup driver (community): snapshot and clone, Neo4j never stopped", () => {
  it("takes the lease, snapshots the live claim, clones it, runs the worker, then removes all three and releases the lease", async () => {
    const p = pod();
    const r = await run(p, "driver");
    expect(r.code, r.log).toBe(0);
    const calls = apiCalls(p);
    const order = ["POST /apis/coordination.k8s.io/v1/namespaces/mcp/leases", "POST /apis/snapshot.storage.k8s.io/v1/namespaces/mcp/volumesnapshots",
      "POST /api/v1/namespaces/mcp/persistentvolumeclaims", "POST /api/v1/namespaces/mcp/pods",
      "DELETE /api/v1/namespaces/mcp/persistentvolumeclaims/neo4j-backup-clone", "DELETE /apis/snapshot.storage.k8s.io/v1/namespaces/mcp/volumesnapshots/neo4j-backup-snapshot",
      "DELETE /apis/coordination.k8s.io/v1/namespaces/mcp/leases/neo4j-maintenance"];
    const at = order.map((c) => calls.lastIndexOf(c));
    expect(at.every((i) => i >= 0), calls.join("\n")).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(calls.some((c) => c.includes("/scale"))).toBe(false);
    expect(r.log).toContain("Neo4j was never stopped");
    for (const left of ["leases.neo4j-maintenance", "volumesnapshots.neo4j-backup-snapshot", "persistentvolumeclaims.neo4j-backup-clone", "pods.neo4j-backup-worker"]) {
      expect(p.k8s(left), left).toBeUndefined();
    }
  });

  it("the clone claim is made from the snapshot and the snapshot from the live claim", async () => {
    const p = pod();
    const { child, done } = start(p, "driver", { K8S_STANDIN_WORKER_PHASE: "Running" });
    for (let i = 0; i < 100 && !p.k8s("pods.neo4j-backup-worker"); i++) await new Promise((r) => setTimeout(r, 100));
    const snapshot = JSON.parse(p.k8s("volumesnapshots.neo4j-backup-snapshot")!);
    expect(snapshot.spec).toEqual({ volumeSnapshotClassName: "neo4j-backup", source: { persistentVolumeClaimName: "data-neo4j-0" } });
    const clone = JSON.parse(p.k8s("persistentvolumeclaims.neo4j-backup-clone")!);
    expect(clone.spec.dataSource).toEqual({ apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "neo4j-backup-snapshot" });
    expect(clone.spec.storageClassName).toBe("neo4j-backup-clone");
    // SIGTERM while the worker runs: the driver cleans up at once (it is PID 1 in its container and traps TERM).
    const sentAt = Date.now();
    child.kill("SIGTERM");
    const r = await done;
    expect(r.code).toBe(143);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(p.k8s("pods.neo4j-backup-worker")).toBeUndefined();
    expect(p.k8s("persistentvolumeclaims.neo4j-backup-clone")).toBeUndefined();
    expect(p.k8s("volumesnapshots.neo4j-backup-snapshot")).toBeUndefined();
    expect(p.k8s("leases.neo4j-maintenance")).toBeUndefined();
  });

  it("fails, and still cleans up, when the worker fails", async () => {
    const p = pod();
    const r = await run(p, "driver", { K8S_STANDIN_WORKER_PHASE: "Failed" });
    expect(r.code).toBe(1);
    expect(p.k8s("persistentvolumeclaims.neo4j-backup-clone")).toBeUndefined();
    expect(p.k8s("leases.neo4j-maintenance")).toBeUndefined();
  });

  it("does nothing while a restore holds the lease", async () => {
    const p = pod();
    mkdirSync(path.join(p.sb.root, "k8s"));
    writeFileSync(path.join(p.sb.root, "k8s", "leases.neo4j-maintenance"), lease("restore/restore-1", new Date().toISOString()));
    const r = await run(p, "driver");
    expect(r.code).toBe(1);
    expect(r.log).toContain("restore/restore-1 holds the lease neo4j-maintenance");
    expect(apiCalls(p).some((c) => c.includes("volumesnapshots"))).toBe(false);
    expect(p.k8s("leases.neo4j-maintenance")).toContain("restore/restore-1");
  });

  it("takes over a lease abandoned longer ago than its duration (a holder killed by SIGKILL)", async () => {
    const p = pod();
    mkdirSync(path.join(p.sb.root, "k8s"));
    writeFileSync(path.join(p.sb.root, "k8s", "leases.neo4j-maintenance"), lease("backup/old-pod", new Date(Date.now() - 5 * 3600_000).toISOString()));
    const r = await run(p, "driver");
    expect(r.code, r.log).toBe(0);
    expect(r.log).toContain("the lease of backup/old-pod expired");
    expect(apiCalls(p)).toContain("PUT /apis/coordination.k8s.io/v1/namespaces/mcp/leases/neo4j-maintenance");
  });
});

describe("Kubernetes backup worker (community): the clone is crash-consistent", () => {
  it("recovers the clone with a throwaway Neo4j, stops it cleanly, dumps, uploads with the checksum and pushes the metric", async () => {
    const p = pod();
    writeFileSync(path.join(p.sb.store, "needs-recovery"), "");
    const [aws, neo4j] = await Promise.all([run(p, "backup-aws"), run(p, "backup-neo4j")]);
    expect([aws.code, neo4j.code], aws.log + neo4j.log).toEqual([0, 0]);
    const steps = p.calls().filter((c) => /^(neo4j (start|stop)|neo4j-admin database dump)/.test(c));
    expect(steps.map((c) => c.split(" ").slice(0, 3).join(" "))).toEqual(["neo4j start", "neo4j stop", "neo4j-admin database dump"]);
    const upload = p.calls().find((c) => c.startsWith("aws s3 cp"))!;
    const sha = createHash("sha256").update(graph(5)).digest("hex");
    expect(upload).toMatch(/s3:\/\/backups\/neo4j\/\d{8}T\d{6}Z\/neo4j\.dump --checksum-algorithm SHA256 --metadata sha256=/);
    expect(upload).toContain(`sha256=${sha}`);
    expect(p.k8s("pushed")).toMatch(/^mcp_backup_last_success_timestamp_seconds \d+$/m);
  });

  it("without the recovery step the stand-in refuses the dump as neo4j-admin does", async () => {
    const p = pod();
    writeFileSync(path.join(p.sb.store, "needs-recovery"), "");
    mkdirSync(path.join(p.sb.root, "dump"));
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn("neo4j-admin", ["database", "dump", "neo4j", `--to-path=${path.join(p.sb.root, "dump")}`], { env: p.env });
      let err = "";
      c.stderr.on("data", (d) => (err += d));
      c.on("exit", (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("Active logical log detected, this might be a source of inconsistencies.");
  });
});

describe("Kubernetes restore", () => {
  it("takes the lease, fetches the newest backup, verifies it, stops Neo4j, loads, starts Neo4j, releases the lease", async () => {
    const p = pod(2);
    putBackup(p, LATEST_KEY, graph(9));
    const [aws, neo4j] = await Promise.all([run(p, "restore-aws"), run(p, "restore-neo4j")]);
    expect([aws.code, neo4j.code], aws.log + neo4j.log).toEqual([0, 0]);
    const calls = p.calls();
    const scale = calls.filter((c) => c.includes("/scale"));
    expect(scale).toHaveLength(2);
    expect(readFileSync(path.join(p.sb.root, "k8s", "scale"), "utf8")).toContain('"replicas":1');
    const loadAt = calls.findIndex((c) => c.startsWith("neo4j-admin database load") && c.includes("--overwrite-destination=true neo4j"));
    expect(loadAt).toBeGreaterThan(calls.indexOf(scale[0]));
    expect(calls.lastIndexOf(scale[1])).toBeGreaterThan(loadAt);
    expect(readFileSync(path.join(p.sb.store, "graph"), "utf8")).toBe(graph(9));
    expect(p.k8s("leases.neo4j-maintenance")).toBeUndefined();
  });

  it("leaves Neo4j running on its data when the download does not match the recorded checksum", async () => {
    const p = pod(2);
    putBackup(p, LATEST_KEY, graph(9), "0".repeat(64));
    const [aws, neo4j] = await Promise.all([run(p, "restore-aws"), run(p, "restore-neo4j")]);
    expect(aws.code).not.toBe(0);
    expect(neo4j.code).not.toBe(0);
    expect(p.calls().some((c) => c.includes("/scale"))).toBe(false);
    expect(p.calls().some((c) => c.startsWith("neo4j-admin"))).toBe(false);
  });

  it("refuses to start while the backup holds the lease", async () => {
    const p = pod(2);
    putBackup(p, LATEST_KEY, graph(9));
    mkdirSync(path.join(p.sb.root, "k8s"));
    writeFileSync(path.join(p.sb.root, "k8s", "leases.neo4j-maintenance"), lease("backup/neo4j-backup-1", new Date().toISOString()));
    const [aws] = await Promise.all([run(p, "restore-aws"), run(p, "restore-neo4j")]);
    expect(aws.code).toBe(1);
    expect(aws.log).toContain("backup/neo4j-backup-1 holds the lease");
    expect(p.calls().some((c) => c.includes("/scale"))).toBe(false);
  });

  it("on SIGTERM during the load scales Neo4j back up and releases the lease", async () => {
    const p = pod(2);
    putBackup(p, LATEST_KEY, graph(9));
    const aws = start(p, "restore-aws");
    const neo4j = start(p, "restore-neo4j", { NEO4J_STANDIN_ADMIN_SECONDS: "20" });
    for (let i = 0; i < 100 && !existsSync(path.join(p.sb.store, "admin.pid")); i++) await new Promise((r) => setTimeout(r, 100));
    const sentAt = Date.now();
    aws.child.kill("SIGTERM");
    const r = await aws.done;
    expect(r.code, r.log).toBe(143);
    expect(readFileSync(path.join(p.sb.root, "k8s", "scale"), "utf8")).toContain('"replicas":1');
    expect(p.k8s("leases.neo4j-maintenance")).toBeUndefined();
    // The load was stopped before Neo4j was scaled up: no neo4j-admin holds the store.
    expect(existsSync(path.join(p.sb.store, "admin.pid"))).toBe(false);
    expect((await neo4j.done).code).not.toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(8000);
  });
});

describe("Kubernetes restore drill", () => {
  it("loads the newest backup into its own scratch store, counts its nodes and records the verification", async () => {
    const p = pod(0);
    putBackup(p, LATEST_KEY, graph(12));
    const [aws, neo4j] = await Promise.all([run(p, "verify-aws"), run(p, "verify-neo4j")]);
    expect([aws.code, neo4j.code], aws.log + neo4j.log).toEqual([0, 0]);
    expect(aws.log).toContain(`drill passed: ${LATEST_KEY} loads and holds 12 nodes`);
    expect(p.k8s("pushed")).toMatch(/^mcp_backup_verified_timestamp_seconds \d+$/m);
    expect(p.calls()).toContain("push http://pushgateway:9091/metrics/job/mcp-backup-verify");
    expect(p.calls().some((c) => c.startsWith("curl "))).toBe(false);
  });

  it("records nothing when the backup does not match its checksum", async () => {
    const p = pod(0);
    putBackup(p, LATEST_KEY, graph(12), "f".repeat(64));
    const [aws] = await Promise.all([run(p, "verify-aws"), run(p, "verify-neo4j")]);
    expect(aws.code).not.toBe(0);
    expect(p.k8s("pushed")).toBeUndefined();
  });

  it("records nothing when the backup loads but holds no nodes", async () => {
    const p = pod(0);
    putBackup(p, LATEST_KEY, "");
    const [aws, neo4j] = await Promise.all([run(p, "verify-aws"), run(p, "verify-neo4j")]);
    expect(aws.code).not.toBe(0);
    expect(neo4j.log).toContain("holds no nodes");
    expect(p.k8s("pushed")).toBeUndefined();
  });
});
