/**
 * Checks `npm run up` makes before the first resource: is the Docker engine the provider will
 * talk to reachable, is it big enough for the stack, has it the NVIDIA runtime when Ollama
 * wants a GPU, are the host ports free, is there a Pulumi CLI (or can one be installed). Pure:
 * every fact comes in as data (scripts/lib/preflightProbe.ts gathers them), so the checks are
 * tested against recorded `docker info` outputs.
 */
import { formatBytes, formatMillicores } from "../../components/config/quantity";
import type { StackConfig } from "../../components/config/schema";
import type { DockerBudget } from "../../components/docker/budget";
import { PULUMI_CLI_VERSION } from "./localStack";

/**
 * The Docker provider connects to DOCKER_HOST, else to the platform's default socket; it does
 * not read the CLI's `docker context` (pulumi/pulumi-docker#603, "Cannot connect to the Docker
 * daemon at unix:///var/run/docker.sock" under colima).
 */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** Where each desktop engine puts its socket (their docs: Docker Desktop for Mac, colima FAQ, OrbStack). */
export const DOCKER_HOST_HINTS = [
  "Docker Desktop: export DOCKER_HOST=unix://$HOME/.docker/run/docker.sock",
  "colima: export DOCKER_HOST=unix://$HOME/.colima/default/docker.sock",
  "OrbStack: export DOCKER_HOST=unix://$HOME/.orbstack/run/docker.sock",
];

export interface DockerFacts {
  /** The docker CLI was found (it is needed for these checks and by the backup job's image only). */
  cli: boolean;
  /** `docker context show`. */
  context: string;
  /** The context's endpoint, `docker context inspect --format '{{.Endpoints.docker.Host}}'`. */
  contextHost?: string;
  /** DOCKER_HOST as set in the environment, if it is. */
  dockerHostEnv?: string;
  /** `docker --host <provider's host> info --format '{{json .}}'`. */
  info: { exitCode: number; stdout: string; stderr: string };
}

export interface DockerInfo {
  ncpu: number;
  memTotal: number;
  operatingSystem: string;
  name: string;
  serverVersion: string;
  runtimes: string[];
}

export interface PortFacts {
  /** Ports on the bind address some program already listens on. */
  busy: number[];
  /** Ports this stack's own running containers publish (a second `up` finds them busy). */
  ownedByStack: number[];
  /** False when DOCKER_HOST is remote (tcp://, ssh://): the ports are on another machine. */
  local: boolean;
}

export interface CliFacts {
  /** Version of a `pulumi` on PATH, if any. */
  onPath?: string;
  /** The pinned CLI is already installed in the project. */
  pinned: boolean;
  curl: boolean;
  /** get.pulumi.com answered (only asked when a download is needed). */
  downloadReachable?: boolean;
}

export interface PreflightResult {
  /** What was found, one line each: engine, context, CLI. */
  notes: string[];
  /** Each one stops `up`: what is wrong and the fix (key to change or command to run). */
  problems: string[];
}

export function providerDockerHost(f: Pick<DockerFacts, "dockerHostEnv">): string {
  return f.dockerHostEnv || DEFAULT_DOCKER_HOST;
}

export function parseDockerInfo(stdout: string): DockerInfo | undefined {
  try {
    const raw = JSON.parse(stdout) as Record<string, any>;
    if (!raw.ServerVersion) return undefined;
    return {
      ncpu: Number(raw.NCPU),
      memTotal: Number(raw.MemTotal),
      operatingSystem: String(raw.OperatingSystem ?? ""),
      name: String(raw.Name ?? ""),
      serverVersion: String(raw.ServerVersion),
      runtimes: Object.keys(raw.Runtimes ?? {}),
    };
  } catch {
    return undefined;
  }
}

export type Engine = "Docker Desktop" | "colima" | "OrbStack" | "Docker Engine";

