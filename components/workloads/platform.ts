import type * as pulumi from "@pulumi/pulumi";
import type { SecretName, Workload } from "./types";

export interface DeployOptions {
  parent: pulumi.Resource;
  /** Wait until the workload reports healthy (needs a health check). */
  waitHealthy?: boolean;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The image the stack built for a workload whose image has a build (see components/image). */
  image?: pulumi.Input<string>;
}

export interface DeployedWorkload {
  /** Docker: the container names; Kubernetes: the names of the workload's objects. */
  names: pulumi.Output<string>[];
  resources: pulumi.Resource[];
}

/** The stack's secret values by name, as both targets receive them (each workload reads the ones it names). */
export type StackSecrets = Partial<Record<SecretName, pulumi.Output<string>>>;

/** A workload as a target places it: Docker needs only its description, Kubernetes adds its plan. */
export interface Placed {
  workload: Workload;
}

/** Where workloads run: Docker containers or Kubernetes objects. Components deploy through it. */
export interface Platform<P extends Placed = Placed> {
  deploy(name: string, placed: P, opts: DeployOptions): DeployedWorkload;
}
