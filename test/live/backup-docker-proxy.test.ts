/**
 * The backup's Docker API proxy, rendered as the dev stack renders it, run by the real nginx (with
 * njs) in front of a stand-in dockerd on a unix socket: the backup's own Docker functions, run
 * with the real docker CLI, pass; everything else is refused with 403 and never reaches the socket.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDockerCalls, DOCKER_API_FUNCTIONS } from "../../components/render/backupDockerApi";
import { renderDockerApiProxyConf, renderDockerApiProxyScript } from "../../components/render/dockerApiProxy";
import { FakeDockerApi } from "../support/fakeDockerApi";

const NEO4J_IMAGE = "neo4j:5.26.0-community";
const TOOLS_IMAGE = "amazon/aws-cli:2.22.0";
// The dev stack's names (components/docker/stack.ts).
const names = {
  neo4jContainer: "mcp-neo4j",
  neo4jImage: NEO4J_IMAGE,
  neo4jDataVolume: "mcp-neo4j-data",
  workVolume: "mcp-backup-work",
  workDir: "/backups",
  network: "mcp-superserver-dev",
  toolsImage: TOOLS_IMAGE,
  lockContainer: "mcp-neo4j-maintenance-lock",
  adminContainer: "mcp-neo4j-admin",
  scratch: { container: "mcp-neo4j-verify", volume: "mcp-neo4j-verify-data" },
};
const SHELL_VARS = {
  NEO4J_CONTAINER: names.neo4jContainer,
  NEO4J_IMAGE,
  NEO4J_STOP_SECONDS: "60",
  LOCK_CONTAINER: names.lockContainer,
  ADMIN_CONTAINER: names.adminContainer,
  ADMIN_HEAP: "1g",
  WORK_VOLUME: names.workVolume,
  WORK_DIR: names.workDir,
  NETWORK: names.network,
  TOOLS_IMAGE,
  S3_ENDPOINT: "http://minio:9000",
  SCRATCH_CONTAINER: names.scratch.container,
  SCRATCH_VOLUME: names.scratch.volume,
  NEO4J_DATA_VOLUME: names.neo4jDataVolume,
};

let dir: string;
let api: FakeDockerApi;
let nginx: ChildProcess;
let nginxStderr = "";
const proxySocket = () => join(dir, "proxy.sock");
/** The store's key as the scheduler holds it: a file aws_run hands to the AWS CLI on stdin. */
const secretKeyFile = () => join(dir, "object-store-password");

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(path)) throw new Error(`nginx did not listen on ${path}: ${nginxStderr}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-api-proxy-"));
  writeFileSync(secretKeyFile(), "test-only-store-key", { mode: 0o400 });
  api = new FakeDockerApi([NEO4J_IMAGE, TOOLS_IMAGE], [{ name: names.neo4jContainer, image: NEO4J_IMAGE }]);
  await api.listen(join(dir, "docker.sock"));
  const calls = backupDockerCalls(names);
  const jsFile = "docker-api-proxy.js";
  writeFileSync(
    join(dir, "nginx.conf"),
    renderDockerApiProxyConf({ listenSocket: proxySocket(), dockerSocket: join(dir, "docker.sock"), runDir: dir, accessLog: join(dir, "access.log"), jsFile, calls }),
  );
  writeFileSync(join(dir, jsFile), renderDockerApiProxyScript(calls));
  symlinkSync("/usr/lib/nginx/modules", join(dir, "modules"));
  nginx = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  nginx.stderr!.on("data", (d: Buffer) => (nginxStderr += d.toString("utf8")));
  await waitFor(proxySocket());
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.once("exit", r));
    // Fast shutdown (nginx(8): TERM): a hijacked stream nginx still holds would keep a graceful QUIT waiting.
    nginx.kill("SIGTERM");
    await exited;
  }
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

/** One raw request on the proxy's socket; `path` goes on the request line exactly as given. */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { socketPath: proxySocket(), method, path, headers: { Host: "docker", ...(data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {}), ...headers } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** Refused by the proxy: 403, and dockerd never saw it. */
async function expectRefused(method: string, path: string, body?: unknown): Promise<void> {
  const before = api.calls.length;
  const a = await call(method, path, body);
  expect(a.status, `${method} ${path}`).toBe(403);
  expect(api.calls.slice(before), `${method} ${path} reached the socket`).toEqual([]);
}

/** What the docker CLI sends for `docker run --rm --name mcp-neo4j-admin ... neo4j-admin` (measured with docker 28.2). */
const adminCreate = () => ({
  User: "0:0",
  AttachStdout: true,
  AttachStderr: true,
  Tty: false,
  Env: ["HEAP_SIZE=1g"],
  Cmd: ["database", "dump", "neo4j", "--to-path=/backups/x"],
  Image: NEO4J_IMAGE,
  Volumes: {},
  Entrypoint: ["neo4j-admin"],
  Labels: {},
  HostConfig: {
    Binds: ["mcp-neo4j-data:/data", "mcp-backup-work:/backups"],
    LogConfig: { Type: "", Config: {} },
    NetworkMode: "default",
    PortBindings: {},
    RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
    AutoRemove: true,
    ConsoleSize: [0, 0],
    // The CLI writes --cap-add CHOWN as CAP_CHOWN.
    CapAdd: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID", "CAP_SETUID"],
    CapDrop: ["ALL"],
    SecurityOpt: ["no-new-privileges:true"],
    Privileged: false,
    MemorySwappiness: -1,
    Devices: [],
    MaskedPaths: null,
    ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: {} },
});

const hasDockerCli = existsSync("/usr/bin/docker") || existsSync("/usr/local/bin/docker");

function shell(script: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "sh",
      ["-c", `${Object.entries({ ...SHELL_VARS, S3_SECRET_KEY_FILE: secretKeyFile() }).map(([k, v]) => `${k}='${v}'`).join("\n")}\n${DOCKER_API_FUNCTIONS}\n${script}`],
      { env: { PATH: process.env.PATH, DOCKER_HOST: `unix://${proxySocket()}`, DOCKER_CONFIG: dir }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!hasDockerCli)("the backup's Docker functions with the real docker CLI through the proxy", () => {
  it("lock, stop, dump, start, upload, release, and the drill's scratch Neo4j all pass", async () => {
    const steps = [
      "lock_take backup",
      "neo4j_stop",
      "admin_run \"$NEO4J_DATA_VOLUME\" database dump neo4j --to-path=/backups/x",
      "neo4j_start",
      "aws_run s3 ls",
      "neo4j_query 'RETURN 1'",
      "scratch_create",
      "admin_run \"$SCRATCH_VOLUME\" database load --from-path=/backups/verify --overwrite-destination=true neo4j",
      "scratch_start",
      "scratch_query 'RETURN 1'",
      "scratch_remove",
      "admin_remove",
      "lock_release",
    ];
    for (const step of steps) {
      const r = await shell(step);
      expect({ step, status: r.status, stderr: r.stderr }).toEqual({ step, status: 0, stderr: "" });
    }
    expect(api.has(names.lockContainer)).toBe(false);
    // What dockerd saw, versioned by the CLI's negotiation with the stand-in's API version.
    const seen = api.calls.map((c) => `${c.method} ${c.url.replace(/[0-9a-f]{64}/g, "{id}")}`);
    expect(seen).toContain("POST /v1.47/containers/mcp-neo4j/stop?t=60");
    expect(seen).toContain("POST /v1.47/containers/mcp-neo4j/start");
    expect(seen).toContain("POST /v1.47/containers/create?name=mcp-neo4j-maintenance-lock");
    expect(seen).toContain("POST /v1.47/containers/{id}/attach?stderr=1&stdout=1&stream=1");
    expect(seen).toContain("POST /v1.47/containers/{id}/wait?condition=removed");
    expect(seen).toContain("POST /v1.47/containers/mcp-neo4j/exec");
    expect(seen).toContain("DELETE /v1.47/volumes/mcp-neo4j-verify-data");
    expect(seen).toContain("DELETE /v1.47/containers/mcp-neo4j-maintenance-lock?force=1");
    // Every container the scripts create drops ALL and sets no-new-privileges; the Neo4j ones add back Neo4j's set.
    const created = api.calls.filter((c) => c.url.includes("/containers/create")).map((c) => JSON.parse(c.body) as { Image: string; HostConfig: Record<string, unknown> });
    expect(created.map((c) => [c.Image, c.HostConfig.CapDrop, c.HostConfig.SecurityOpt, (c.HostConfig.CapAdd as string[] | null)?.length ?? 0])).toEqual([
      [NEO4J_IMAGE, ["ALL"], ["no-new-privileges:true"], 0],
      [NEO4J_IMAGE, ["ALL"], ["no-new-privileges:true"], 6],
      [TOOLS_IMAGE, ["ALL"], ["no-new-privileges:true"], 0],
      [NEO4J_IMAGE, ["ALL"], ["no-new-privileges:true"], 6],
      [NEO4J_IMAGE, ["ALL"], ["no-new-privileges:true"], 6],
    ]);
  });

  it("the lock stays atomic through the proxy: a second take gets dockerd's 409", async () => {
    expect((await shell("lock_take backup")).status).toBe(0);
    const second = await shell("lock_take restore");
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('Conflict. The container name "/mcp-neo4j-maintenance-lock" is already in use');
    expect((await shell("lock_release")).status).toBe(0);
  });

  it("a docker command the backup does not make fails with the proxy's refusal", async () => {
    const before = api.calls.length;
    const r = await shell('docker ps; docker run --rm --privileged --volume /:/host "$NEO4J_IMAGE" true');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("refused by the backup Docker API proxy");
    expect(api.calls.slice(before).map((c) => c.method + " " + c.url)).toEqual(["HEAD /_ping", "HEAD /_ping"]);
  });
});

