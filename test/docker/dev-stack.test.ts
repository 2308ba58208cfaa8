/**
 * The dev stack under Pulumi's mock engine: what each component sends to the Docker, random and
 * AWS providers (the recorded inputs), not what the mocks echo back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretMarker, type MockRun } from "../../scripts/lib/mockEngine";
import { CONTAINER, container, declareStack, envOf, named, ofType, uploadOf } from "../support/mockStack";

let run: MockRun;
beforeAll(async () => {
  run = await declareStack();
});

describe("hub", () => {
  it("runs hub.replicas containers mcp-hub-1..3 under the Hub component", () => {
    const hubs = ofType(run, CONTAINER).filter((r) => r.parent === "mcp-hub");
    expect(hubs.map((r) => r.inputs.name)).toEqual(["mcp-hub-1", "mcp-hub-2", "mcp-hub-3", "mcp-hub-1-sidecar", "mcp-hub-2-sidecar", "mcp-hub-3-sidecar"]);
    expect(named(run, "mcp-superserver:hub:Hub", "mcp-hub").parent).toBe("mcp");
  });

  it("has the runbook's limits: 1 CPU / 512M, reserved 0.5 CPU / 256M, no swap", () => {
    const c = container(run, "mcp-hub-2");
    expect([c.cpus, c.memory, c.memoryReservation, c.memorySwap, c.cpuShares]).toEqual(["1", 512, 256, 512, 512]);
  });

  it("sets the env names the upstream hub reads (src/services/neo4j-client.js, ollama-router.js), the password as a secret", () => {
    const raw = ofType(run, CONTAINER).find((r) => r.inputs.name === "mcp-hub-1")!;
    expect(isSecretMarker(raw.inputs.envs)).toBe(true);
    const env = envOf(container(run, "mcp-hub-1"));
    expect(env).toEqual({
      NODE_ENV: "production",
      PORT: "3000",
      LOG_LEVEL: "info",
      NEO4J_URI: "bolt://neo4j:7687",
      NEO4J_USER: "neo4j",
      NEO4J_PASSWORD: run.generatedSecrets[0],
      NEO4J_DATABASE: "neo4j",
      NEO4J_ACQUISITION_TIMEOUT: "10000",
      // The hub's Ollama client calls 127.0.0.1:11434 whatever it is told; the sidecar serves it.
      OLLAMA_HOST: "127.0.0.1",
      OLLAMA_PORT: "11434",
      OBSIDIAN_VAULT_PATH: "/app/data/obsidian-vault",
      OLLAMA_REASONING_MODEL: "llama3.2:3b",
      OLLAMA_CODING_MODEL: "llama3.2:3b",
      OLLAMA_VISION_MODEL: "llama3.2:3b",
      OLLAMA_CHAT_MODEL: "llama3.2:3b",
      OLLAMA_EMBEDDING_MODEL: "llama3.2:3b",
      OLLAMA_FALLBACK_MODEL: "llama3.2:3b",
    });
  });

  it("tells a hub that honours OLLAMA_HOST the service itself when the forwarder is off", async () => {
    const direct = await declareStack({ hub: { ollamaForwarder: false } });
    expect(envOf(container(direct, "mcp-hub-2"))).toMatchObject({ OLLAMA_HOST: "ollama", OLLAMA_PORT: "11434" });
    expect(container(direct, "mcp-hub-2-sidecar").envs).not.toContainEqual(expect.stringMatching(/^FORWARD_/));
  });

  it("is health-checked on the dependency-free /health/ready, stops within 35 s and restarts unless stopped", () => {
    const c = container(run, "mcp-hub-3");
    expect(c.healthcheck.tests).toEqual(["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:3000/health/ready"]);
    expect(c.restart).toBe("unless-stopped");
    // The upstream hub cuts in-flight requests 30 s after SIGTERM (src/utils/graceful-shutdown.js).
    expect([c.stopTimeout, c.destroyGraceSeconds]).toEqual([35, 35]);
    expect(c.labels).toContainEqual({ label: "app.kubernetes.io/component", value: "hub" });
  });

  it("writes its log and notes to volumes of its own, not the image's layer", () => {
    expect(container(run, "mcp-hub-1").volumes).toEqual([{ containerPath: "/app/logs" }, { containerPath: "/app/data" }]);
  });

  it("runs a sidecar per replica in the replica's network and volumes: the Ollama forwarder and the log pruner", () => {
    const hub = ofType(run, CONTAINER).find((r) => r.inputs.name === "mcp-hub-2")!;
    const side = container(run, "mcp-hub-2-sidecar");
    expect(side.networkMode).toBe(`container:${hub.name}-id`);
    expect(side.volumes).toEqual([{ fromContainer: `${hub.name}-id` }]);
    expect(side.image).toBe(container(run, "mcp-hub-2").image);
    expect(side.command.slice(0, 2)).toEqual(["node", "-e"]);
    expect(envOf(side)).toEqual({
      FORWARD_LISTEN: "127.0.0.1:11434",
      FORWARD_TO: "ollama:11434",
      PRUNE_PATHS: "/app/logs/mcp-hub.log:/app/data/obsidian-vault/MCP Logs",
      PRUNE_MAX_BYTES: String(64 * 1024 * 1024),
      PRUNE_EVERY_SECONDS: "30",
    });
    expect([side.memory, side.memoryReservation, side.cpus]).toEqual([96, 64, "0.1"]);
  });

  it("is built from the upstream source pinned by commit, and every replica runs the built image's id", () => {
    const build = named(run, "docker-build:index:Image", "mcp-hub-image-build");
    expect(build.inputs).toMatchObject({
      context: { location: "https://github.com/Ruben-Alvarez-Dev/MCP-superserver.git#e9ece46e005bf0e9444ebfdc40eb56d60170b074:Docker/mcp-hub" },
      tags: ["mcp-superserver/mcp-hub:e9ece46e005bf0e9444ebfdc40eb56d60170b074"],
      push: false,
      load: true,
    });
    const local = named(run, "docker:index/remoteImage:RemoteImage", "mcp-hub-image-local");
    expect(local.inputs.name).toBe("mcp-superserver/mcp-hub:e9ece46e005bf0e9444ebfdc40eb56d60170b074");
    expect(local.inputs.triggers).toEqual({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const images = new Set(["mcp-hub-1", "mcp-hub-2", "mcp-hub-3"].map((n) => container(run, n).image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^sha256:/);
  });

  it("pulls a prebuilt hub.image as it is and builds nothing", async () => {
    const prebuilt = await declareStack({ hub: { image: "registry.example.com/mcp-hub:2.0.1" } });
    expect(ofType(prebuilt, "docker-build:index:Image")).toEqual([]);
    expect(named(prebuilt, "docker:index/remoteImage:RemoteImage", "mcp-hub-image").inputs.name).toBe("registry.example.com/mcp-hub:2.0.1");
  });
});

describe("neo4j", () => {
  it("sets memory with Neo4j 5 names only, from the config", () => {
    const env = envOf(container(run, "mcp-neo4j"));
    expect(env).toMatchObject({
      NEO4J_server_memory_heap_initial__size: "1g",
      NEO4J_server_memory_heap_max__size: "4g",
      NEO4J_server_memory_pagecache_size: "2g",
    });
    expect(Object.keys(env).filter((k) => k.includes("dbms_memory"))).toEqual([]);
    expect(container(run, "mcp-neo4j").memory).toBe(8192);
  });

  it("authenticates with the generated password and keeps data on a named volume", () => {
    const c = container(run, "mcp-neo4j");
    // From a file only the neo4j user (7474) reads, never from the container's env.
    expect(envOf(c).NEO4J_AUTH).toBeUndefined();
    expect(envOf(c).NEO4J_AUTH_FILE).toBe("/run/secrets/neo4j-auth");
    expect(c.uploads).toContainEqual({ file: "/run/secrets/neo4j-auth", content: `neo4j/${run.generatedSecrets[0]}`, permissions: "0400", owner: "7474", group: "7474" });
    expect(c.volumes).toEqual([{ volumeName: "mcp-neo4j-data", containerPath: "/data" }]);
    expect(c.healthcheck.startPeriod).toBe("90s");
  });

  it("follows a heap change through to the container", async () => {
    const bigger = await declareStack({ neo4j: { heap: { initial: "4Gi", max: "4Gi" }, pageCache: "1536Mi" } });
    expect(envOf(container(bigger, "mcp-neo4j"))).toMatchObject({
      NEO4J_server_memory_heap_initial__size: "4g",
      NEO4J_server_memory_pagecache_size: "1536m",
    });
  });
});

describe("ollama", () => {
  it("asks for one GPU, keeps models on a volume and pre-pulls the configured models", () => {
    const c = container(run, "mcp-ollama");
    expect(c.gpus).toBe("device=0");
    expect(c.memory).toBe(32 * 1024);
    expect(envOf(c)).toMatchObject({ OLLAMA_MODELS: "/models", MCP_PREPULL_MODELS: "llama3.2:3b" });
    expect(c.volumes).toEqual([{ volumeName: "mcp-ollama-models", containerPath: "/models" }]);
  });

  it("asks for no GPU when ollama.gpu.enabled is false", async () => {
    const cpuOnly = await declareStack({ ollama: { gpu: { enabled: false } } });
    expect(container(cpuOnly, "mcp-ollama").gpus).toBeUndefined();
  });
});

/** The MCP pool's upstream block (the deep /health has its own over the same hubs). */
const mcpPool = (conf: string) => conf.slice(conf.indexOf("upstream mcp_hub {"), conf.indexOf("}", conf.indexOf("upstream mcp_hub {")));

