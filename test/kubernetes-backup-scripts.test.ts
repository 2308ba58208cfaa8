/**
 * Runs the Kubernetes backup pod's two scripts side by side, as their containers do, with the
 * AWS CLI, curl and neo4j-admin replaced by recording stubs: the hand-over, the scaling, the
 * checksummed upload and the metric push are the scripts' own behaviour.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  renderBackupAwsScript,
  renderBackupNeo4jScript,
  renderRestoreAwsScript,
  renderRestoreNeo4jScript,
} from "../components/render/kubernetesBackupScripts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const DUMP_CONTENT = "neo4j dump bytes\n";

const LATEST_KEY = "neo4j/20260101T020000Z/neo4j.dump";

function sandbox(failDump: boolean, recordedSha = createHash("sha256").update(DUMP_CONTENT).digest("hex")) {
  const root = mkdtempSync(path.join(tmpdir(), "k8s-backup-"));
  dirs.push(root);
  const bin = path.join(root, "bin");
  const sa = path.join(root, "sa");
  const work = path.join(root, "work");
  for (const d of [bin, sa, work]) mkdirSync(d);
  writeFileSync(path.join(sa, "token"), "token");
  writeFileSync(path.join(sa, "ca.crt"), "ca");
  const log = path.join(root, "calls.log");
  const stub = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  // The pod-status check asks for the HTTP code: the pod is gone (404) at once.
  stub("curl", `echo "curl $*" >> '${log}'\ncase "$*" in *"%{http_code}"*) printf 404 ;; esac\nif [ "$1" = "-sS" ] && case "$*" in *--data-binary*) true ;; *) false ;; esac; then cat >> '${log}'; fi\nexit 0`);
  // Downloads write the dump; the listing names the latest key; head-object returns the recorded digest.
  stub(
    "aws",
    `echo "aws $*" >> '${log}'
case "$1 $2" in
  "s3 cp") case "$3" in s3://*) printf '${DUMP_CONTENT.replace("\n", "\\n")}' > "$4" ;; esac ;;
  "s3api list-objects-v2") echo '${LATEST_KEY}' ;;
  "s3api head-object") echo '${recordedSha}' ;;
esac`,
  );
  stub(
    "neo4j-admin",
    failDump
      ? `echo "neo4j-admin $*" >> '${log}'\nexit 1`
      : `echo "neo4j-admin $*" >> '${log}'\nfor a in "$@"; do case "$a" in --to-path=*) printf '${DUMP_CONTENT.replace("\n", "\\n")}' > "\${a#--to-path=}/neo4j.dump" ;; esac; done`,
  );
  const input = {
    namespace: "mcp",
    statefulSet: "neo4j",
    workDir: work,
    bucket: "backups",
    prefix: "neo4j/",
    pushgatewayUrl: "http://pushgateway:9091/metrics/job/mcp-backup",
  };
  writeFileSync(path.join(root, "aws.sh"), renderBackupAwsScript(input));
  writeFileSync(path.join(root, "neo4j.sh"), renderBackupNeo4jScript(input));
  writeFileSync(path.join(root, "restore-aws.sh"), renderRestoreAwsScript(input));
  writeFileSync(path.join(root, "restore-neo4j.sh"), renderRestoreNeo4jScript(input));
  return { root, bin, sa, log };
}

function runScript(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [file], { env, stdio: "ignore", timeout: 60_000 });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

async function runPod(failDump: boolean, opts: { restore?: boolean; recordedSha?: string } = {}) {
  const s = sandbox(failDump, opts.recordedSha);
  const env = { ...process.env, PATH: `${s.bin}:${process.env.PATH}`, SERVICE_ACCOUNT_DIR: s.sa };
  const [awsScript, neo4jScript] = opts.restore ? ["restore-aws.sh", "restore-neo4j.sh"] : ["aws.sh", "neo4j.sh"];
  const [aws, neo4j] = await Promise.all([runScript(path.join(s.root, awsScript), env), runScript(path.join(s.root, neo4jScript), env)]);
  return { aws, neo4j, calls: readFileSync(s.log, "utf8").split("\n").filter(Boolean) };
}

const scaleCalls = (calls: string[]) => calls.filter((c) => c.includes("/scale")).map((c) => JSON.parse(/-d (\{.*\})/.exec(c)![1]).spec.replicas);

describe("Kubernetes backup pod (community)", () => {
  it("stops Neo4j, dumps, starts it again, uploads with the dump's checksum and pushes the metric", async () => {
    const { aws, neo4j, calls } = await runPod(false);
    expect([aws, neo4j]).toEqual([0, 0]);
    expect(scaleCalls(calls)).toEqual([0, 1]);
    const dumpAt = calls.findIndex((c) => c.startsWith("neo4j-admin database dump neo4j"));
    const scaleUpAt = calls.findIndex((c) => c.includes('"replicas":1'));
    expect(dumpAt).toBeGreaterThan(calls.findIndex((c) => c.includes('"replicas":0')));
    expect(scaleUpAt).toBeGreaterThan(dumpAt);
    const sha = createHash("sha256").update(DUMP_CONTENT).digest("hex");
    const upload = calls.find((c) => c.startsWith("aws s3 cp"))!;
    expect(upload).toMatch(/s3:\/\/backups\/neo4j\/\d{8}T\d{6}Z\/neo4j\.dump/);
    expect(upload).toContain("--checksum-algorithm SHA256");
    expect(upload).toContain(`--metadata sha256=${sha}`);
    expect(calls.some((c) => /^mcp_backup_last_success_timestamp_seconds \d+$/.test(c))).toBe(true);
  });

  it("brings Neo4j back and reports nothing when the dump fails", async () => {
    const { aws, calls } = await runPod(true);
    expect(aws).not.toBe(0);
    expect(scaleCalls(calls)).toEqual([0, 1]);
    expect(calls.some((c) => c.startsWith("aws s3 cp"))).toBe(false);
    expect(calls.some((c) => c.includes("mcp_backup_last_success_timestamp_seconds"))).toBe(false);
  });
});

describe("Kubernetes restore pod", () => {
  it("fetches the latest backup, verifies its checksum, stops Neo4j, loads the dump and starts Neo4j", async () => {
    const { aws, neo4j, calls } = await runPod(false, { restore: true });
    expect([aws, neo4j]).toEqual([0, 0]);
    expect(calls.find((c) => c.startsWith("aws s3 cp"))).toContain(`s3://backups/${LATEST_KEY}`);
    expect(scaleCalls(calls)).toEqual([0, 1]);
    const loadAt = calls.findIndex((c) => c.startsWith("neo4j-admin database load") && c.includes("--overwrite-destination=true neo4j"));
    expect(loadAt).toBeGreaterThan(calls.findIndex((c) => c.includes('"replicas":0')));
    expect(calls.findIndex((c) => c.includes('"replicas":1'))).toBeGreaterThan(loadAt);
  });

  it("leaves Neo4j running on its data when the download does not match the recorded checksum", async () => {
    const { aws, neo4j, calls } = await runPod(false, { restore: true, recordedSha: "0".repeat(64) });
    expect(aws).not.toBe(0);
    expect(neo4j).not.toBe(0);
    expect(scaleCalls(calls)).toEqual([]);
    expect(calls.some((c) => c.startsWith("neo4j-admin"))).toBe(false);
  });
});
