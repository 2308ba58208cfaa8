/** The client path: the hub through the load balancer, probed as a CLI client calls it. */
import { BLACKBOX } from "../../contracts/exporterMetrics";
import { groupName, type AlertDomain } from "./domain";

/**
 * Three failed probes in a row at the default 15 s scrape: longer than an nginx restart, and
 * short enough that the page (scrape + probe timeout + evaluation + `for`) arrives within 90 s.
 */
export const CLIENT_PATH_FOR = "45s";

export const EDGE_ALERTS: AlertDomain = {
  name: "edge",
  groups: (i) =>
    i.probes
      ? [
          {
            group: groupName("edge"),
            rules: [
              {
                alert: "MCPHubUnreachable",
                expr: `${BLACKBOX.probeSuccess}{job="${i.probes.clientProbeJob}"} == 0`,
                for: CLIENT_PATH_FOR,
                severity: "critical",
                summary: "Clients cannot reach the MCP hub through the load balancer",
                description: "{{ $labels.instance }} fails through nginx, as CLI clients call it: every CLI tool is unable to connect.",
              },
            ],
          },
        ]
      : [],
  inhibitions: [],
};
