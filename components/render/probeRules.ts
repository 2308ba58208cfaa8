/**
 * Alerts on what the blackbox probes see from outside: the client path through the load
 * balancer, and the probes themselves going missing (a dead or unreachable blackbox_exporter
 * leaves `probe_success` absent, so Neo4jDown and OllamaDown, which compare it with 0, could
 * never fire).
 */
import type { AlertRule } from "./alertRule";

export interface ProbeRulesInput {
  /** Job probing the hub through nginx as a CLI client calls it. */
  clientProbeJob: string;
  /** Every blackbox probe job whose result other alerts rely on. */
  probeJobs: string[];
}

/**
 * Three failed probes in a row at the default 15 s scrape: longer than an nginx restart, and
 * short enough that the page (scrape + probe timeout + evaluation + `for`) arrives within 90 s.
 */
export const CLIENT_PATH_FOR = "45s";

export function probeRules(i: ProbeRulesInput): AlertRule[] {
  const absentProbes = i.probeJobs.map((job) => `absent(probe_success{job="${job}"})`).join(" or ");
  return [
    {
      alert: "MCPHubUnreachable",
      expr: `probe_success{job="${i.clientProbeJob}"} == 0`,
      for: CLIENT_PATH_FOR,
      severity: "critical",
      summary: "Clients cannot reach the MCP hub through the load balancer",
      description: "{{ $labels.instance }} fails through nginx, as CLI clients call it: every CLI tool is unable to connect.",
    },
    {
      alert: "BlackboxExporterDown",
      // absent(...) carries the job label of its selector, so each missing probe is its own alert.
      expr: absentProbes,
      for: "2m",
      severity: "critical",
      summary: "Blackbox probes have no result",
      description: "{{ $labels.job }} has no probe result: blackbox_exporter is down or unreachable, so the alerts on that probe cannot fire.",
    },
  ];
}
