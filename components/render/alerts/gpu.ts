/**
 * The GPU node: NVIDIA dcgm-exporter's default counters, framebuffer use (Ollama's models must
 * fit in it) and the last XID error. Only a Kubernetes stack with a GPU exporter has them.
 */
import { DCGM } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain, type AlertRule } from "./domain";

/** GPU framebuffer share at which Ollama cannot load another model next to the resident ones. */
export const GPU_MEMORY_WARNING = 0.95;

function gpuRules(job: string): AlertRule[] {
  const sel = `job="${job}"`;
  return [
    {
      alert: "GPUMemoryNearlyFull",
      expr: `${DCGM.framebufferUsed}{${sel}} / (${DCGM.framebufferUsed}{${sel}} + ${DCGM.framebufferFree}{${sel}}) > ${GPU_MEMORY_WARNING}`,
      for: "15m",
      severity: "warning",
      summary: "GPU memory is nearly full",
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} uses {{ $value | humanizePercentage }} of its memory (warning above ${GPU_MEMORY_WARNING * 100}%); models no longer fit and Ollama falls back to CPU.`,
    },
    {
      alert: "GPUXidError",
      // The gauge holds the last XID seen; max_over_time keeps one between two scrapes.
      expr: `max_over_time(${DCGM.xidErrors}{${sel}}[5m]) > 0`,
      for: "0m",
      severity: "critical",
      summary: "The GPU reported an XID error",
      description: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $value }}; see NVIDIA's XID catalogue (e.g. 48 double-bit ECC, 79 fallen off the bus).",
    },
  ];
}

export const GPU_ALERTS: AlertDomain = {
  name: "gpu",
  groups: ({ workloadHealth: w }) => (w?.kind === "kubernetes" && w.gpuJob ? [{ group: groupName("gpu"), rules: gpuRules(w.gpuJob) }] : []),
  inhibitions: [],
};
