import * as pulumi from "@pulumi/pulumi";
import type { DeployOptions, DockerPlatform } from "./docker/platform";
import type { Workload } from "./workloads/types";

export interface WorkloadComponentArgs {
  workload: Workload;
  platform: DockerPlatform;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  waitHealthy?: boolean;
}

/**
 * A service of the stack as a component: it deploys its workload description on the platform
 * and publishes the names of its containers. The subclasses only fix the type token.
 */
export abstract class WorkloadComponent extends pulumi.ComponentResource {
  /** Container names, in replica order. */
  public readonly containerNames: pulumi.Output<string>[];
  public readonly workload: Workload;

  protected constructor(type: string, name: string, args: WorkloadComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.workload = args.workload;
    const deployOptions: DeployOptions = { parent: this, dependsOn: args.dependsOn, waitHealthy: args.waitHealthy };
    const deployed = args.platform.deploy(name, args.workload, deployOptions);
    this.containerNames = deployed.containers.map((c) => c.name);
    this.registerOutputs({ containerNames: this.containerNames });
  }
}