/** Desktop engines name themselves in `OperatingSystem`; colima's VM is named `colima`. */
export function engineOf(info: DockerInfo, f: Pick<DockerFacts, "context" | "dockerHostEnv">): Engine {
  if (info.operatingSystem === "Docker Desktop") return "Docker Desktop";
  if (info.operatingSystem === "OrbStack") return "OrbStack";
  if (info.name.startsWith("colima") || f.context.startsWith("colima") || (f.dockerHostEnv ?? "").includes(".colima")) return "colima";
  return "Docker Engine";
}

/** The fix for a key: edit the stack file (before the first `up` the CLI has no stack to `config set`). */
const setKey = (stackFile: string, key: string, value: string) => `set ${key}: ${value} in ${stackFile}`;

const GiB = 1024 ** 3;
const roundUpGiB = (bytes: number) => Math.ceil(bytes / GiB);
/** Engine sizes for people: "7.65 GiB". */
const gib = (bytes: number) => `${Number((bytes / GiB).toFixed(2))} GiB`;

/** How to give the engine more CPUs and memory, per engine. */
function resizeHint(engine: Engine, cpus: number, memoryGiB: number): string {
  switch (engine) {
    case "Docker Desktop":
      return `raise Docker Desktop > Settings > Resources to ${cpus} CPUs / ${memoryGiB} GB`;
    case "colima":
      return `colima stop && colima start --cpu ${cpus} --memory ${memoryGiB}`;
    case "OrbStack":
      return `raise OrbStack > Settings > System > Memory limit to ${memoryGiB} GB`;
    default:
      return "run on a larger machine";
  }
}

function reach(f: DockerFacts): { info?: DockerInfo; problems: string[]; notes: string[] } {
  const host = providerDockerHost(f);
  if (!f.cli) {
    return { problems: ["docker: no `docker` command found; install Docker (https://docs.docker.com/get-docker/) and run npm run up again"], notes: [] };
  }
  const contextElsewhere = !f.dockerHostEnv && f.context !== "default" && f.contextHost !== undefined && f.contextHost !== host;
  const info = f.info.exitCode === 0 ? parseDockerInfo(f.info.stdout) : undefined;
  if (!info) {
    const why = f.info.stderr.trim().split("\n")[0] || "no answer";
    if (contextElsewhere) {
      return {
        problems: [
          `docker: your docker CLI uses context "${f.context}" (${f.contextHost}), but Pulumi's Docker provider ignores contexts ` +
            `and finds no engine at ${host} (${why}). Run: export DOCKER_HOST=${f.contextHost}`,
        ],
        notes: [],
      };
    }
    return {
      problems: [`docker: no Docker engine at ${host} (${why}). Start Docker, or point DOCKER_HOST at it: ${DOCKER_HOST_HINTS.join("; ")}`],
      notes: [],
    };
  }
  const notes = [`docker: ${engineOf(info, f)} ${info.serverVersion} at ${host}, ${info.ncpu} CPUs, ${gib(info.memTotal)} of memory`];
  if (contextElsewhere) {
    notes.push(`docker: your CLI context "${f.context}" points at ${f.contextHost}; the stack goes to ${host}. To use that engine instead: export DOCKER_HOST=${f.contextHost}`);
  }
  return { info, problems: [], notes };
}

