/** One alert rule as data, the shape every rule file of render/ builds and alertRules.ts renders. */
export type Severity = "critical" | "warning" | "none";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: Severity;
  summary: string;
  description: string;
  /** Extra labels, e.g. the `service` a per-service rule watches. */
  labels?: Record<string, string>;
}
