import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { ConfigError, parseStackConfig, rawConfigFromPulumi, SecretValue } from "../../components/config";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`config was accepted: ${JSON.stringify(raw)}`);
}

describe("defaults are the runbook's numbers", () => {
  const cfg = parseStackConfig({});

  it("targets local Docker", () => {
    expect(cfg.target).toBe("docker");
  });

  it("hub: 1 CPU / 512Mi limit, 500m / 256Mi reserved, 3 replicas", () => {
    expect(cfg.hub.resources).toEqual({
      limits: { cpu: 1000, memory: 512 * MiB },
      requests: { cpu: 500, memory: 256 * MiB },
    });
    expect(cfg.hub.replicas).toBe(3);
  });

  it("Neo4j: heap 1Gi..4Gi inside an 8Gi container", () => {
    expect(cfg.neo4j.heap).toEqual({ initial: GiB, max: 4 * GiB });
    expect(cfg.neo4j.resources.limits.memory).toBe(8 * GiB);
  });

  it("Ollama: 32Gi with one GPU", () => {
    expect(cfg.ollama.resources.limits.memory).toBe(32 * GiB);
    expect(cfg.ollama.gpu).toEqual({ enabled: true, count: 1 });
  });

  it("backup nightly at 02:00 and alerts at 90% / 95% memory", () => {
    expect(cfg.backup.schedule).toBe("0 2 * * *");
    expect([cfg.prometheus.alerts.memoryWarningPercent, cfg.prometheus.alerts.memoryCriticalPercent]).toEqual([90, 95]);
  });
});

