/**
 * What the stack asks of a target (Docker on one host, Kubernetes on EKS): it creates its platform
 * and describes the services it runs, places each workload, wires the stack's secrets into them,
 * builds the images the stack builds, declares the backup and tells the stack's addresses.
 * McpSuperserver composes the same way over either.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BackupTarget } from "../backup/component";
import type { TargetKind } from "../services/types";
import type { Placed, Platform } from "../workloads/platform";
import type { Workload } from "../workloads/types";

export interface Endpoints {
  loadBalancerUrl: pulumi.Output<string>;
  prometheusUrl: pulumi.Output<string>;
  alertmanagerUrl: pulumi.Output<string>;
  grafanaUrl: pulumi.Output<string>;
  neo4jBoltUri: pulumi.Output<string>;
}

export interface Target<P extends Placed = Placed> extends Platform<P>, BackupTarget {
  readonly kind: TargetKind;
  /** Every service of the registry the target runs, placed, by key. */
  readonly services: Readonly<Record<string, P>>;
  /** What every service waits for: the kept volumes, or the cluster, its namespaces and policies. */
  readonly base: pulumi.Resource[];
  /** What one service waits for here beyond the services its module names. */
  prerequisites(placed: P): pulumi.Resource[];
  /** Whether other services wait for this one here. */
  awaitable(placed: P): boolean;
  /** The image the stack builds for a workload (`hub.source`), where this target pulls from. */
  builtImage(name: string, w: Workload): pulumi.Output<string> | undefined;
  endpoints(): Endpoints;
}
