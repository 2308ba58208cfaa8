/**
 * The Docker backup script, run for real by sh against stand-ins of docker, neo4j-admin and the
 * AWS CLI that keep state and refuse what the real tools refuse (test/support/backupStandIns.ts).
 * Signals are real: the test sends them to the running script while the dump is in progress.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderDockerBackupScript, renderDockerRestoreScript, renderDockerVerifyScript, renderSchedulerEntrypoint } from "../../components/render/backupScript";
import { standInSandbox, type StandInSandbox } from "../support/backupStandIns";

const NEO4J = "mcp-neo4j";
const BUCKET = "mcp-superserver-backups-dev";
let dir: string;
let sb: StandInSandbox;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mcp-backup-"));
  sb = standInSandbox(dir, NEO4J, 5);
  mkdirSync(path.join(dir, "work"));
  mkdirSync(path.join(dir, "metrics"));
  mkdirSync(path.join(sb.s3, BUCKET));
  const input = {
    neo4jContainer: NEO4J,
    neo4jImage: "neo4j:5.26.0-community",
    neo4jDataVolume: "mcp-neo4j-data",
    workVolume: "mcp-backup-work",
    workDir: path.join(dir, "work"),
    network: "mcp-superserver-dev",
    toolsImage: "amazon/aws-cli:2.22.0",
    endpoint: "http://minio:9000",
    secretKeyFile: sb.secretKeyFile,
    bucket: BUCKET,
    prefix: "neo4j/",
    jvmHeap: "1g",
    metricsDir: path.join(dir, "metrics"),
    lockContainer: "mcp-maintenance-lock",
    adminContainer: "mcp-neo4j-admin",
    neo4jStopSeconds: 60,
    stopWindowSeconds: 1800,
    keepLast: 7,
    retentionDays: 30,
    pidFile: path.join(dir, "backup.pid"),
  };
  writeFileSync(path.join(dir, "backup.sh"), renderDockerBackupScript(input));
  writeFileSync(path.join(dir, "restore.sh"), renderDockerRestoreScript(input));
  writeFileSync(path.join(dir, "verify.sh"), renderDockerVerifyScript(input, { container: "mcp-neo4j-verify", volume: "mcp-neo4j-verify-data" }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The store takes only the key the job reads from its secret file.
const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...sb.env, AWS_STANDIN_SECRET_KEY: sb.secretKey, ...extra });
const neo4jState = () => readFileSync(path.join(sb.state, NEO4J), "utf8").trim();
const calls = () => (existsSync(sb.calls) ? readFileSync(sb.calls, "utf8").trim().split("\n") : []);
const uploaded = () => readdirSync(path.join(sb.s3, BUCKET, "neo4j"), { recursive: true }).map(String).filter((f) => f.endsWith(".dump"));
const metric = (file: string, name: string) => {
  const p = path.join(dir, "metrics", file);
  return existsSync(p) ? Number(new RegExp(`^${name} (\\d+)$`, "m").exec(readFileSync(p, "utf8"))![1]) : undefined;
};

function runBackup(extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("sh", [path.join(dir, "backup.sh")], { encoding: "utf8", timeout: 30_000, env: env(extra) });
  return { status: r.status, log: r.stdout + r.stderr };
}

const step = (call: string) =>
  /^docker (stop|start|create|rm) /.exec(call)?.[1] ??
  (call.includes("database dump") && call.startsWith("docker") ? "dump" : call.startsWith("docker run") && call.includes(" s3 cp s3://") ? "download" : call.startsWith("docker run") && call.includes(" s3 cp ") ? "upload" : undefined);

describe("Docker backup script", () => {
  it("locks, stops Neo4j, dumps into a directory it creates, starts Neo4j, uploads with a SHA-256 checksum, unlocks", () => {
    const r = runBackup();
    expect(r.status, r.log).toBe(0);
    expect(calls().map(step).filter(Boolean)).toEqual(["create", "stop", "dump", "start", "upload", "rm"]);
    expect(calls()).toContain("docker stop --time 60 mcp-neo4j");
    expect(neo4jState()).toBe("running");
    const [dump] = uploaded();
    expect(dump).toMatch(/^\d{8}T\d{6}Z\/neo4j\.dump$/);
    const content = readFileSync(path.join(sb.s3, BUCKET, "neo4j", dump), "utf8");
    expect(content.split("\n").filter(Boolean)).toHaveLength(5);
    const sha = createHash("sha256").update(content).digest("hex");
    expect(readFileSync(path.join(sb.s3, BUCKET, "neo4j", `${dump}.sha256`), "utf8")).toBe(sha);
    expect(r.log).toContain(`(${content.length} bytes, sha256 ${sha})`);
    expect(existsSync(path.join(sb.state, "mcp-maintenance-lock"))).toBe(false);
  });

  it("records the last success and closes the stop window; leaves no local dump", () => {
    const before = Math.floor(Date.now() / 1000);
    expect(runBackup().status).toBe(0);
    expect(metric("mcp_backup.prom", "mcp_backup_last_success_timestamp_seconds")).toBeGreaterThanOrEqual(before);
    expect(metric("mcp_backup_window.prom", "mcp_backup_neo4j_stop_window_end_timestamp_seconds")).toBe(0);
    expect(readdirSync(path.join(dir, "work"))).toEqual([]);
  });

  it("the neo4j-admin stand-in refuses a --to-path that does not exist, as Neo4j 5 does", () => {
    rmSync(path.join(sb.store, "server.lock"));
    const r = spawnSync("neo4j-admin", ["database", "dump", "neo4j", `--to-path=${dir}/missing`], { encoding: "utf8", env: env() });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`${dir}/missing is not an existing directory`);
  });

  it("after an unclean stop the dump refuses the store; Neo4j is started (it recovers), nothing is uploaded, the next run succeeds", () => {
    const r = runBackup({ DOCKER_STANDIN_NEO4J_SHUTDOWN_SECONDS: "120" });
    expect(r.status).not.toBe(0);
    expect(r.log).toContain("Active logical log detected, this might be a source of inconsistencies.");
    expect(r.log).toContain("the store needs recovery");
    expect(neo4jState()).toBe("running");
    expect(existsSync(path.join(sb.s3, BUCKET, "neo4j"))).toBe(false);
    expect(metric("mcp_backup.prom", "mcp_backup_last_success_timestamp_seconds")).toBeUndefined();
    expect(runBackup().status).toBe(0);
    expect(uploaded()).toHaveLength(1);
  });

  it("hands the AWS CLI the store's key from its secret file, on stdin: another key is refused by the store", () => {
    writeFileSync(sb.secretKeyFile, "not-the-store-key");
    const r = runBackup();
    expect(r.status).not.toBe(0);
    expect(r.log).toContain("SignatureDoesNotMatch");
    const awsRuns = calls().filter((c) => c.startsWith("docker run") && c.includes(" s3 "));
    expect(awsRuns.length).toBeGreaterThan(0);
    for (const c of awsRuns) expect(c).toMatch(/^docker run --rm .*--interactive .*--entrypoint sh /);
    expect(calls().join("\n")).not.toMatch(/--env AWS_SECRET_ACCESS_KEY|not-the-store-key/);
  });

  it("starts Neo4j again and records nothing when the upload fails", () => {
    const r = runBackup({ AWS_STANDIN_FAIL: "upload" });
    expect(r.status).not.toBe(0);
    expect(neo4jState()).toBe("running");
    expect(metric("mcp_backup.prom", "mcp_backup_last_success_timestamp_seconds")).toBeUndefined();
  });

  it("refuses to start while a restore holds the lock, and stops nothing", () => {
    spawnSync("docker", ["create", "--name", "mcp-maintenance-lock", "neo4j:5.26.0-community"], { env: env() });
    const r = runBackup();
    expect(r.status).toBe(1);
    expect(r.log).toContain("holds the lock mcp-maintenance-lock; nothing is stopped");
    expect(calls().some((c) => c.startsWith("docker stop"))).toBe(false);
    expect(existsSync(path.join(sb.state, "mcp-maintenance-lock"))).toBe(true);
  });

  it("keeps the newest keepLast backups whatever their age and prunes older ones past the retention", () => {
    const now = Date.now();
    const old = (daysAgo: number) => new Date(now - daysAgo * 86400_000).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const ages = [40, 41, 42, 43, 44, 45, 46, 47, 48, 49];
    for (const d of ages) {
      mkdirSync(path.join(sb.s3, BUCKET, "neo4j", old(d)), { recursive: true });
      writeFileSync(path.join(sb.s3, BUCKET, "neo4j", old(d), "neo4j.dump"), "x");
    }
    expect(runBackup().status).toBe(0);
    // The new backup plus the six newest old ones (40..45 days) are the newest 7; 46..49 go.
    const kept = uploaded().map((f) => f.split("/")[0]).sort();
    expect(kept).toHaveLength(7);
    expect(kept.slice(0, 6)).toEqual([45, 44, 43, 42, 41, 40].map(old));
  });
});

describe("Docker backup script under signals", () => {
  function start(extra: NodeJS.ProcessEnv = {}) {
    const child = spawn("sh", [path.join(dir, "backup.sh")], { env: env({ NEO4J_STANDIN_ADMIN_SECONDS: "20", ...extra }), stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.stderr.on("data", (d) => (log += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; log: string }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal, log })),
    );
    return { child, exited };
  }
  async function untilDumping() {
    for (let i = 0; i < 100; i++) {
      if (existsSync(path.join(sb.store, "admin.pid"))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the dump never started");
  }

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ] as const)("on %s during the dump: removes the dump, starts Neo4j, releases the lock, uploads nothing", async (signal, code) => {
    const { child, exited } = start();
    await untilDumping();
    expect(neo4jState()).toBe("exited");
    const sentAt = Date.now();
    child.kill(signal);
    const r = await exited;
    expect(r.code, r.log).toBe(code);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(neo4jState()).toBe("running");
    expect(calls()).not.toContain("neo4j exited: store locked by neo4j-admin");
    expect(existsSync(path.join(sb.state, "mcp-neo4j-admin"))).toBe(false);
    expect(existsSync(path.join(sb.state, "mcp-maintenance-lock"))).toBe(false);
    expect(existsSync(path.join(sb.s3, BUCKET, "neo4j"))).toBe(false);
    expect(metric("mcp_backup_window.prom", "mcp_backup_neo4j_stop_window_end_timestamp_seconds")).toBe(0);
    expect(r.log).toContain(`received ${signal} while neo4j_stopped=1`);
  });

  it("on SIGKILL Neo4j stays stopped, and the published stop window tells Prometheus when to page", async () => {
    const { child, exited } = start();
    await untilDumping();
    const now = Math.floor(Date.now() / 1000);
    child.kill("SIGKILL");
    await exited;
    // The orphaned dump finishes or is removed later; what matters is Neo4j's state and the window.
    expect(neo4jState()).toBe("exited");
    const end = metric("mcp_backup_window.prom", "mcp_backup_neo4j_stop_window_end_timestamp_seconds")!;
    expect(end - now).toBeGreaterThanOrEqual(1799);
    expect(end - now).toBeLessThanOrEqual(1801);
    spawnSync("docker", ["rm", "--force", "mcp-neo4j-admin"], { env: env() });
  });

  it("a docker stop of the scheduler (SIGTERM to its PID 1) lets the running backup start Neo4j before the container goes", async () => {
    mkdirSync(path.join(dir, "crontabs"));
    writeFileSync(path.join(dir, "crontabs/root"), `0 2 * * * sh ${path.join(dir, "backup.sh")}\n`);
    writeFileSync(path.join(dir, "entrypoint.sh"), renderSchedulerEntrypoint({ crontabDir: path.join(dir, "crontabs"), pidFile: path.join(dir, "backup.pid") }));
    const child = spawn("sh", [path.join(dir, "entrypoint.sh")], { env: env({ NEO4J_STANDIN_ADMIN_SECONDS: "20" }), stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await untilDumping();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(neo4jState()).toBe("running");
    expect(existsSync(path.join(sb.state, "mcp-maintenance-lock"))).toBe(false);
  });
});

const runScript = (name: string, args: string[] = [], extra: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync("sh", [path.join(dir, name), ...args], { encoding: "utf8", timeout: 30_000, env: env(extra) });
  return { status: r.status, log: r.stdout + r.stderr };
};
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `node-${i}\n`).join("");
function putBackup(key: string, content: string, sha = createHash("sha256").update(content).digest("hex")) {
  const file = path.join(sb.s3, BUCKET, key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  writeFileSync(`${file}.sha256`, sha);
}

describe("Docker restore (mcp-restore [KEY])", () => {
  it("restores the named backup: verifies it, stops Neo4j, loads, starts Neo4j and checks it answers with its node count", () => {
    putBackup("neo4j/20260101T020000Z/neo4j.dump", nodes(9));
    putBackup("neo4j/20260102T020000Z/neo4j.dump", nodes(3));
    const r = runScript("restore.sh", ["neo4j/20260101T020000Z/neo4j.dump"]);
    expect(r.status, r.log).toBe(0);
    expect(readFileSync(path.join(sb.store, "graph"), "utf8")).toBe(nodes(9));
    expect(neo4jState()).toBe("running");
    expect(r.log).toContain("Neo4j answers RETURN 1");
    expect(r.log).toContain("restored neo4j/20260101T020000Z/neo4j.dump: Neo4j holds 9 nodes");
    expect(calls().map(step).filter(Boolean)).toEqual(["create", "download", "stop", "start", "rm"]);
    expect(existsSync(path.join(sb.state, "mcp-maintenance-lock"))).toBe(false);
  });

  it("without a key restores the newest backup", () => {
    putBackup("neo4j/20260101T020000Z/neo4j.dump", nodes(9));
    putBackup("neo4j/20260102T020000Z/neo4j.dump", nodes(3));
    const r = runScript("restore.sh");
    expect(r.status, r.log).toBe(0);
    expect(r.log).toContain("restored neo4j/20260102T020000Z/neo4j.dump: Neo4j holds 3 nodes");
  });

  it("stops nothing when the download does not match its recorded checksum", () => {
    putBackup("neo4j/20260101T020000Z/neo4j.dump", nodes(9), "0".repeat(64));
    const r = runScript("restore.sh");
    expect(r.status).toBe(1);
    expect(r.log).toContain("checksum mismatch for neo4j/20260101T020000Z/neo4j.dump");
    expect(calls().some((c) => c.startsWith("docker stop"))).toBe(false);
    expect(readFileSync(path.join(sb.store, "graph"), "utf8")).toBe(nodes(5));
  });

  it("refuses while the backup holds the lock", () => {
    putBackup("neo4j/20260101T020000Z/neo4j.dump", nodes(9));
    spawnSync("docker", ["create", "--name", "mcp-maintenance-lock", "--label", "mcp-superserver.lock-holder=backup", "neo4j:5.26.0-community"], { env: env() });
    const r = runScript("restore.sh");
    expect(r.status).toBe(1);
    expect(r.log).toContain("holds the lock mcp-maintenance-lock; nothing is stopped");
    expect(neo4jState()).toBe("running");
  });
});

describe("Docker restore drill (mcp-verify)", () => {
  it("loads the newest backup into a scratch Neo4j, counts its nodes, records the verification and removes the scratch", () => {
    putBackup("neo4j/20260102T020000Z/neo4j.dump", nodes(12));
    const before = Math.floor(Date.now() / 1000);
    const r = runScript("verify.sh");
    expect(r.status, r.log).toBe(0);
    expect(r.log).toContain("drill passed: neo4j/20260102T020000Z/neo4j.dump loads and holds 12 nodes");
    expect(metric("mcp_backup_verified.prom", "mcp_backup_verified_timestamp_seconds")).toBeGreaterThanOrEqual(before);
    // The live Neo4j was never stopped and its store is untouched; the scratch container and volume are gone.
    expect(calls().some((c) => c.startsWith("docker stop"))).toBe(false);
    expect(readFileSync(path.join(sb.store, "graph"), "utf8")).toBe(nodes(5));
    expect(existsSync(path.join(sb.state, "mcp-neo4j-verify"))).toBe(false);
    expect(existsSync(path.join(sb.state, "volumes", "mcp-neo4j-verify-data"))).toBe(false);
  });

  it("records nothing for a backup that loads but holds no nodes", () => {
    putBackup("neo4j/20260102T020000Z/neo4j.dump", "");
    const r = runScript("verify.sh");
    expect(r.status).toBe(1);
    expect(r.log).toContain("loads but holds no nodes");
    expect(metric("mcp_backup_verified.prom", "mcp_backup_verified_timestamp_seconds")).toBeUndefined();
    expect(existsSync(path.join(sb.state, "mcp-neo4j-verify"))).toBe(false);
  });
});
