/**
 * Shared pieces of the policies: config schema fragments and the resource-policy wrapper that
 * turns "a resource that runs a pod" into a PodView, marking everything else not applicable.
 */
import type { PolicyConfigSchema, ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { rolePolicy } from "../../components/contracts/rolePolicies";
import { type PodView, POD_TYPES, podOf } from "./pods";

/** One property of a policy's config schema (the SDK does not export this type by name). */
export type JsonSchema = PolicyConfigSchema["properties"][string];

/** Kubernetes memory quantities with binary or decimal suffixes, or plain bytes. */
export const QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$";

export function quantitySchema(description: string, fallback: string): JsonSchema {
  return { type: "string", pattern: QUANTITY_PATTERN, description, default: fallback };
}

export const GPU_RESOURCE_SCHEMA: JsonSchema = {
  type: "string",
  minLength: 1,
  description: "Extended resource name of a GPU.",
  default: "nvidia.com/gpu",
};

/** "mcp-superserver:<section>.<path>" in the role's config section; undefined for a role that has none. */
export function configKey(role: string | undefined, path: string): string | undefined {
  const section = rolePolicy(role)?.configSection;
  return section ? `mcp-superserver:${section}.${path}` : undefined;
}

/** "mcp-superserver:hub.resources.limits.memory", or the container when no key sizes the role. */
export function memoryKey(role: string | undefined, kind: "limits" | "requests"): string {
  return configKey(role, `resources.${kind}.memory`) ?? `the memory ${kind === "limits" ? "limit" : "request"} of its container`;
}

export interface PodCheck<C> {
  (pod: PodView, config: C, report: ReportViolation, args: ResourceValidationArgs): void;
}

/** A validation that runs on every resource that runs a pod (Docker container, Kubernetes workload). */
export function validatePods<C extends object>(check: PodCheck<C>, gpuResourceOf?: (c: C) => string): ResourceValidation {
  return (args, report) => {
    if (!POD_TYPES.includes(args.type)) {
      args.notApplicable(`Policy only applies to containers and pod templates (${POD_TYPES.join(", ")})`);
    }
    const config = args.getConfig<C>();
    const pod = podOf(args.type, args.props, gpuResourceOf?.(config));
    if (pod) check(pod, config, report, args);
  };
}
