/** The monitoring files the Docker and Kubernetes stacks render for a stack config. */
import * as path from "node:path";
import { parseStackConfig } from "../../components/config/parse";
import { describeDockerStack } from "../../components/docker/stack";
import { describeKubernetesStack } from "../../components/kubernetes/stack";
import { PROJECT } from "../../scripts/lib/mockEngine";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";
import { ROOT } from "./repo";

export function prometheusFiles(raw: Record<string, unknown> = {}): Record<string, string> {
  const stack = describeDockerStack(parseStackConfig(raw), "dev");
  return Object.fromEntries(stack.services.prometheus.files.map((f) => [f.name, f.content]));
}

/** Prometheus' files as the prod stack (Pulumi.prod.yaml, on Kubernetes) renders them. */
export function kubernetesPrometheusFiles(): Record<string, string> {
  const cfg = readStackConfig(path.join(ROOT, "Pulumi.prod.yaml"), PROJECT);
  const stack = describeKubernetesStack(cfg, "prod");
  return Object.fromEntries(stack.services.prometheus.workload.files.map((f) => [f.name, f.content]));
}
