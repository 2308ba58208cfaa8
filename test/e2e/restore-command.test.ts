/**
 * `npm run restore` on both targets. Docker: the command runs the rendered mcp-restore through
 * the docker stand-in's exec, against the stand-ins of the whole backup path. Kubernetes: a
 * kubectl stand-in that answers `create job --from=cronjob` with the job template of the
 * CronJob this program renders, and cypher-shell answers through `kubectl exec`.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config/parse";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import { renderDockerRestoreScript } from "../../components/render/backupScript";
import { parseRestoreArgs, restore, runCommand, type RestoreDeps } from "../../scripts/restore";
import { standInSandbox } from "../support/backupStandIns";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), "mcp-restore-"));
  dirs.push(d);
  return d;
};

function deps(target: unknown, env: NodeJS.ProcessEnv): RestoreDeps & { out: () => string } {
  let out = "";
  const write = (t: string) => (out += t);
  return { outputs: async () => ({ restoreTarget: { value: target } }), run: runCommand(write, env), write, sleep: async () => undefined, now: () => 1767232800000, out: () => out };
}

describe("restore arguments", () => {
  it("names what is wrong and what is allowed", () => {
    expect(parseRestoreArgs(["--stack", "staging"])).toBe('--stack is "staging"; use dev or prod');
    expect(parseRestoreArgs(["--stack", "dev", "--backup"])).toBe("--backup needs a key, e.g. neo4j/20260101T020000Z/neo4j.dump (see --list)");
    expect(parseRestoreArgs(["--stack", "dev", "--force"])).toBe("unknown argument --force; usage: npm run restore -- --stack <dev|prod> [--backup KEY] [--list]");
    expect(parseRestoreArgs(["--stack", "prod", "--backup", "neo4j/x/neo4j.dump"])).toEqual({ stack: "prod", backup: "neo4j/x/neo4j.dump", list: false });
  });
});

describe("npm run restore -- --stack dev", () => {
  function sandbox() {
    const dir = tmp();
    const sb = standInSandbox(dir, "mcp-neo4j", 5);
    // The store takes only the key the job reads from its secret file.
    sb.env.AWS_STANDIN_SECRET_KEY = sb.secretKey;
    for (const d of ["work", "metrics", "s3/mcp-superserver-backups-dev"]) mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(path.join(sb.state, "mcp-backup"), "running\n");
    const script = path.join(dir, "mcp-restore");
    writeFileSync(script, renderDockerRestoreScript({
      neo4jContainer: "mcp-neo4j", neo4jImage: "neo4j:5.26.0-community", neo4jDataVolume: "mcp-neo4j-data", workVolume: "mcp-backup-work",
      workDir: path.join(dir, "work"), network: "mcp-superserver-dev", toolsImage: "amazon/aws-cli:2.22.0", endpoint: "http://minio:9000", secretKeyFile: sb.secretKeyFile,
      bucket: "mcp-superserver-backups-dev", prefix: "neo4j/", jvmHeap: "1g", metricsDir: path.join(dir, "metrics"),
      lockContainer: "mcp-neo4j-maintenance-lock", adminContainer: "mcp-neo4j-admin", neo4jStopSeconds: 60, stopWindowSeconds: 1800,
      keepLast: 7, retentionDays: 30, pidFile: path.join(dir, "pid"),
    }));
    chmodSync(script, 0o755);
    const put = (key: string, content: string) => {
      const f = path.join(dir, "s3/mcp-superserver-backups-dev", key);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, content);
      writeFileSync(`${f}.sha256`, createHash("sha256").update(content).digest("hex"));
    };
    return { dir, sb, script, put, target: { target: "docker", container: "mcp-backup", restoreCommand: script } };
  }

  it("lists the backups, then restores the chosen one and reports Neo4j's answer and node count", async () => {
    const s = sandbox();
    s.put("neo4j/20260101T020000Z/neo4j.dump", "a\nb\nc\n");
    s.put("neo4j/20260102T020000Z/neo4j.dump", "a\n");
    const listing = deps(s.target, s.sb.env);
    expect(await restore({ stack: "dev", list: true }, listing)).toBe(0);
    expect(listing.out().trim().split("\n")).toEqual(["neo4j/20260101T020000Z/neo4j.dump", "neo4j/20260102T020000Z/neo4j.dump"]);
    const d = deps(s.target, s.sb.env);
    expect(await restore({ stack: "dev", backup: "neo4j/20260101T020000Z/neo4j.dump", list: false }, d)).toBe(0);
    const out = d.out();
    expect(out).toContain("restore: running");
    expect(out).toMatch(/fetched s3:\/\/mcp-superserver-backups-dev\/neo4j\/20260101T020000Z\/neo4j\.dump \(sha256 [0-9a-f]{64} verified\)/);
    expect(out).toContain("stopping mcp-neo4j");
    expect(out).toContain("Neo4j answers RETURN 1");
    expect(out).toContain("restored neo4j/20260101T020000Z/neo4j.dump: Neo4j holds 3 nodes");
    expect(out).toContain("restore: done");
    expect(readFileSync(path.join(s.sb.store, "graph"), "utf8")).toBe("a\nb\nc\n");
  });

  it("fails with the step while a backup holds the lock", async () => {
    const s = sandbox();
    s.put("neo4j/20260101T020000Z/neo4j.dump", "a\n");
    writeFileSync(path.join(s.sb.state, "mcp-neo4j-maintenance-lock"), "created\n");
    const d = deps(s.target, s.sb.env);
    expect(await restore({ stack: "dev", list: false }, d)).toBe(1);
    expect(d.out()).toContain("holds the lock mcp-neo4j-maintenance-lock; nothing is stopped");
    expect(d.out()).toContain("restore: failed (exit 1)");
  });
});

/**
 * kubectl for the calls scripts/restore.ts makes. `create job --from=cronjob/X NAME --dry-run=client
 * -o json` prints a Job built from the CronJob's jobTemplate, as kubectl does; a missing CronJob is
 * kubectl's `Error from server (NotFound): cronjobs.batch "X" not found` (exit 1).
 */
