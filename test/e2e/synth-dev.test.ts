/**
 * `npm run synth -- --stack dev` end to end: the files it writes pass their real validators,
 * no generated secret appears anywhere in plain text, and a bad config stops it with the message.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { synthesize, writeSynthOutput, type SynthEntry } from "../../scripts/lib/synthesize";
import { amtoolCheckConfig, blackboxCheckConfig, nginxTest, promtoolCheckConfig, promtoolCheckRules, shellSyntax } from "../support/validators";
import { withoutResolve } from "../support/nginxPrefix";

const out = mkdtempSync(path.join(tmpdir(), "mcp-synth-"));
const read = (name: string) => readFileSync(path.join(out, "files", name), "utf8");
let generatedSecrets: string[] = [];
let resources: SynthEntry[] = [];

beforeAll(async () => {
  const result = await synthesize({ stack: "dev", configFile: path.join(ROOT, "Pulumi.dev.yaml") });
  if (!result.ok) throw new Error(result.error);
  writeSynthOutput(out, result);
  generatedSecrets = result.run.generatedSecrets;
  resources = JSON.parse(readFileSync(path.join(out, "resources.json"), "utf8"));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("synth --stack dev", () => {
  it("writes resources.json with type, name, parent and inputs of every resource", () => {
    expect(resources.length).toBeGreaterThan(40);
    const hub1 = resources.find((r) => r.name === "mcp-hub-1")!;
    expect(hub1).toMatchObject({ type: "docker:index/container:Container", parent: "mcp-hub", inputs: { name: "mcp-hub-1", memory: 512 } });
    // The engine marks the whole list secret for the one password in it: each element is shown
    // with the secret masked, so a reviewer sees every name.
    const envs = (hub1.inputs as { envs: string[] }).envs;
    expect(envs).toContain("NEO4J_PASSWORD=[secret]");
    expect(envs).toContain("NEO4J_USER=neo4j");
    expect(envs).toContain("OLLAMA_HOST=127.0.0.1");
  });

  it("writes the rendered files", () => {
    expect(readdirSync(path.join(out, "files")).sort()).toEqual(
      [
        "alert-rules.yml",
        "alertmanager.yml",
        "blackbox.yml",
        "client-tokens",
        "crontab",
        "docker-api-proxy.conf",
        "docker-api-proxy.js",
        "grafana-admin-password",
        "mcp-backup",
        "mcp-backup-scheduler",
        "mcp-restore",
        "mcp-session-key",
        "mcp-superserver-dashboards.yml",
        "mcp-superserver-datasources.yml",
        "mcp-superserver-overview.json",
        "mcp-verify",
        "mcp_auth.js",
        "mcp_session.js",
        "neo4j-auth",
        "nginx.conf",
        "object-store-password",
        "prometheus.yml",
      ],
    );
  });

  it("nginx.conf passes nginx -t with the hub replicas' names resolved", () => {
    const r = nginxTest(withoutResolve(read("nginx.conf")), ["mcp-hub-1", "mcp-hub-2", "mcp-hub-3"]);
    expect(r.status, r.output).toBe(0);
  });

  it("prometheus.yml and alert-rules.yml pass promtool", () => {
    const config = promtoolCheckConfig(read("prometheus.yml"), { "/etc/prometheus/rules/alert-rules.yml": read("alert-rules.yml") });
    expect(config.status, config.output).toBe(0);
    const rules = promtoolCheckRules(read("alert-rules.yml"));
    expect(rules.status, rules.output).toBe(0);
  });

  it("alertmanager.yml passes amtool, blackbox.yml blackbox_exporter, the backup script sh -n", () => {
    for (const r of [amtoolCheckConfig(read("alertmanager.yml")), blackboxCheckConfig(read("blackbox.yml")), ...["mcp-backup", "mcp-backup-scheduler", "mcp-restore", "mcp-verify"].map((f) => shellSyntax(read(f)))]) {
      expect(r.status, r.output).toBe(0);
    }
  });

  it("no generated secret appears in plain text in anything it wrote", () => {
    // Neo4j, object store and Grafana admin passwords, nginx's session-signing key, the "operator" client's token.
    expect(generatedSecrets).toHaveLength(5);
    const written = [path.join(out, "resources.json"), ...readdirSync(path.join(out, "files")).map((f) => path.join(out, "files", f))];
    for (const file of written) {
      const text = readFileSync(file, "utf8");
      for (const secret of generatedSecrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});

describe("synth CLI", () => {
  const synth = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/synth.ts"), ...args], {
      encoding: "utf8",
      cwd: ROOT,
      timeout: 120_000,
    });

  it("stops on a bad config with the message, exit 1, and writes nothing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-synth-bad-"));
    try {
      const config = path.join(dir, "bad.yaml");
      writeFileSync(config, "config:\n  mcp-superserver:hub:\n    resources:\n      limits:\n        memory: 512MB\n");
      const r = synth("--stack", "dev", "--config", config, "--out", path.join(dir, "out"));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('mcp-superserver:hub.resources.limits.memory: "512MB" is not a quantity; use forms like 512Mi or 1Gi');
      expect(existsSync(path.join(dir, "out"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps secure config values out: receivers get placeholders that still validate", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-synth-secure-"));
    try {
      const config = path.join(dir, "secure.yaml");
      writeFileSync(
        config,
        "config:\n  mcp-superserver:alertmanager:\n    receivers:\n      paging:\n        url:\n          secure: v1:AAAABBBBCCCC\n",
      );
      const r = synth("--stack", "dev", "--config", config, "--out", path.join(dir, "out"));
      expect(r.status, r.stderr).toBe(0);
      const am = readFileSync(path.join(dir, "out/files/alertmanager.yml"), "utf8");
      expect(am).toContain("https://secret.invalid/alertmanager.receivers.paging.url");
      expect(am).not.toContain("v1:AAAABBBBCCCC");
      expect(amtoolCheckConfig(am).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
