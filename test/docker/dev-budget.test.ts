/**
 * The shipped dev stack fits a developer laptop: 4 CPUs, 16 GiB of memory, no NVIDIA GPU. The
 * sums are taken over every container the Docker target runs, from Pulumi.dev.yaml as `npm run up`
 * reads it; the schema defaults (the runbook's production numbers) are not lowered.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { parseStackConfig } from "../../components/config/parse";
import { dockerBudget } from "../../components/docker/budget";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const dev = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), "mcp-superserver");
const budget = dockerBudget(dev);

describe("the dev stack on a 4 CPU / 16 GiB laptop", () => {
  it("reserves at most 12 GiB, Neo4j counted with its initial heap + page cache", () => {
    expect(budget.reservedBytes).toBeLessThanOrEqual(12 * GiB);
    // 6.75 GiB of services, the nginx exporter's 64 MiB, three hub sidecars' 64 MiB each and the backup's Docker API proxy's 16 MiB (the backup's own 240Mi leaves room for it).
    expect(budget.reservedBytes).toBe(7 * GiB);
    expect(budget.containers.find((c) => c.container === "neo4j")!.reservedBytes).toBe(1536 * MiB);
  });

  it("limits add up to 13.5 GiB and 416 MiB (ceilings under 16 GiB, not reservations)", () => {
    // 13.5 GiB of services, the nginx exporter's 128 MiB and three hub sidecars' 96 MiB each; the Docker API proxy's 32 MiB come out of the backup's 512 MiB.
    expect(budget.limitBytes).toBe(13.5 * GiB + 128 * MiB + 3 * 96 * MiB);
  });

  it("sets no CPU limit above 4 (Docker refuses a limit above the host's CPU count)", () => {
    expect(budget.largestCpuLimitMillicores).toBe(4000);
    expect(budget.containers.filter((c) => c.cpuLimitMillicores > 4000)).toEqual([]);
  });

  it("runs Ollama on the CPU with small models", () => {
    expect(budget.gpus).toBe(0);
    expect(dev.ollama.gpu.enabled).toBe(false);
    expect(dev.ollama.models).toEqual(["llama3.2:1b", "nomic-embed-text:v1.5"]);
  });

  it("turns the GPU on with one key, ollama.gpu.enabled", () => {
    const gpu = parseStackConfig({ target: "docker", ollama: { gpu: { enabled: true } } });
    expect(dockerBudget(gpu).gpus).toBe(1);
  });

  it("publishes the host ports the README lists", () => {
    expect(budget.ports.map((p) => p.port).sort((a, b) => a - b)).toEqual([3000, 3001, 7474, 7687, 9000, 9090, 9093]);
  });
});

describe("the schema defaults stay the runbook's numbers", () => {
  const defaults = dockerBudget(parseStackConfig({}));
  it("Ollama 8 CPUs / 32 GiB with a GPU, Neo4j 8 GiB reserved", () => {
    const ollama = defaults.containers.find((c) => c.container === "ollama")!;
    expect([ollama.cpuLimitMillicores, ollama.limitBytes, ollama.reservedBytes, ollama.gpus]).toEqual([8000, 32 * GiB, 16 * GiB, 1]);
    expect(defaults.containers.find((c) => c.container === "neo4j")!.reservedBytes).toBe(8 * GiB);
  });

  it("counts Neo4j's initial heap + page cache when they exceed its reservation", () => {
    const small = dockerBudget(parseStackConfig({ neo4j: { resources: { requests: { memory: "512Mi", cpu: "500m" } } } }));
    // The schema's heap starts at 1Gi and its page cache is 2Gi: 3Gi held from the start.
    expect(small.containers.find((c) => c.container === "neo4j")!.reservedBytes).toBe(3 * GiB);
  });
});
