import * as path from "node:path";
import { PROJECT, runUnderMocks, unwrapSecrets, type MockRun, type RecordedResource } from "../../scripts/lib/mockEngine";
import { readPulumiConfigFile } from "../../scripts/lib/stackConfigFile";

export const ROOT = path.resolve(__dirname, "../..");

/**
 * Runs the program for a stack under mocks, with its config file and optional overrides of
 * whole sections (`{ cluster: {...} }`), as `pulumi up` would evaluate it. Unlike loading
 * index.ts, this can run again in the same process.
 */
export async function runStack(stack: string, overrides: Record<string, unknown> = {}, secretKeys: string[] = []): Promise<MockRun> {
  const { config, secretKeys: fileSecrets } = readPulumiConfigFile(path.join(ROOT, `Pulumi.${stack}.yaml`), PROJECT);
  for (const [section, value] of Object.entries(overrides)) config[`${PROJECT}:${section}`] = JSON.stringify(value);
  return runUnderMocks({
    stack,
    config,
    secretKeys: [...fileSecrets, ...secretKeys],
    program: async () => {
      const { loadCheckedConfig } = await import("../../components/checks/config");
      const { McpSuperserver } = await import("../../components/superserver");
      const superserver = new McpSuperserver("mcp", { config: loadCheckedConfig(), stack });
      return { loadBalancerUrl: superserver.loadBalancerUrl };
    },
  });
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
