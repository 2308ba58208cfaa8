/**
 * GPU placement (policy 5): Ollama asks for GPUs, tolerates the GPU nodes' taint and selects
 * the GPU pool; other workloads keep off the GPU nodes by not tolerating their taint.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { rolePolicy } from "../../components/contracts/rolePolicies";
import { configKey, GPU_RESOURCE_SCHEMA, type JsonSchema, validatePods } from "./kit";
import { describePod, podGpus, type PodView, tolerates } from "./pods";

interface GpuConfig {
  gpuResource: string;
  minGpus: number;
  gpuTaintKey: string;
  gpuTaintEffect: string;
  gpuPoolLabelKey: string;
  gpuPoolLabelValue: string;
}

const TAINT_SCHEMA: Record<string, JsonSchema> = {
  gpuTaintKey: { type: "string", minLength: 1, description: "Key of the taint on GPU nodes.", default: "nvidia.com/gpu" },
  gpuTaintEffect: {
    type: "string",
    enum: ["NoSchedule", "NoExecute"],
    description: "Effect of the taint on GPU nodes.",
    default: "NoSchedule",
  },
};

const gpuTaint = (c: Pick<GpuConfig, "gpuTaintKey" | "gpuTaintEffect">) => ({ key: c.gpuTaintKey, effect: c.gpuTaintEffect });

function selectsGpuPool(pod: PodView, c: GpuConfig): boolean {
  if (pod.nodeSelector[c.gpuPoolLabelKey] === c.gpuPoolLabelValue) return true;
  return pod.nodeAffinityTerms.length > 0 &&
    pod.nodeAffinityTerms.every((term) =>
      term.some((e) => e.key === c.gpuPoolLabelKey && e.operator === "In" && (e.values ?? []).every((v) => v === c.gpuPoolLabelValue)),
    );
}

export const ollamaGpuPlacement: ResourceValidationPolicy = {
  name: "ollama-gpu-placement",
  description: "Ollama requests GPUs, tolerates the GPU taint and selects the GPU node pool.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      gpuResource: GPU_RESOURCE_SCHEMA,
      minGpus: { type: "integer", minimum: 1, description: "GPUs Ollama must request.", default: 1 },
      ...TAINT_SCHEMA,
      gpuPoolLabelKey: { type: "string", minLength: 1, description: "Node label that marks the GPU pool.", default: "mcp-superserver/node-pool" },
      gpuPoolLabelValue: { type: "string", minLength: 1, description: "Its value on GPU nodes.", default: "gpu" },
    },
  },
  validateResource: validatePods<GpuConfig>(
    (pod, config, report, args) => {
      if (!rolePolicy(pod.role)?.gpu) return;
      const who = describePod(pod, args.name);
      const gpuKey = configKey(pod.role, "gpu")!;
      const gpus = podGpus(pod);
      if (gpus < config.minGpus) {
        report(
          pod.target === "docker"
            ? `${who} gets ${gpus} GPU(s), needs ${config.minGpus}; set ${gpuKey}.enabled to true (Docker: gpus)`
            : `${who} requests ${gpus} ${config.gpuResource}, needs ${config.minGpus}; set resources.limits["${config.gpuResource}"] (${gpuKey})`,
        );
      }
      // Taints and node pools exist on Kubernetes only.
      if (pod.target !== "kubernetes") return;
      if (!tolerates(pod, gpuTaint(config))) {
        report(`${who} does not tolerate the GPU taint ${config.gpuTaintKey}:${config.gpuTaintEffect}; add a toleration for it`);
      }
      if (!selectsGpuPool(pod, config)) {
        report(
          `${who} does not select the GPU pool; add nodeSelector ${config.gpuPoolLabelKey}: ${config.gpuPoolLabelValue}`,
        );
      }
    },
    (c) => c.gpuResource,
  ),
};

export const gpuTaintOnlyForGpuWorkloads: ResourceValidationPolicy = {
  name: "gpu-taint-only-for-gpu-workloads",
  description: "Workloads that request no GPU do not tolerate the GPU taint, so they keep off GPU nodes.",
  enforcementLevel: "advisory",
  configSchema: { properties: { gpuResource: GPU_RESOURCE_SCHEMA, ...TAINT_SCHEMA } },
  validateResource: validatePods<GpuConfig>(
    (pod, config, report, args) => {
      // DaemonSets (exporters, device plugins) belong on every node, GPU nodes included.
      if (pod.target !== "kubernetes" || pod.perNode || podGpus(pod) > 0) return;
      if (tolerates(pod, gpuTaint(config))) {
        report(
          `${describePod(pod, args.name)} requests no GPU but tolerates the GPU taint ${config.gpuTaintKey}; remove that toleration`,
        );
      }
    },
    (c) => c.gpuResource,
  ),
};
