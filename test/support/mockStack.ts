import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../components/config/schema";
import { PROJECT, runUnderMocks, unwrapSecrets, type MockRun, type RecordedResource } from "../../scripts/lib/mockEngine";
import { readPulumiConfigFile } from "../../scripts/lib/stackConfigFile";
import { ROOT } from "./repo";

/**
 * The one way tests run the program under Pulumi's mocks, for either target: the McpSuperserver
 * component for a config, with the outputs tests read and the names of those that are secrets
 * (resolved outputs lose that mark). Unlike loading index.ts, this can run again in the same
 * process. Two entry points over it: a raw config (declareStack) or a stack file (runStack).
 */

export type StackRun = MockRun & { secretOutputs: string[] };

async function runProgram(
  stack: string,
  loadConfig: () => Promise<StackConfig>,
  mocks: { config?: Record<string, string>; secretKeys?: string[] } = {},
  passphrase?: string,
): Promise<StackRun> {
  const secretOutputs: string[] = [];
  const run = await runUnderMocks({
    stack,
    ...mocks,
    program: async () => {
      const config = await loadConfig();
      const { McpSuperserver } = await import("../../components/superserver");
      const s = new McpSuperserver("mcp", { config, stack, ...(passphrase === undefined ? {} : { passphrase }) });
      const outputs: Record<string, pulumi.Output<unknown>> = {
        loadBalancerUrl: s.loadBalancerUrl,
        neo4jPassword: s.neo4jPassword,
        backupBucket: s.backupBucket,
        grafanaUrl: s.grafanaUrl,
        grafanaAdminPassword: s.grafanaAdminPassword,
        clientTokens: s.clientTokens,
      };
      for (const [name, output] of Object.entries(outputs)) if (await pulumi.isSecret(output)) secretOutputs.push(name);
      return outputs;
    },
  });
  return { ...run, secretOutputs };
}

/**
 * A raw config (section name -> value), checked as the program checks it; on Docker with the
 * stack's secrets passphrase as `npm run up` passes it, when given.
 */
export async function declareStack(raw: Record<string, unknown> = {}, stack = "dev", passphrase?: string): Promise<StackRun> {
  const { parseCheckedConfig } = await import("../../components/checks/config");
  const config = parseCheckedConfig(raw);
  return runProgram(stack, async () => config, {}, passphrase);
}

/**
 * The stack's config file with optional overrides of whole sections (`{ cluster: {...} }`), read
 * from Pulumi's config inside the program as `pulumi up` would.
 */
export async function runStack(stack: string, overrides: Record<string, unknown> = {}, secretKeys: string[] = []): Promise<StackRun> {
  const { config, secretKeys: fileSecrets } = readPulumiConfigFile(path.join(ROOT, `Pulumi.${stack}.yaml`), PROJECT);
  for (const [section, value] of Object.entries(overrides)) config[`${PROJECT}:${section}`] = JSON.stringify(value);
  const load = async () => (await import("../../components/checks/config")).loadCheckedConfig();
  return runProgram(stack, load, { config, secretKeys: [...fileSecrets, ...secretKeys] });
}

export const runProd = (overrides: Record<string, unknown> = {}, secretKeys: string[] = []) => runStack("prod", overrides, secretKeys);

/** Recorded inputs with secrets unwrapped, typed loosely for assertions. */
export function inputsOf(r: RecordedResource): any {
  return unwrapSecrets(r.inputs);
}

/** A Helm release is a Kubernetes-provider resource, but not an object of the API. */
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export function k8sObjects(run: MockRun, kind?: string): any[] {
  return run.resources
    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE)
    .map(inputsOf)
    .filter((o) => !kind || o.kind === kind);
}

export function byName(objects: any[], name: string): any {
  const found = objects.find((o) => o.metadata?.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
}

/** The labels the pod templates of one role (app.kubernetes.io/component) give its pods. */
export function podLabels(run: MockRun, role: string): Record<string, string> {
  const templates = [
    ...["Deployment", "StatefulSet", "DaemonSet"].flatMap((kind) => k8sObjects(run, kind).map((o) => o.spec.template)),
    ...k8sObjects(run, "CronJob").map((o) => o.spec.jobTemplate.spec.template),
  ];
  const labels = templates.map((t) => t.metadata.labels).find((l) => l["app.kubernetes.io/component"] === role);
  if (!labels) throw new Error(`no pods of role ${role}`);
  return labels;
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
