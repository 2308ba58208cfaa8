/**
 * What is about monitoring as a whole (kube-prometheus' `general.rules`): any scrape target
 * down, and the Watchdog, which always fires so that its absence at the receiver says the
 * pipeline is broken.
 */
import { ALERT } from "../../contracts/alerts";
import { groupName, type AlertDomain } from "./domain";

export const META_ALERTS: AlertDomain = {
  name: "meta",
  groups: () => [
    {
      group: groupName("meta"),
      rules: [
        {
          alert: ALERT.targetDown,
          expr: "up == 0",
          for: "5m",
          severity: "warning",
          summary: "A scrape target is down",
          description: "{{ $labels.job }} target {{ $labels.instance }} does not answer scrapes.",
        },
        {
          alert: ALERT.watchdog,
          expr: "vector(1)",
          for: "0m",
          severity: "none",
          summary: "Alerting pipeline is alive",
          description: "Always firing (value {{ $value }}). If its receiver stops getting it, Prometheus or Alertmanager is broken.",
        },
      ],
    },
  ],
  inhibitions: [],
};
