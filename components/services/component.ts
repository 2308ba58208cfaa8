import * as pulumi from "@pulumi/pulumi";
import type { DeployOptions, Target } from "../workloads/target";
import type { Workload } from "../workloads/types";

export interface WorkloadComponentArgs {
  workload: Workload;
  platform: Target;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The built image, for a workload whose image the stack builds. */
  image?: pulumi.Input<string>;
}

/**
 * A service of the stack as a component: it deploys its workload description on the platform
 * and publishes the names of its containers. The subclasses only fix the type token.
 */
export abstract class WorkloadComponent extends pulumi.ComponentResource {
  /** Docker: container names in replica order; Kubernetes: the names of the workload's objects. */
  public readonly containerNames: pulumi.Output<string>[];
  public readonly workload: Workload;

  protected constructor(type: string, name: string, args: WorkloadComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.workload = args.workload;
    const deployOptions: DeployOptions = { parent: this, dependsOn: args.dependsOn, image: args.image };
    const deployed = args.platform.deploy(name, args.workload, deployOptions);
    this.containerNames = deployed.names;
    this.registerOutputs({ containerNames: this.containerNames });
  }
}