describe("calls the backup makes pass, with dockerd's own answers", () => {
  it("POST /v1.47/containers/mcp-neo4j/stop?t=60 reaches dockerd", async () => {
    const before = api.calls.length;
    expect((await call("POST", "/v1.47/containers/mcp-neo4j/stop?t=60")).status).toBe(204);
    expect(api.calls.slice(before)).toEqual([{ method: "POST", url: "/v1.47/containers/mcp-neo4j/stop?t=60", body: "" }]);
    expect((await call("POST", "/v1.47/containers/mcp-neo4j/start")).status).toBe(204);
  });

  it("dockerd's 404 for a container that does not exist comes back unchanged", async () => {
    const a = await call("DELETE", "/v1.47/containers/mcp-neo4j-admin?force=1");
    expect(a.status).toBe(404);
    expect(JSON.parse(a.body)).toEqual({ message: "No such container: mcp-neo4j-admin" });
  });

  it("the dump's container create passes with its body unchanged", async () => {
    const before = api.calls.length;
    const a = await call("POST", "/v1.47/containers/create?name=mcp-neo4j-admin", adminCreate());
    expect(a.status).toBe(201);
    expect(JSON.parse(api.calls[before].body)).toEqual(adminCreate());
    expect((await call("DELETE", "/v1.47/containers/mcp-neo4j-admin?force=1")).status).toBe(204);
  });

  it("HEAD /_ping answers with the API version the CLI negotiates", async () => {
    expect((await call("HEAD", "/_ping")).status).toBe(200);
  });
});

