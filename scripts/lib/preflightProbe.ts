/**
 * Gathers the facts preflight.ts judges: what the docker CLI and the engine the provider will
 * reach say, which host ports are taken, whether a Pulumi CLI is there or can be installed.
 * Every probe is bounded in time and changes nothing.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { SemVer } from "semver";
import { PART_OF } from "../../components/workloads/labels";
import type { DockerBudget } from "../../components/docker/budget";
import { PULUMI_CLI_VERSION, type CliFinder } from "./localStack";
import { providerDockerHost, type CliFacts, type DockerFacts, type PortFacts } from "./preflight";

interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
  missing: boolean;
}

function run(command: string, args: string[], timeoutMs = 20_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({
        exitCode: error ? (typeof code === "number" ? code : 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        missing: code === "ENOENT",
      });
    });
  });
}

export async function probeDocker(env: NodeJS.ProcessEnv): Promise<DockerFacts> {
  const dockerHostEnv = env.DOCKER_HOST || undefined;
  const context = await run("docker", ["context", "show"]);
  if (context.missing) return { cli: false, context: "default", dockerHostEnv, info: { exitCode: 1, stdout: "", stderr: "" } };
  const name = context.stdout.trim() || "default";
  const endpoint = await run("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}", name]);
  const host = providerDockerHost({ dockerHostEnv });
  const info = await run("docker", ["--host", host, "info", "--format", "{{json .}}"]);
  return {
    cli: true,
    context: name,
    ...(endpoint.exitCode === 0 && endpoint.stdout.trim() ? { contextHost: endpoint.stdout.trim() } : {}),
    ...(dockerHostEnv ? { dockerHostEnv } : {}),
    info: { exitCode: info.exitCode, stdout: info.stdout, stderr: info.stderr },
  };
}

/** Host ports in `docker ps` Ports text: "127.0.0.1:3000->8080/tcp, :::3000->8080/tcp". */
export function publishedHostPorts(psPorts: string): number[] {
  return [...new Set([...psPorts.matchAll(/:(\d+)->/g)].map((m) => Number(m[1])))];
}

function portBusy(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES"));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

export async function probePorts(budget: DockerBudget, bindAddress: string, env: NodeJS.ProcessEnv): Promise<PortFacts> {
  const host = providerDockerHost({ dockerHostEnv: env.DOCKER_HOST || undefined });
  const local = host.startsWith("unix://") || host.startsWith("npipe://");
  if (!local) return { busy: [], ownedByStack: [], local };
  const busy: number[] = [];
  for (const p of budget.ports) if (await portBusy(p.port, bindAddress)) busy.push(p.port);
  const ps = busy.length
    ? await run("docker", ["--host", host, "ps", "--filter", `label=app.kubernetes.io/part-of=${PART_OF}`, "--format", "{{.Ports}}"])
    : undefined;
  return { busy, ownedByStack: ps?.exitCode === 0 ? publishedHostPorts(ps.stdout) : [], local };
}

async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function probeCli(finder: CliFinder, cliRoot: string): Promise<CliFacts> {
  const onPath = await finder.get().then(
    (cli) => cli.version?.toString() ?? "(unknown version)",
    () => undefined,
  );
  if (onPath) return { onPath, pinned: false, curl: true };
  const pinned = await finder.get({ root: cliRoot, version: new SemVer(PULUMI_CLI_VERSION) }).then(
    () => true,
    () => false,
  );
  if (pinned) return { pinned, curl: true };
  const curl = !(await run("curl", ["--version"], 5000)).missing;
  return { pinned, curl, ...(curl ? { downloadReachable: await reachable("https://get.pulumi.com/install.sh") } : {}) };
}
