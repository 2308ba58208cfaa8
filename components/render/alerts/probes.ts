/**
 * The blackbox probes themselves going missing: a dead or unreachable blackbox_exporter leaves
 * `probe_success` absent, so Neo4jDown, OllamaDown and the other alerts that compare it with 0
 * could never fire.
 */
import { ALERT } from "../../contracts/alerts";
import { BLACKBOX } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain } from "./domain";

export const PROBE_ALERTS: AlertDomain = {
  name: "probes",
  groups: (i) =>
    i.probes
      ? [
          {
            group: groupName("probes"),
            rules: [
              {
                alert: "BlackboxExporterDown",
                // absent(...) carries the job label of its selector, so each missing probe is its own alert.
                expr: i.probes.probeJobs.map((job) => `absent(${BLACKBOX.probeSuccess}{job="${job}"})`).join(" or "),
                for: "2m",
                severity: "critical",
                summary: "Blackbox probes have no result",
                description: "{{ $labels.job }} has no probe result: blackbox_exporter is down or unreachable, so the alerts on that probe cannot fire.",
              },
            ],
          },
        ]
      : [],
  // A dead blackbox_exporter fails every probe job's scrape: one page, not one per probe.
  inhibitions: [{ source: "BlackboxExporterDown", targets: [ALERT.targetDown], equal: ["job"] }],
};