describe("everything else is refused with 403 and never reaches the socket", () => {
  it("paths and methods outside the list", async () => {
    await expectRefused("GET", "/v1.47/containers/json");
    await expectRefused("GET", "/v1.47/containers/json?all=1");
    await expectRefused("POST", "/v1.47/containers/x/exec", { Cmd: ["sh"] });
    await expectRefused("DELETE", "/v1.47/containers/mcp-neo4j?force=1");
    await expectRefused("DELETE", "/v1.47/containers/mcp-minio");
    await expectRefused("POST", "/v1.47/containers/mcp-minio/stop?t=0");
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/kill?signal=KILL");
    await expectRefused("GET", "/v1.47/containers/mcp-minio/json");
    await expectRefused("GET", "/v1.47/images/json");
    await expectRefused("POST", "/v1.47/images/create?fromImage=alpine&tag=latest");
    await expectRefused("DELETE", "/v1.47/images/neo4j:5.26.0-community");
    await expectRefused("GET", "/v1.47/info");
    await expectRefused("POST", "/v1.47/volumes/prune");
    await expectRefused("DELETE", "/v1.47/volumes/mcp-neo4j-data");
    await expectRefused("POST", "/v1.47/networks/create", { Name: "x" });
    await expectRefused("GET", "/v1.47/containers/mcp-neo4j/stop");
    await expectRefused("PUT", "/v1.47/containers/mcp-neo4j/archive?path=/");
  });

  it("path tricks, escapes, other API versions and extra query parameters", async () => {
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/stop/../exec", { Cmd: ["sh"] });
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/stop/../../json");
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/%2e%2e/mcp-minio/stop");
    await expectRefused("POST", "/v1.47/containers/mcp%2Dneo4j/stop?t=60");
    await expectRefused("POST", "/v1.47/containers/./mcp-neo4j/stop?t=60");
    await expectRefused("POST", "//v1.47/containers/mcp-neo4j/stop?t=60");
    await expectRefused("POST", "/v1.47//containers/mcp-neo4j/stop?t=60");
    // Below 1.24 a start carried a HostConfig in its body; unversioned paths are the daemon's newest.
    await expectRefused("POST", "/v1.23/containers/mcp-neo4j/start", { Privileged: true, Binds: ["/:/host"] });
    await expectRefused("POST", "/containers/mcp-neo4j/start");
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/stop?t=60&signal=KILL");
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/stop?t=%36%30");
    await expectRefused("POST", "/v1.47/containers/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/attach?logs=1&stderr=1&stdin=1&stdout=1&stream=1");
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j/attach?stderr=1&stdout=1&stream=1");
    await expectRefused("POST", "/v1.47/containers/create?name=mcp-neo4j-admin&name=evil", adminCreate());
  });

  it("container creates that are not the backup's: privileged, host binds, other images, names, networks, capabilities", async () => {
    const variant = (edit: (b: ReturnType<typeof adminCreate>) => void) => {
      const b = adminCreate();
      edit(b);
      return b;
    };
    const create = "/v1.47/containers/create?name=mcp-neo4j-admin";
    await expectRefused("POST", create, variant((b) => (b.HostConfig.Privileged = true)));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.Binds = ["/:/host", "mcp-backup-work:/backups"])));
    await expectRefused("POST", create, variant((b) => b.HostConfig.Binds.push("/var/run/docker.sock:/var/run/docker.sock")));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.Binds = ["mcp-neo4j-data:/data"])));
    await expectRefused("POST", create, variant((b) => (b.Image = "alpine:3.20")));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.NetworkMode = "host")));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.CapAdd = ["ALL"])));
    await expectRefused("POST", create, variant((b) => b.HostConfig.CapAdd.push("CAP_SYS_ADMIN")));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.CapDrop = [])));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.SecurityOpt = [])));
    await expectRefused("POST", create, variant((b) => (b.HostConfig.MaskedPaths = [] as unknown as null)));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { PidMode: "host" })));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { Mounts: [{ Type: "bind", Source: "/", Target: "/host" }] })));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { Devices: [{ PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm" }] })));
    await expectRefused("POST", create, variant((b) => b.HostConfig.SecurityOpt.push("apparmor=unconfined")));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { UsernsMode: "host" })));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { CgroupParent: "/" })));
    await expectRefused("POST", create, variant((b) => Object.assign(b.HostConfig, { VolumesFrom: ["mcp-minio"] })));
    await expectRefused("POST", create, variant((b) => (b.NetworkingConfig.EndpointsConfig = { host: {} } as never)));
    await expectRefused("POST", "/v1.47/containers/create?name=evil", adminCreate());
    await expectRefused("POST", "/v1.47/containers/create", adminCreate());
    await expectRefused("POST", create, "not an object");
    await expectRefused("POST", create);
  });

  it("execs that are not the backup's cypher-shell, and volume creates with driver options", async () => {
    const exec = "/v1.47/containers/mcp-neo4j/exec";
    const query = ["sh", "-c", 'NEO4J_PASSWORD="$(sed "s|^neo4j/||" "$NEO4J_AUTH_FILE")" cypher-shell -u neo4j --format plain "$0"', "RETURN 1"];
    await expectRefused("POST", exec, { Cmd: ["sh", "-c", "cat /proc/1/environ"], AttachStdout: true });
    await expectRefused("POST", exec, { Cmd: [...query, "extra"], AttachStdout: true });
    await expectRefused("POST", exec, { Cmd: query, AttachStdout: true, Privileged: true });
    await expectRefused("POST", exec, { Cmd: query, AttachStdout: true, User: "root" });
    // As the image's default user (root), not Neo4j's: refused.
    await expectRefused("POST", exec, { Cmd: query, AttachStdout: true, AttachStderr: true });
    await expectRefused("POST", "/v1.47/containers/mcp-neo4j-verify/exec", { Cmd: query, AttachStdout: true });
    await expectRefused("POST", "/v1.47/volumes/create", { Name: "mcp-neo4j-verify-data", Driver: "local", DriverOpts: { type: "none", o: "bind", device: "/" } });
    await expectRefused("POST", "/v1.47/volumes/create", { Name: "mcp-neo4j-data", Driver: "local" });
    // The same exec, as the backup makes it, passes (the neo4j container is running in the stand-in).
    const before = api.calls.length;
    expect((await call("POST", exec, { Cmd: query, AttachStdout: true, AttachStderr: true, User: "neo4j", Privileged: false, Env: null })).status).toBe(201);
    expect(api.calls.length).toBe(before + 1);
  });
});