describe("stack files", () => {
  const load = (stack: string) => readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`), "mcp-superserver");

  it("dev parses and targets Docker", () => {
    expect(load("dev").target).toBe("docker");
  });

  it("prod carries the runbook's vertical scaling for the hub (2 CPU / 1Gi)", () => {
    const prod = load("prod");
    expect(prod.target).toBe("kubernetes");
    expect(prod.hub.resources.limits).toEqual({ cpu: 2000, memory: GiB });
  });
});

describe("Pulumi's string config", () => {
  it("decodes JSON objects and keeps plain strings; other namespaces are not ours", () => {
    const raw = rawConfigFromPulumi({
      "mcp-superserver:target": "docker",
      "mcp-superserver:hub": '{"replicas":5}',
      "aws:region": "eu-west-1",
    });
    expect(raw).toEqual({ target: "docker", hub: { replicas: 5 } });
    expect(parseStackConfig(raw).hub.replicas).toBe(5);
  });

  it("a typo in a top-level key is an error, not a silently ignored key", () => {
    expect(problemsOf(rawConfigFromPulumi({ "mcp-superserver:hubs": '{"replicas":5}' }))).toEqual([
      "mcp-superserver:hubs: unknown key; allowed keys: target, docker, hub, neo4j, ollama, loadBalancer, prometheus, alertmanager, grafana, backup, cluster, kubernetes",
    ]);
  });
});

describe("secrets", () => {
  it("receiver URLs become SecretValues that never print", () => {
    const cfg = parseStackConfig({ alertmanager: { receivers: { paging: { url: "https://hooks.example.com/T0K3N" } } } });
    const url = cfg.alertmanager.receivers.paging.url!;
    expect(url).toBeInstanceOf(SecretValue);
    expect(url.reveal()).toBe("https://hooks.example.com/T0K3N");
    expect(`${url}`).toBe("[secret]");
    expect(JSON.stringify(cfg)).not.toContain("T0K3N");
  });

  it("a bad receiver URL is reported without echoing it", () => {
    const problems = problemsOf({ alertmanager: { receivers: { chat: { url: "not-a-url-T0K3N" } } } });
    expect(problems).toEqual(["mcp-superserver:alertmanager.receivers.chat.url: (secret value) is not an http(s) URL"]);
  });
});

/** [what is wrong, config, the exact problem line] */
const BAD: [string, Record<string, unknown>, string][] = [
  ["memory with a decimal SI unit typo", { hub: { resources: { limits: { memory: "512MB" } } } },
    'mcp-superserver:hub.resources.limits.memory: "512MB" is not a quantity; use forms like 512Mi or 1Gi'],
  ["memory as a bare number is bytes, not MiB", { hub: { resources: { limits: { memory: 512 } } } },
    "mcp-superserver:hub.resources.limits.memory: 512 is not a whole number of MiB; the Docker target sets memory in MiB (use e.g. 512Mi or 1Gi)"],
  ["lower-case binary suffix", { neo4j: { heap: { max: "4gi" } } },
    'mcp-superserver:neo4j.heap.max: "4gi" is not a quantity; use forms like 512Mi or 1Gi'],
  ["zero memory", { ollama: { resources: { limits: { memory: "0" } } } },
    'mcp-superserver:ollama.resources.limits.memory: "0" must be greater than zero'],
  ["fractional bytes", { hub: { resources: { requests: { memory: "0.5" } } } },
    'mcp-superserver:hub.resources.requests.memory: "0.5" is not a whole number of bytes; use forms like 512Mi or 1Gi'],
  ["CPU with a memory unit", { hub: { resources: { limits: { cpu: "1Gi" } } } },
    'mcp-superserver:hub.resources.limits.cpu: "1Gi" is not a CPU quantity; use forms like 500m, 1 or 1.5'],
  ["CPU finer than a millicore", { hub: { resources: { requests: { cpu: "0.0001" } } } },
    'mcp-superserver:hub.resources.requests.cpu: "0.0001" is finer than 1m; CPU is counted in whole millicores (e.g. 250m)'],
  ["memory request above its limit", { hub: { resources: { requests: { memory: "1Gi" } } } },
    'mcp-superserver:hub.resources.requests.memory: "1Gi" is more than the limit hub.resources.limits.memory (512Mi); a request must not exceed its limit'],
  ["CPU request above its limit", { loadBalancer: { resources: { requests: { cpu: "2" } } } },
    'mcp-superserver:loadBalancer.resources.requests.cpu: "2" is more than the limit loadBalancer.resources.limits.cpu (1); a request must not exceed its limit'],
  ["limit lowered under the default request", { hub: { resources: { limits: { memory: "128Mi" } } } },
    "mcp-superserver:hub.resources.requests.memory: 256Mi (the default) is more than the limit hub.resources.limits.memory (128Mi); a request must not exceed its limit"],
  ["heap initial above heap max", { neo4j: { heap: { initial: "6Gi", max: "4Gi" } } },
    'mcp-superserver:neo4j.heap.initial: "6Gi" is more than neo4j.heap.max (4Gi); the initial heap must not exceed the maximum'],
  ["heap + page cache + headroom over the limit", { neo4j: { heap: { max: "6Gi" } } },
    "mcp-superserver:neo4j.resources.limits.memory: 8Gi (the default) is too small for neo4j.heap.max (6Gi) + neo4j.pageCache (2Gi) + 1Gi headroom = 9Gi; raise the limit or lower heap/page cache"],
  ["page cache leaves no headroom", { neo4j: { pageCache: "3584Mi" } },
    "mcp-superserver:neo4j.resources.limits.memory: 8Gi (the default) is too small for neo4j.heap.max (4Gi) + neo4j.pageCache (3584Mi) + 1Gi headroom = 8704Mi; raise the limit or lower heap/page cache"],
  ["zero replicas", { hub: { replicas: 0 } }, "mcp-superserver:hub.replicas: 0 is too small; the minimum is 1"],
  ["fractional replicas", { hub: { replicas: 2.5 } }, "mcp-superserver:hub.replicas: 2.5 is a number; expected a whole number"],
  ["replicas as a word", { hub: { replicas: "three" } }, 'mcp-superserver:hub.replicas: "three" is a string; expected a number'],
  ["unknown target", { target: "swarm" }, 'mcp-superserver:target: "swarm" is not allowed; use one of "docker", "kubernetes"'],
  ["misspelt nested key", { hub: { resources: { limit: { memory: "1Gi" } } } },
    "mcp-superserver:hub.resources.limit: unknown key; allowed keys in mcp-superserver:hub.resources: limits, requests"],
  ["unknown section key", { neo4j: { heapSize: "4Gi" } },
    "mcp-superserver:neo4j.heapSize: unknown key; allowed keys in mcp-superserver:neo4j: image, edition, heap, pageCache, resources, storage"],
  ["section that is not an object", { hub: "big" }, 'mcp-superserver:hub: "big" is a string; expected an object'],
  ["cron with four fields", { backup: { schedule: "0 2 * *" } },
    'mcp-superserver:backup.schedule: "0 2 * *" has 4 fields; use a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"'],
  ["cron with seconds", { backup: { schedule: "0 0 2 * * *" } },
    'mcp-superserver:backup.schedule: "0 0 2 * * *" has 6 fields; use a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"'],
  ["cron minute out of range", { backup: { schedule: "61 2 * * *" } },
    'mcp-superserver:backup.schedule: "61 2 * * *" is not a valid cron expression (Constraint error, got value 61 expected range 0-59)'],
  ["image without a tag", { hub: { image: "ghcr.io/mcp-superserver/mcp-hub" } },
    'mcp-superserver:hub.image: "ghcr.io/mcp-superserver/mcp-hub" has no tag; pin a version, e.g. registry.example.com/mcp-hub:1.0.0'],
  ["image on latest", { neo4j: { image: "neo4j:latest" } },
    'mcp-superserver:neo4j.image: "neo4j:latest" uses the moving tag "latest"; pin a version, e.g. neo4j:5.26.0-community'],
  ["image with upper case", { ollama: { image: "Ollama/ollama:0.5.7" } },
    'mcp-superserver:ollama.image: "Ollama/ollama:0.5.7" is not an image reference; use repository:tag, e.g. ollama/ollama:0.5.7'],
  ["edition that does not match the image", { neo4j: { edition: "enterprise" } },
    'mcp-superserver:neo4j.edition: "enterprise" does not match neo4j.image (neo4j:5.26.0-community); use a "-enterprise" image tag or change the edition'],
  ["bad Ollama model name", { ollama: { models: ["llama3.2:3b", "Llama 3"] } },
    'mcp-superserver:ollama.models[1]: "Llama 3" is not an Ollama model name; use name:tag, e.g. llama3.2:3b'],
  ["GPU count out of range", { ollama: { gpu: { count: 0 } } }, "mcp-superserver:ollama.gpu.count: 0 is too small; the minimum is 1"],
  ["GPU switch as a string", { ollama: { gpu: { enabled: "yes" } } },
    'mcp-superserver:ollama.gpu.enabled: "yes" is a string; expected a boolean'],
  ["port out of range", { loadBalancer: { port: 70000 } }, "mcp-superserver:loadBalancer.port: 70000 is too large; the maximum is 65535"],
  ["duration without a unit", { loadBalancer: { readTimeout: "300" } },
    'mcp-superserver:loadBalancer.readTimeout: "300" is not a duration; use a positive whole number with one unit: ms, s, m, h or d (e.g. 30s, 5m)'],
  ["nginx body size in MB", { loadBalancer: { clientMaxBodySize: "10MB" } },
    'mcp-superserver:loadBalancer.clientMaxBodySize: "10MB" is not an nginx size; use forms like 10m or 512k'],
  ["two nginx replicas on Docker", { loadBalancer: { replicas: 2 } },
    "mcp-superserver:loadBalancer.replicas: 2 is not allowed on the Docker target, where one nginx owns the host port; use 1 (or target kubernetes)"],
  ["memory Docker cannot set exactly", { hub: { resources: { limits: { memory: "1G" } } } },
    'mcp-superserver:hub.resources.limits.memory: "1G" is not a whole number of MiB; the Docker target sets memory in MiB (use e.g. 512Mi or 1Gi)'],
  ["hub source pinned by branch", { hub: { source: { commit: "main" } } },
    'mcp-superserver:hub.source.commit: "main" is not a full 40-hex commit id; pin the source by commit, not by branch or tag'],
  ["hub source that is not an http(s) URL", { hub: { source: { repository: "git@github.com:x/y.git" } } },
    'mcp-superserver:hub.source.repository: "git@github.com:x/y.git" is not an http(s) git URL'],
  ["hub role routed to a model Ollama does not pull", { hub: { models: { vision: "llava:7b" } } },
    'mcp-superserver:hub.models.vision: "llava:7b" is not pulled by Ollama (ollama.models is [llama3.2:3b]); add it to ollama.models or route the role to one of those'],
  ["hub model pulled elsewhere but default roles left behind", { ollama: { models: ["qwen2.5:0.5b"] }, hub: { models: { chat: "qwen2.5:0.5b" } } },
    'mcp-superserver:hub.models.reasoning: llama3.2:3b (the default) is not pulled by Ollama (ollama.models is [qwen2.5:0.5b]); add it to ollama.models or route the role to one of those'],
  ["latency threshold between the hub's buckets", { prometheus: { alerts: { latencyWarningSeconds: 2 } } },
    "mcp-superserver:prometheus.alerts.latencyWarningSeconds: 2 is not a bucket bound of the hub's latency histogram (hub.metricsContract upstream: 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 s); use one of those"],
  ["bad metrics contract", { hub: { metricsContract: "prom" } },
    `mcp-superserver:hub.metricsContract: "prom" is not allowed; use one of "upstream", "runbook"`],
  ["warning threshold above critical", { prometheus: { alerts: { memoryWarningPercent: 96 } } },
    "mcp-superserver:prometheus.alerts.memoryWarningPercent: 96 must be below prometheus.alerts.memoryCriticalPercent (95) so the warning comes before the page"],
  ["disk thresholds the wrong way round", { prometheus: { alerts: { diskFreeCriticalPercent: 20 } } },
    "mcp-superserver:prometheus.alerts.diskFreeCriticalPercent: 20 must be below prometheus.alerts.diskFreeWarningPercent (15) so the warning comes before the page"],
  ["percentage of 100", { prometheus: { alerts: { errorRateCriticalPercent: 100 } } },
    "mcp-superserver:prometheus.alerts.errorRateCriticalPercent: 100 is too large; the maximum is 100 (exclusive)"],
  ["runbook URL that is not http", { prometheus: { runbookUrl: "ftp://runbooks/x" } },
    'mcp-superserver:prometheus.runbookUrl: "ftp://runbooks/x" is not an http(s) URL'],
  ["bind address that is not an address", { docker: { bindAddress: "localhost" } },
    'mcp-superserver:docker.bindAddress: "localhost" is not an IPv4 address; use 127.0.0.1 (this host only) or 0.0.0.0 (every interface)'],
  ["retention of zero days", { backup: { retentionDays: 0 } }, "mcp-superserver:backup.retentionDays: 0 is too small; the minimum is 1"],
  ["backup prefix without a slash", { backup: { prefix: "neo4j" } },
    'mcp-superserver:backup.prefix: "neo4j" is not a key prefix; use lower-case words ending in /, e.g. neo4j/'],
];

describe(`bad configs (${BAD.length}) fail with a message naming key, value and what is allowed`, () => {
  it("covers at least 30 distinct mistakes", () => {
    expect(new Set(BAD.map(([what]) => what)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD)("%s", (_what, raw, expected) => {
    expect(problemsOf(raw)).toContain(expected);
  });

  it("reports every problem at once, not just the first", () => {
    const problems = problemsOf({ hub: { replicas: 0, image: "x" }, backup: { schedule: "nightly" } });
    expect(problems).toHaveLength(3);
  });
});