const KUBECTL = `#!/bin/sh
echo "kubectl $*" >> "$CALLS"
shift 2
case "$1 $2" in
  "create job")
    from=\${3#--from=cronjob/}
    [ -f "$DIR/cronjob.$from.json" ] || { echo "Error from server (NotFound): cronjobs.batch \\"$from\\" not found" >&2; exit 1; }
    node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(JSON.stringify({apiVersion:"batch/v1",kind:"Job",metadata:{name:process.argv[2]},spec:c.spec.jobTemplate.spec}))' "$DIR/cronjob.$from.json" "$4" ;;
  "apply -f") cat > "$DIR/applied.json"; echo "job.batch/applied created" ;;
  "wait --for=condition=Ready") echo "pod/x condition met" ;;
  "logs -f") echo "[pod/x/aws] mcp-backup: restored the key" ;;
  "get job") printf '%s' "$JOB_RESULT" ;;
  "exec neo4j-0")
    n=$(cat "$DIR/execs" 2>/dev/null || echo 0); echo $((n + 1)) > "$DIR/execs"
    [ "$n" -ge 1 ] || { echo "Unable to connect to localhost:7687" >&2; exit 1; }
    for q in "$@"; do last="$q"; done
    case "$last" in "RETURN 1") printf '1\\n1\\n' ;; *) printf 'nodes\\n42\\n' ;; esac ;;
  *) echo "kubectl stand-in: unsupported $*" >&2; exit 2 ;;
esac
`;

describe("npm run restore -- --stack prod", () => {
  function sandbox(jobResult: string) {
    const dir = tmp();
    mkdirSync(path.join(dir, "bin"));
    writeFileSync(path.join(dir, "bin/kubectl"), KUBECTL);
    chmodSync(path.join(dir, "bin/kubectl"), 0o755);
    const cronJob = describeKubernetesStack(parseStackConfig({ target: "kubernetes", loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true }, cluster: { apiAllowedCidrs: ["203.0.113.0/24"] } }), "prod").backup.find((o) => o.kind === "CronJob" && o.metadata.name === "neo4j-restore")!;
    writeFileSync(path.join(dir, "cronjob.neo4j-restore.json"), JSON.stringify(cronJob));
    const env = { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, DIR: dir, CALLS: path.join(dir, "calls"), JOB_RESULT: jobResult };
    const target = { target: "kubernetes", namespace: "mcp", cronJob: "neo4j-restore", statefulSet: "neo4j", bucket: "mcp-superserver-backups-prod", prefix: "neo4j/" };
    return { dir, env, target };
  }

  it("creates a Job from the restore CronJob with BACKUP_KEY set, follows it, then checks RETURN 1 and counts nodes", async () => {
    const s = sandbox("1/");
    const d = deps(s.target, s.env);
    expect(await restore({ stack: "prod", backup: "neo4j/20260101T020000Z/neo4j.dump", list: false }, d)).toBe(0);
    const job = JSON.parse(readFileSync(path.join(s.dir, "applied.json"), "utf8"));
    expect(job.metadata.name).toBe("neo4j-restore-1767232800");
    const aws = job.spec.template.spec.containers.find((c: { name: string }) => c.name === "aws");
    expect(aws.env.filter((e: { name: string }) => e.name === "BACKUP_KEY")).toEqual([{ name: "BACKUP_KEY", value: "neo4j/20260101T020000Z/neo4j.dump" }]);
    expect(d.out()).toContain("restore: creating job neo4j-restore-1767232800 for neo4j/20260101T020000Z/neo4j.dump");
    expect(d.out()).toContain("restore: Neo4j answers RETURN 1 and holds 42 nodes; done");
  });

  it("stops at a failed job and says so", async () => {
    const s = sandbox("/1");
    const d = deps(s.target, s.env);
    expect(await restore({ stack: "prod", list: false }, d)).toBe(1);
    expect(d.out()).toContain("restore: job neo4j-restore-1767232800 did not succeed (/1)");
    expect(readFileSync(path.join(s.dir, "calls"), "utf8")).not.toContain("exec neo4j-0");
  });
});

describe("the restore's command runner", () => {
  it("reports the exit code of a command that exits without reading its input, instead of dying on EPIPE", async () => {
    const run = runCommand(() => undefined);
    // 8 MiB is far above a pipe's buffer: the write is still going when `true` exits.
    for (let i = 0; i < 3; i++) expect(await run("true", [], "x".repeat(8 * 1024 * 1024))).toEqual({ code: 0, stdout: "" });
  });
});