describe("load balancer", () => {
  it("publishes nginx on 127.0.0.1:3000 with least_conn over every hub replica", () => {
    const c = container(run, "mcp-nginx");
    expect(c.ports).toEqual([{ internal: 8080, external: 3000, ip: "127.0.0.1", protocol: "tcp" }]);
    const conf = uploadOf(c, "/etc/nginx/nginx.conf");
    expect(conf).toContain("least_conn;");
    expect(mcpPool(conf).match(/server mcp-hub-\d:3000/g)).toEqual(["server mcp-hub-1:3000", "server mcp-hub-2:3000", "server mcp-hub-3:3000"]);
  });

  it("follows hub.replicas", async () => {
    const five = await declareStack({ hub: { replicas: 5 } });
    expect(mcpPool(uploadOf(container(five, "mcp-nginx"), "/etc/nginx/nginx.conf")).match(/server mcp-hub-\d:3000/g)).toHaveLength(5);
  });
});

describe("monitoring", () => {
  it("Prometheus scrapes every hub replica and probes Neo4j and Ollama through blackbox_exporter", () => {
    const yml = uploadOf(container(run, "mcp-prometheus"), "/etc/prometheus/prometheus.yml");
    for (const n of [1, 2, 3]) expect(yml).toContain(`mcp-hub-${n}:3000`);
    expect(yml).toContain("neo4j:7687");
    expect(yml).toContain("http://ollama:11434/");
    expect(yml).toContain("replacement: blackbox-exporter:9115");
  });

  it("renders memory alerts at the configured thresholds", async () => {
    const custom = await declareStack({ prometheus: { alerts: { memoryWarningPercent: 80, memoryCriticalPercent: 92 } } });
    const rules = uploadOf(container(custom, "mcp-prometheus"), "/etc/prometheus/rules/alert-rules.yml");
    expect(rules).toContain('name=~"mcp-hub-1|mcp-hub-2|mcp-hub-3"} > 0)) > 0.8');
    expect(rules).toContain("> 0.92");
  });

  it("keeps alertmanager.yml secret once a receiver URL is set", async () => {
    const url = "https://hooks.example.com/services/T0K3N";
    const paging = await declareStack({ alertmanager: { receivers: { paging: { url } } } });
    const raw = ofType(paging, CONTAINER).find((r) => r.inputs.name === "mcp-alertmanager")!;
    // One secret upload makes the whole list secret on the wire.
    expect(isSecretMarker(raw.inputs.uploads)).toBe(true);
    expect(uploadOf(container(paging, "mcp-alertmanager"), "/etc/alertmanager/alertmanager.yml")).toContain(url);
  });

  it("runs cAdvisor and node_exporter with the host access they need", () => {
    expect(container(run, "mcp-cadvisor").privileged).toBe(false);
    expect(container(run, "mcp-cadvisor").devices).toEqual([{ hostPath: "/dev/kmsg", permissions: "r" }]);
    expect(container(run, "mcp-node-exporter").pidMode).toBe("host");
  });
});

