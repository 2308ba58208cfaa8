/**
 * `npm run up`'s preflight against recorded `docker info` outputs (test/fixtures/docker-info):
 * each machine shape gets the message a user would see, with the fix in it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { parseStackConfig } from "../../components/config/parse";
import { dockerBudget } from "../../components/docker/budget";
import { preflight, type DockerFacts, type PortFacts } from "../../scripts/lib/preflight";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";

const fixture = (name: string) => readFileSync(path.join(ROOT, "test/fixtures/docker-info", name), "utf8");
const dev = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), "mcp-superserver");
const noPorts: PortFacts = { busy: [], ownedByStack: [], local: true };
const cli = { onPath: "v3.248.0", pinned: false, curl: true };

function run(docker: Partial<DockerFacts> & Pick<DockerFacts, "info">, opts: { cfg?: typeof dev; ports?: PortFacts } = {}) {
  const cfg = opts.cfg ?? dev;
  return preflight({
    cfg,
    budget: dockerBudget(cfg),
    docker: { cli: true, context: "default", ...docker },
    ports: opts.ports ?? noPorts,
    cli,
    cliRoot: ".pulumi-cli",
    stackFile: "Pulumi.dev.yaml",
  });
}
const ok = (file: string) => ({ exitCode: 0, stdout: fixture(file), stderr: "" });

describe("Linux engine, 2 CPUs (recorded)", () => {
  it("refuses Ollama's 4-CPU limit, naming the key and the command", () => {
    const r = run({ info: ok("linux-engine-2cpu.json") });
    expect(r.notes[0]).toBe("docker: Docker Engine 20.10.24+dfsg1 at unix:///var/run/docker.sock, 2 CPUs, 23.54 GiB of memory");
    expect(r.problems).toEqual([
      "cpu: Docker has 2 CPUs and refuses a container limit above that; ollama.resources.limits.cpu is 4 (ollama). " +
        "Give Docker 4 CPUs (run on a larger machine) or lower it: set ollama.resources.limits.cpu: 2 in Pulumi.dev.yaml",
    ]);
  });
});

describe("Docker Desktop on a 16 GB Mac (8 CPUs, 7.65 GiB VM)", () => {
  it("passes, and says the CLI context is not what the provider uses", () => {
    const r = run({ info: ok("docker-desktop-mac-16g.json"), context: "desktop-linux", contextHost: "unix:///Users/dev/.docker/run/docker.sock" });
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual([
      "docker: Docker Desktop 20.10.24+dfsg1 at unix:///var/run/docker.sock, 8 CPUs, 7.65 GiB of memory",
      'docker: your CLI context "desktop-linux" points at unix:///Users/dev/.docker/run/docker.sock; the stack goes to unix:///var/run/docker.sock. To use that engine instead: export DOCKER_HOST=unix:///Users/dev/.docker/run/docker.sock',
      "pulumi: CLI v3.248.0 on PATH",
    ]);
  });

  it("refuses a host port another program holds, naming the key", () => {
    const r = run({ info: ok("docker-desktop-mac-16g.json") }, { ports: { busy: [3000, 7687, 9090], ownedByStack: [9090], local: true } });
    expect(r.problems).toEqual([
      "port: 127.0.0.1:7687 (neo4j) is in use by another program; stop it (a local Neo4j?) and run npm run up again",
      "port: 127.0.0.1:3000 (loadBalancer.port) is in use by another program; stop it or pick a free port: set loadBalancer.port: <port> in Pulumi.dev.yaml",
    ]);
  });
});

describe("colima at its defaults (2 CPUs, 2 GiB)", () => {
  const colimaHost = "unix:///Users/dev/.colima/default/docker.sock";
  it("without DOCKER_HOST: tells the user to export the context's socket", () => {
    const r = run({ info: { exitCode: 1, stdout: "", stderr: fixture("unreachable.stderr") }, context: "colima", contextHost: colimaHost });
    expect(r.problems).toEqual([
      'docker: your docker CLI uses context "colima" (unix:///Users/dev/.colima/default/docker.sock), but Pulumi\'s Docker provider ignores contexts ' +
        "and finds no engine at unix:///var/run/docker.sock (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). " +
        "Run: export DOCKER_HOST=unix:///Users/dev/.colima/default/docker.sock",
    ]);
  });

  it("with DOCKER_HOST: the VM is too small, and colima's command resizes it", () => {
    const r = run({ info: ok("colima-default.json"), context: "colima", contextHost: colimaHost, dockerHostEnv: colimaHost });
    expect(r.problems).toEqual([
      "cpu: Docker has 2 CPUs and refuses a container limit above that; ollama.resources.limits.cpu is 4 (ollama). " +
        "Give Docker 4 CPUs (colima stop && colima start --cpu 4 --memory 8) or lower it: set ollama.resources.limits.cpu: 2 in Pulumi.dev.yaml",
      "memory: Docker has 1.88 GiB and the stack reserves 7 GiB (largest: ollama.resources.requests.memory 3Gi, neo4j.resources.requests.memory 1536Mi, " +
        "prometheus.resources.requests.memory 512Mi). Give Docker 8 GB (colima stop && colima start --cpu 4 --memory 8) or lower those keys",
    ]);
  });
});

describe("GPU", () => {
  const gpuOn = parseStackConfig({ target: "docker", ollama: { gpu: { enabled: true }, resources: { limits: { cpu: "4" } } } });
  it("a workstation with the NVIDIA runtime (recorded) passes", () => {
    expect(run({ info: ok("linux-gpu-workstation.json") }, { cfg: gpuOn }).problems).toEqual([]);
  });

  it("a laptop without it is told how to install it or turn the GPU off", () => {
    const r = run({ info: ok("docker-desktop-mac-16g.json") }, { cfg: gpuOn });
    expect(r.problems).toContain(
      "gpu: ollama.gpu.enabled is true but Docker has no NVIDIA runtime (runtimes: io.containerd.runc.v2, io.containerd.runtime.v1.linux, runc). " +
        "Install the NVIDIA Container Toolkit and run `sudo nvidia-ctk runtime configure --runtime=docker`, or run on the CPU: set ollama.gpu.enabled: false in Pulumi.dev.yaml",
    );
  });
});

describe("no engine, no context", () => {
  it("lists where each desktop engine puts its socket", () => {
    const r = run({ info: { exitCode: 1, stdout: "", stderr: fixture("unreachable.stderr") } });
    expect(r.problems).toEqual([
      "docker: no Docker engine at unix:///var/run/docker.sock (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). " +
        "Start Docker, or point DOCKER_HOST at it: Docker Desktop: export DOCKER_HOST=unix://$HOME/.docker/run/docker.sock; " +
        "colima: export DOCKER_HOST=unix://$HOME/.colima/default/docker.sock; OrbStack: export DOCKER_HOST=unix://$HOME/.orbstack/run/docker.sock",
    ]);
  });
});
