/**
 * Every alert domain, in the order their groups are rendered. A new domain is one module here;
 * its rules and its inhibitions then reach the rule file, alertmanager.yml and the README.
 */
import { ALERTING_ALERTS } from "./alerting";
import { BACKUP_ALERTS } from "./backup";
import type { AlertDomain, Inhibition } from "./domain";
import { EDGE_ALERTS } from "./edge";
import { GPU_ALERTS } from "./gpu";
import { HUB_ALERTS } from "./hub";
import { META_ALERTS } from "./meta";
import { NEO4J_ALERTS } from "./neo4j";
import { OLLAMA_ALERTS } from "./ollama";
import { PROBE_ALERTS } from "./probes";
import { RESOURCE_ALERTS } from "./resources";
import { STORAGE_ALERTS } from "./storage";
import { WORKLOAD_ALERTS } from "./workloads";

export const ALERT_DOMAINS: readonly AlertDomain[] = [
  HUB_ALERTS,
  NEO4J_ALERTS,
  OLLAMA_ALERTS,
  EDGE_ALERTS,
  PROBE_ALERTS,
  RESOURCE_ALERTS,
  STORAGE_ALERTS,
  BACKUP_ALERTS,
  WORKLOAD_ALERTS,
  GPU_ALERTS,
  ALERTING_ALERTS,
  META_ALERTS,
];

/** Alertmanager's inhibitions: the union of what each domain owns. */
export const INHIBITIONS: readonly Inhibition[] = ALERT_DOMAINS.flatMap((d) => d.inhibitions);