describe("backup bucket and nightly job", () => {
  it("creates a versioned bucket with expiry in MinIO through the AWS provider", () => {
    const provider = named(run, "pulumi:providers:aws", "mcp-backup-s3");
    // Provider config travels as strings.
    expect(provider.inputs).toMatchObject({ s3UsePathStyle: "true", region: "us-east-1" });
    expect(isSecretMarker(provider.inputs.secretKey)).toBe(true);
    expect(JSON.parse(provider.inputs.endpoints as string)).toEqual([{ s3: "http://127.0.0.1:9000" }]);
    expect(named(run, "aws:s3/bucket:Bucket", "mcp-backup-bucket").inputs.bucket).toBe("mcp-superserver-backups-dev");
    expect(named(run, "aws:s3/bucketVersioning:BucketVersioning", "mcp-backup-versioning").inputs).toMatchObject({
      versioningConfiguration: { status: "Enabled" },
    });
    const lifecycle = named(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "mcp-backup-lifecycle");
    expect(lifecycle.inputs.rules).toMatchObject([{ expiration: { expiredObjectDeleteMarker: true }, noncurrentVersionExpiration: { noncurrentDays: 7 } }]);
    expect((lifecycle.inputs.rules as { expiration: object }[])[0].expiration).not.toHaveProperty("days");
  });

  it("waits for MinIO to be healthy before the bucket is created", () => {
    expect(container(run, "mcp-minio").wait).toBe(true);
    expect(named(run, "pulumi:providers:aws", "mcp-backup-s3").options.dependsOn).toEqual(["mcp-backup-store-container"]);
  });

  it("schedules the job at backup.schedule with the Docker API proxy and the bucket's credentials", async () => {
    // A weekly backup needs a BackupMissing window longer than a week (config rule).
    const weekly = await declareStack({ backup: { schedule: "30 3 * * 0" }, prometheus: { alerts: { backupMaxAgeHours: 170 } } });
    const c = container(weekly, "mcp-backup");
    expect(uploadOf(c, "/etc/crontabs/root")).toMatch(/^30 3 \* \* 0 \/usr\/local\/bin\/mcp-backup /);
    expect(c.mounts).toEqual([]);
    expect(envOf(c).DOCKER_HOST).toBe("unix:///run/docker-api/docker.sock");
    // The secret key is a root-only file the job's scripts read, not part of the container's env.
    expect(envOf(c).AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(c.uploads).toContainEqual({ file: "/run/secrets/object-store-password", content: weekly.generatedSecrets[1], permissions: "0400", owner: "0", group: "0" });
    expect(uploadOf(c, "/usr/local/bin/mcp-backup")).toContain("S3_SECRET_KEY_FILE='/run/secrets/object-store-password'");
    expect(uploadOf(c, "/usr/local/bin/mcp-backup")).toContain("BUCKET='mcp-superserver-backups-dev'");
  });
});

describe("every container", () => {
  it("has a memory limit and reservation, a CPU limit, a pinned image and the private network", () => {
    const containers = ofType(run, CONTAINER).map((r) => r.inputs as Record<string, any>);
    expect(containers).toHaveLength(19);
    for (const c of containers) {
      expect(c.memory, c.name).toBeGreaterThan(0);
      expect(c.memoryReservation, c.name).toBeGreaterThan(0);
      expect(c.memoryReservation, c.name).toBeLessThanOrEqual(c.memory);
      expect(Number(c.cpus), c.name).toBeGreaterThan(0);
      // Sidecars share their replica's network namespace instead.
      if (c.networkMode) expect(c.networkMode, c.name).toMatch(/^container:mcp-hub-\d-id$/);
      else expect(c.networksAdvanced, c.name).toEqual([expect.objectContaining({ name: "mcp-superserver-dev" })]);
    }
    for (const image of ofType(run, "docker:index/remoteImage:RemoteImage")) {
      expect(image.inputs.name).toMatch(/:[\w][\w.-]*$/);
      expect(image.inputs.name).not.toMatch(/:latest$/);
    }
  });

  it("keeps graph data, models and backups when the stack is destroyed", () => {
    const retained = ofType(run, "docker:index/volume:Volume").filter((v) => v.options.retainOnDelete);
    expect(retained.map((v) => v.inputs.name).sort()).toEqual(["mcp-backup-objects", "mcp-neo4j-data", "mcp-ollama-models"]);
  });

  it("creates volumes before the containers that mount them", () => {
    const neo4j = ofType(run, CONTAINER).find((r) => r.inputs.name === "mcp-neo4j")!;
    expect(neo4j.options.dependsOn).toContain("mcp-neo4j-data");
  });
});
