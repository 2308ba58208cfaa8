import * as pulumi from "@pulumi/pulumi";
import { parseCheckedConfig } from "../../components/checks/config";
import { runUnderMocks, unwrapSecrets, type MockRun, type RecordedResource } from "../../scripts/lib/mockEngine";

/**
 * Runs the McpSuperserver component for a raw config under mocks and returns what it declared,
 * plus the names of the stack outputs that are secrets (resolved outputs lose that mark).
 */
export async function declareStack(raw: Record<string, unknown> = {}, stack = "dev"): Promise<MockRun & { secretOutputs: string[] }> {
  const config = parseCheckedConfig(raw);
  const { McpSuperserver } = await import("../../components/superserver");
  const secretOutputs: string[] = [];
  const run = await runUnderMocks({
    stack,
    program: async () => {
      const s = new McpSuperserver("mcp", { config, stack });
      const outputs = {
        loadBalancerUrl: s.loadBalancerUrl,
        neo4jPassword: s.neo4jPassword,
        backupBucket: s.backupBucket,
        grafanaUrl: s.grafanaUrl,
        grafanaAdminPassword: s.grafanaAdminPassword,
      };
      for (const [name, output] of Object.entries(outputs)) if (await pulumi.isSecret(output)) secretOutputs.push(name);
      return outputs;
    },
  });
  return { ...run, secretOutputs };
}

export const ofType = (run: MockRun, type: string) => run.resources.filter((r) => r.type === type);

export function named(run: MockRun, type: string, name: string): RecordedResource {
  const r = run.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named ${name}; have ${ofType(run, type).map((x) => x.name).join(", ")}`);
  return r;
}

export const CONTAINER = "docker:index/container:Container";

/** A container's inputs with secrets unwrapped, found by its Docker name (`mcp-hub-1`, `mcp-neo4j`). */
export function container(run: MockRun, dockerName: string): Record<string, any> {
  const c = ofType(run, CONTAINER).find((r) => r.inputs.name === dockerName);
  if (!c) throw new Error(`no container ${dockerName}`);
  return unwrapSecrets(c.inputs) as Record<string, any>;
}

export function envOf(c: Record<string, any>): Record<string, string> {
  return Object.fromEntries((c.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

export const uploadOf = (c: Record<string, any>, file: string): string =>
  (c.uploads as { file: string; content: string }[]).find((u) => u.file === file)?.content ?? "";
