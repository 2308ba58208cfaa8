/**
 * The monitoring pieces as the Docker stack declares them, under Pulumi's mock engine: what the
 * program sends for Grafana (generated secret password, provisioning files) and how Neo4j
 * Enterprise metrics are wired into Prometheus.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../components/config/parse";
import { describeDockerStack } from "../../components/docker/stack";
import { isSecretMarker, redactSecrets } from "../../scripts/lib/mockEngine";
import { CONTAINER, container, declareStack, envOf, named } from "../support/mockStack";

describe("Grafana in the Docker stack", () => {
  let run: Awaited<ReturnType<typeof declareStack>>;
  beforeAll(async () => {
    run = await declareStack();
  });

  it("runs as its own component with a generated admin password passed only as a secret", () => {
    expect(named(run, "mcp-superserver:monitoring:Grafana", "mcp-grafana").parent).toBe("mcp");
    const password = named(run, "random:index/randomPassword:RandomPassword", "mcp-grafana-admin-password");
    expect(password.parent).toBe("mcp");
    expect(password.inputs).toMatchObject({ length: 32, special: false });

    const raw = named(run, CONTAINER, "mcp-grafana-container");
    expect(raw.parent).toBe("mcp-grafana");
    // The password is a file uploaded into the container, a secret on the wire; the env only points at it.
    expect(isSecretMarker(raw.inputs.uploads)).toBe(true);
    const c = container(run, "mcp-grafana");
    const env = envOf(c);
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/run/secrets/grafana-admin-password");
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    const adminPassword = (c.uploads as { file: string; content: string }[]).find((u) => u.file === "/run/secrets/grafana-admin-password")!.content;
    expect(run.generatedSecrets).toContain(adminPassword);
    expect(env.GF_SECURITY_ADMIN_USER).toBe("admin");
    // Nowhere in plain text: not in any resource's non-secret inputs; the output is a secret.
    expect(JSON.stringify(run.resources.map((r) => redactSecrets(r.inputs)))).not.toContain(adminPassword);
    expect(run.secretOutputs).toContain("grafanaAdminPassword");
  });

  it("publishes Grafana on the bind address and mounts the provisioning", () => {
    const c = container(run, "mcp-grafana");
    expect(c.ports).toEqual([{ internal: 3000, external: 3001, ip: "127.0.0.1", protocol: "tcp" }]);
    const uploads = c.uploads as { file: string; content: string }[];
    const datasources = parse(uploads.find((u) => u.file.includes("/provisioning/datasources/"))!.content);
    expect(datasources.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090", isDefault: true });
    const dashboard = JSON.parse(uploads.find((u) => u.file.endsWith(".json"))!.content);
    expect(dashboard.panels.every((p: { datasource: { uid: string } }) => p.datasource.uid === datasources.datasources[0].uid)).toBe(true);
    expect(run.outputs.grafanaUrl).toBe("http://127.0.0.1:3001");
  });
});

describe("Neo4j metrics", () => {
  interface PromConfig {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  }
  const scrapeJobs = (raw: Record<string, unknown>) => {
    const stack = describeDockerStack(parseStackConfig(raw), "dev");
    const prom = parse(stack.services.prometheus.files.find((f) => f.name === "prometheus.yml")!.content) as PromConfig;
    return { stack, jobs: Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j.static_configs[0].targets])) };
  };

  it("are enabled, exposed and scraped on Enterprise", () => {
    const { stack, jobs } = scrapeJobs({ neo4j: { edition: "enterprise", image: "neo4j:5.26.0-enterprise" } });
    expect(stack.services.neo4j.env).toMatchObject({
      NEO4J_server_metrics_prometheus_enabled: "true",
      NEO4J_server_metrics_prometheus_endpoint: "0.0.0.0:2004",
    });
    expect(stack.services.neo4j.ports.map((p) => p.port)).toContain(2004);
    expect(jobs.neo4j).toEqual(["neo4j:2004"]);
  });

  it("are absent on Community, which has no metrics endpoint", () => {
    const { stack, jobs } = scrapeJobs({});
    expect(Object.keys(stack.services.neo4j.env).filter((k) => k.includes("metrics"))).toEqual([]);
    expect(jobs.neo4j).toBeUndefined();
    expect(jobs["probe-neo4j"]).toEqual(["neo4j:7687"]);
  });
});
