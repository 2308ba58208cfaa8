/**
 * The Docker backup script, run for real by sh with a stub `docker` on PATH that records every
 * call and plays the dump (writes a file) and the upload. Checks the order that makes the
 * backup consistent, that Neo4j always comes back, and what is recorded on success only.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderDockerBackupScript } from "../components/render/backupScript";

const STUB_DOCKER = `#!/bin/sh
# Records the call; fails the step named in $FAIL_STEP; the dump writes a file.
echo "$*" >> "$CALLS"
case "$*" in
  *"database dump"*)
    [ "$FAIL_STEP" = dump ] && exit 1
    for a in "$@"; do case "$a" in --to-path=*) dir="\${a#--to-path=}";; esac; done
    mkdir -p "$dir" && printf 'graph-bytes' > "$dir/neo4j.dump" ;;
  *" s3 cp "*) [ "$FAIL_STEP" = upload ] && exit 1 ;;
esac
exit 0
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mcp-backup-"));
  mkdirSync(path.join(dir, "bin"));
  mkdirSync(path.join(dir, "work"));
  mkdirSync(path.join(dir, "metrics"));
  writeFileSync(path.join(dir, "bin/docker"), STUB_DOCKER);
  chmodSync(path.join(dir, "bin/docker"), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runBackup(failStep = "") {
  const script = renderDockerBackupScript({
    neo4jContainer: "mcp-neo4j",
    neo4jImage: "neo4j:5.26.0-community",
    neo4jDataVolume: "mcp-neo4j-data",
    workVolume: "mcp-backup-work",
    workDir: path.join(dir, "work"),
    network: "mcp-superserver-dev",
    toolsImage: "amazon/aws-cli:2.22.0",
    endpoint: "http://minio:9000",
    bucket: "mcp-superserver-backups-dev",
    prefix: "neo4j/",
    jvmHeap: "1g",
    metricsDir: path.join(dir, "metrics"),
  });
  writeFileSync(path.join(dir, "backup.sh"), script);
  const r = spawnSync("sh", [path.join(dir, "backup.sh")], {
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, CALLS: path.join(dir, "calls"), FAIL_STEP: failStep },
  });
  const calls = existsSync(path.join(dir, "calls")) ? readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
  return { status: r.status, log: r.stdout + r.stderr, calls };
}

const step = (call: string) =>
  call.startsWith("stop ") ? "stop" : call.startsWith("start ") ? "start" : call.includes("database dump") ? "dump" : call.includes(" s3 cp ") ? "upload" : call;

describe("Docker backup script", () => {
  it("stops Neo4j, dumps, starts it again, then uploads with a SHA-256 checksum", () => {
    const r = runBackup();
    expect(r.status, r.log).toBe(0);
    expect(r.calls.map(step)).toEqual(["stop", "dump", "start", "upload"]);
    expect(r.calls[0]).toBe("stop --time 60 mcp-neo4j");
    expect(r.calls[1]).toContain("--env HEAP_SIZE=1g --volume mcp-neo4j-data:/data");
    const sha = createHash("sha256").update("graph-bytes").digest("hex");
    const upload = r.calls[3];
    expect(upload).toMatch(/--endpoint-url http:\/\/minio:9000 s3 cp \S+\/neo4j\.dump s3:\/\/mcp-superserver-backups-dev\/neo4j\/\d{8}T\d{6}Z\/neo4j\.dump/);
    expect(upload).toContain(`--checksum-algorithm SHA256 --metadata sha256=${sha}`);
    expect(upload).toContain("--env AWS_SECRET_ACCESS_KEY");
    expect(r.log).toContain(`(11 bytes, sha256 ${sha})`);
  });

  it("records the last success for the BackupMissing alert and removes the local dump", () => {
    const before = Math.floor(Date.now() / 1000);
    expect(runBackup().status).toBe(0);
    const metric = readFileSync(path.join(dir, "metrics/mcp_backup.prom"), "utf8");
    const value = Number(/^mcp_backup_last_success_timestamp_seconds (\d+)$/m.exec(metric)![1]);
    expect(value).toBeGreaterThanOrEqual(before);
    expect(spawnSync("ls", [path.join(dir, "work")], { encoding: "utf8" }).stdout.trim()).toBe("");
  });

  it("starts Neo4j again when the dump fails, and uploads and records nothing", () => {
    const r = runBackup("dump");
    expect(r.status).not.toBe(0);
    expect(r.calls.map(step)).toEqual(["stop", "dump", "start"]);
    expect(existsSync(path.join(dir, "metrics/mcp_backup.prom"))).toBe(false);
  });

  it("fails without recording success when the upload fails", () => {
    const r = runBackup("upload");
    expect(r.status).not.toBe(0);
    expect(r.calls.map(step)).toEqual(["stop", "dump", "start", "upload"]);
    expect(existsSync(path.join(dir, "metrics/mcp_backup.prom"))).toBe(false);
  });
});
