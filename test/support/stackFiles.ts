/** The monitoring files the Docker stack renders for a raw stack config. */
import { parseStackConfig } from "../../components/config/parse";
import { describeDockerStack } from "../../components/docker/stack";

export function prometheusFiles(raw: Record<string, unknown> = {}): Record<string, string> {
  const stack = describeDockerStack(parseStackConfig(raw), "dev");
  return Object.fromEntries(stack.prometheus.files.map((f) => [f.name, f.content]));
}
