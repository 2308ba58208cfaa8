/**
 * Secret keys come in as Pulumi secrets or not at all: a plain value stops the run before any
 * resource, naming the key and the command that stores it as a secret.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo";
import { ConfigError, parseStackConfig } from "../../components/config";
import { SECRET_CONFIG_PATHS } from "../../components/config/secretPaths";
import type { ConfigSecrecy } from "../../components/config/secretConfig";
import { loadStackConfig } from "../../components/config/load";
import { PROJECT, runUnderMocks } from "../../scripts/lib/mockEngine";
import { pulumiConfigFromYaml, readPulumiConfigFile, readStackConfig } from "../../scripts/lib/stackConfigFile";
import { runProd } from "../support/mockStack";
import { TEST_CERTIFICATE_ARN } from "../support/edge";

const PAGING = "https://pager.example.com/hook/A";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";
const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF";

function problemsOf(raw: Record<string, unknown>, secrecy: ConfigSecrecy): string[] {
  try {
    parseStackConfig(raw, new Date("2026-06-01"), secrecy);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const noSecrets: ConfigSecrecy = { secretKeys: new Set() };

describe("the secret keys", () => {
  it("are every key built as a secret in the schema", () => {
    expect(SECRET_CONFIG_PATHS).toEqual([
      "alertmanager.receivers.paging.url",
      "alertmanager.receivers.chat.url",
      "alertmanager.receivers.watchdog.url",
      "cluster.kubeconfig",
    ]);
  });
});

describe("a secret key in plain text", () => {
  it("is refused when its top-level key holds no Pulumi secret, with the command to set it", () => {
    expect(problemsOf({ alertmanager: { receivers: { paging: { url: PAGING } } } }, noSecrets)).toEqual([
      "mcp-superserver:alertmanager.receivers.paging.url: (secret value) is plain text (mcp-superserver:alertmanager holds no Pulumi secret); set it with pulumi config set --secret --path 'mcp-superserver:alertmanager.receivers.paging.url' <value>",
    ]);
  });

  it("is refused in the stack file even when another path of the same key is secure (Pulumi marks the whole key secret)", () => {
    const raw = { alertmanager: { receivers: { paging: { url: PAGING }, chat: { url: "https://chat.example.com/hook/B" } } } };
    const secrecy: ConfigSecrecy = {
      secretKeys: new Set(["mcp-superserver:alertmanager"]),
      stackFile: {
        name: "Pulumi.prod.yaml",
        config: { "mcp-superserver:alertmanager": { receivers: { paging: { url: { secure: "v1:AAAA" } }, chat: { url: "https://chat.example.com/hook/B" } } } },
      },
    };
    expect(problemsOf(raw, secrecy)).toEqual([
      "mcp-superserver:alertmanager.receivers.chat.url: (secret value) is plain text in Pulumi.prod.yaml; set it with pulumi config set --secret --path 'mcp-superserver:alertmanager.receivers.chat.url' <value>",
    ]);
  });

  it("never shows the value", () => {
    const problems = problemsOf({ target: "kubernetes", cluster: { mode: "existing", kubeconfig: "token: hunter2-secret", oidcProviderArn: OIDC_ARN }, loadBalancer: { replicas: 2, tls: { certificateArn: TEST_CERTIFICATE_ARN } }, alertmanager: { pagingDisabled: true } }, noSecrets);
    expect(problems).toEqual([
      "mcp-superserver:cluster.kubeconfig: (secret value) is plain text (mcp-superserver:cluster holds no Pulumi secret); set it with pulumi config set --secret --path 'mcp-superserver:cluster.kubeconfig' <value>",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("is listed with the other problems of the config", () => {
    const problems = problemsOf({ hub: { replicas: 0 }, alertmanager: { receivers: { watchdog: { url: PAGING } } } }, noSecrets);
    expect(problems).toEqual([
      "mcp-superserver:hub.replicas: 0 is too small; the minimum is 1",
      "mcp-superserver:alertmanager.receivers.watchdog.url: (secret value) is plain text (mcp-superserver:alertmanager holds no Pulumi secret); set it with pulumi config set --secret --path 'mcp-superserver:alertmanager.receivers.watchdog.url' <value>",
    ]);
  });
});

describe("a secret key set as a Pulumi secret", () => {
  it("is accepted with --secret --path (secure at exactly that path)", () => {
    const secrecy: ConfigSecrecy = {
      secretKeys: new Set(["mcp-superserver:alertmanager"]),
      stackFile: { name: "Pulumi.prod.yaml", config: { "mcp-superserver:alertmanager": { receivers: { paging: { url: { secure: "v1:AAAA" } } } } } },
    };
    expect(problemsOf({ alertmanager: { receivers: { paging: { url: PAGING } } } }, secrecy)).toEqual([]);
  });

  it("is accepted when the whole top-level key is one secure value (set with --secret, without --path)", () => {
    const secrecy: ConfigSecrecy = { secretKeys: new Set(["mcp-superserver:alertmanager"]), stackFile: { name: "Pulumi.prod.yaml", config: { "mcp-superserver:alertmanager": { secure: "v1:AAAA" } } } };
    expect(problemsOf({ alertmanager: { receivers: { paging: { url: PAGING } } } }, secrecy)).toEqual([]);
  });

  it("is accepted when the stack file does not set it (it came from elsewhere, e.g. an ESC environment, as a secret)", () => {
    const secrecy: ConfigSecrecy = { secretKeys: new Set(["mcp-superserver:alertmanager"]), stackFile: { name: "Pulumi.prod.yaml", config: {} } };
    expect(problemsOf({ alertmanager: { receivers: { paging: { url: PAGING } } } }, secrecy)).toEqual([]);
  });
});

describe("keys that are not secret", () => {
  it("are unaffected by the secrecy check", () => {
    const cfg = parseStackConfig({ hub: { replicas: 2 }, alertmanager: { groupWait: "10s" }, cluster: { version: "1.35" } }, new Date("2026-06-01"), noSecrets);
    expect(cfg.hub.replicas).toBe(2);
    expect(cfg.alertmanager.groupWait).toBe("10s");
  });
});

describe("stack files", () => {
  const load = (text: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-secrets-"));
    try {
      writeFileSync(path.join(dir, "Pulumi.laptop.yaml"), text);
      return readStackConfig(path.join(dir, "Pulumi.laptop.yaml"), "mcp-superserver");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("with a plain receiver URL are refused, naming the file", () => {
    const text = "config:\n  mcp-superserver:alertmanager:\n    receivers:\n      paging:\n        url:\n          secure: v1:AAAA\n      chat:\n        url: https://chat.example.com/hook/B\n";
    expect(() => load(text)).toThrow(
      "mcp-superserver:alertmanager.receivers.chat.url: (secret value) is plain text in Pulumi.laptop.yaml; set it with pulumi config set --secret --path 'mcp-superserver:alertmanager.receivers.chat.url' <value>",
    );
  });

  it("mark a key secret only when a secure value is in it, as the engine does", () => {
    const text = "config:\n  mcp-superserver:alertmanager:\n    receivers:\n      paging:\n        url:\n          secure: v1:AAAA\n  mcp-superserver:hub:\n    replicas: 2\n";
    expect(pulumiConfigFromYaml(text, "mcp-superserver").secretKeys).toEqual(["mcp-superserver:alertmanager"]);
  });

  it("committed (dev and prod) carry no plain secret", () => {
    for (const stack of ["dev", "prod"]) expect(() => readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`), "mcp-superserver")).not.toThrow();
  });
});

/** loadStackConfig under the mock engine with Pulumi.prod.yaml and one section replaced: its error, and what was declared. */
async function loadProd(section: Record<string, unknown>, secretKeys: string[]) {
  const { config, secretKeys: fileSecrets } = readPulumiConfigFile(path.join(ROOT, "Pulumi.prod.yaml"), PROJECT);
  for (const [key, value] of Object.entries(section)) config[`${PROJECT}:${key}`] = JSON.stringify(value);
  let error = "";
  const run = await runUnderMocks({
    stack: "prod",
    config,
    secretKeys: [...fileSecrets, ...secretKeys],
    program: async () => {
      try {
        loadStackConfig();
      } catch (e) {
        error = (e as Error).message;
      }
    },
  });
  return { error, declared: run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack") };
}

describe("the program under the mock engine", () => {
  it("stops before any resource when a secret key is not a Pulumi secret", async () => {
    const { error, declared } = await loadProd({ cluster: { mode: "existing", kubeconfig: KUBECONFIG, oidcProviderArn: OIDC_ARN } }, []);
    expect(error).toBe(
      "Invalid stack config (1 problem):\n  mcp-superserver:cluster.kubeconfig: (secret value) is plain text (mcp-superserver:cluster holds no Pulumi secret); set it with pulumi config set --secret --path 'mcp-superserver:cluster.kubeconfig' <value>",
    );
    expect(declared).toEqual([]);
  });

  it("runs when it is one", async () => {
    const run = await runProd({ cluster: { mode: "existing", kubeconfig: KUBECONFIG, oidcProviderArn: OIDC_ARN } }, ["mcp-superserver:cluster"]);
    expect(run.resources.some((r) => r.type === "pulumi:providers:kubernetes")).toBe(true);
  });
});

describe("the synth CLI", () => {
  it("refuses a plain secret in the --config file, exit 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-synth-plain-"));
    try {
      const config = path.join(dir, "Pulumi.plain.yaml");
      writeFileSync(config, "config:\n  mcp-superserver:alertmanager:\n    receivers:\n      paging:\n        url: https://pager.example.com/hook/A\n");
      const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/synth.ts"), "--stack", "dev", "--config", config, "--out", path.join(dir, "out")], {
        encoding: "utf8",
        cwd: ROOT,
        timeout: 120_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        "mcp-superserver:alertmanager.receivers.paging.url: (secret value) is plain text (mcp-superserver:alertmanager holds no Pulumi secret); set it with pulumi config set --secret --path 'mcp-superserver:alertmanager.receivers.paging.url' <value>",
      );
      expect(r.stderr).not.toContain("pager.example.com");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