function size(info: DockerInfo, engine: Engine, budget: DockerBudget, stackFile: string): string[] {
  const problems: string[] = [];
  const hostMillicores = info.ncpu * 1000;
  const needCpus = Math.ceil(budget.largestCpuLimitMillicores / 1000);
  // A VM of exactly that size reports less to Docker (its kernel keeps some): ask for 1 GiB more.
  const needGiB = roundUpGiB(budget.reservedBytes) + 1;
  for (const c of budget.containers.filter((x) => x.cpuLimitMillicores > hostMillicores)) {
    const fix = c.section ? ` or lower it: ${setKey(stackFile, `${c.section}.resources.limits.cpu`, String(info.ncpu))}` : "";
    problems.push(
      `cpu: Docker has ${info.ncpu} CPUs and refuses a container limit above that; ${c.section ?? c.container}.resources.limits.cpu is ` +
        `${formatMillicores(c.cpuLimitMillicores)} (${c.container}). Give Docker ${needCpus} CPUs (${resizeHint(engine, needCpus, needGiB)})${fix}`,
    );
  }
  if (budget.reservedBytes > info.memTotal) {
    const largest = [...budget.containers]
      .filter((c) => c.section)
      .sort((a, b) => b.reservedBytes - a.reservedBytes)
      .slice(0, 3)
      .map((c) => `${c.section}.resources.requests.memory ${formatBytes(c.reservedBytes)}`);
    problems.push(
      `memory: Docker has ${gib(info.memTotal)} and the stack reserves ${gib(budget.reservedBytes)} ` +
        `(largest: ${[...new Set(largest)].join(", ")}). Give Docker ${needGiB} GB (${resizeHint(engine, needCpus, needGiB)}) or lower those keys`,
    );
  }
  if (budget.gpus > 0 && !info.runtimes.includes("nvidia")) {
    problems.push(
      `gpu: ollama.gpu.enabled is true but Docker has no NVIDIA runtime (runtimes: ${info.runtimes.join(", ")}). Install the NVIDIA ` +
        `Container Toolkit and run \`sudo nvidia-ctk runtime configure --runtime=docker\`, or run on the CPU: ${setKey(stackFile, "ollama.gpu.enabled", "false")}`,
    );
  }
  return problems;
}

export function portProblems(budget: DockerBudget, ports: PortFacts, bindAddress: string, stackFile: string): string[] {
  if (!ports.local) return [];
  const own = new Set(ports.ownedByStack);
  return budget.ports
    .filter((p) => ports.busy.includes(p.port) && !own.has(p.port))
    .map((p) =>
      p.key.endsWith("(fixed)")
        ? `port: ${bindAddress}:${p.port} (${p.service}) is in use by another program; stop it (a local Neo4j?) and run npm run up again`
        : `port: ${bindAddress}:${p.port} (${p.key}) is in use by another program; stop it or pick a free port: ${setKey(stackFile, p.key, "<port>")}`,
    );
}

export function cliCheck(cli: CliFacts, cliRoot: string): PreflightResult {
  if (cli.onPath) return { notes: [`pulumi: CLI ${cli.onPath} on PATH`], problems: [] };
  if (cli.pinned) return { notes: [`pulumi: CLI ${PULUMI_CLI_VERSION} in ${cliRoot}`], problems: [] };
  const manual = "install it yourself (https://www.pulumi.com/docs/install/) and run npm run up again";
  if (!cli.curl) return { notes: [], problems: [`pulumi: no CLI on PATH, and the installer needs curl; install curl, or ${manual}`] };
  if (cli.downloadReachable === false) {
    return { notes: [], problems: [`pulumi: no CLI on PATH, and get.pulumi.com cannot be reached to install ${PULUMI_CLI_VERSION}; ${manual}`] };
  }
  return { notes: [`pulumi: no CLI on PATH; ${PULUMI_CLI_VERSION} will be downloaded from get.pulumi.com into ${cliRoot}`], problems: [] };
}

export interface PreflightInput {
  cfg: StackConfig;
  budget: DockerBudget;
  docker: DockerFacts;
  ports: PortFacts;
  cli: CliFacts;
  cliRoot: string;
  /** The stack file the fixes point into, e.g. Pulumi.dev.yaml. */
  stackFile: string;
}

export function preflight(input: PreflightInput): PreflightResult {
  const reached = reach(input.docker);
  const problems = [...reached.problems];
  if (reached.info) {
    problems.push(...size(reached.info, engineOf(reached.info, input.docker), input.budget, input.stackFile));
    problems.push(...portProblems(input.budget, input.ports, input.cfg.docker.bindAddress, input.stackFile));
  }
  const cli = cliCheck(input.cli, input.cliRoot);
  return { notes: [...reached.notes, ...cli.notes], problems: [...problems, ...cli.problems] };
}
