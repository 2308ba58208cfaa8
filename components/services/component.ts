import * as pulumi from "@pulumi/pulumi";
import type { DeployOptions, Placed, Platform } from "../workloads/platform";
import type { ServiceModule } from "./types";

export interface ServiceComponentArgs<P extends Placed> {
  placed: P;
  platform: Platform<P>;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The built image, for a workload whose image the stack builds. */
  image?: pulumi.Input<string>;
}

/**
 * A service of the stack as a component of the type its module names: it places its workload on
 * the target and publishes the names of its containers.
 */
export class ServiceComponent<P extends Placed = Placed> extends pulumi.ComponentResource {
  /** Docker: container names in replica order; Kubernetes: the names of the workload's objects. */
  public readonly containerNames: pulumi.Output<string>[];

  constructor(service: Pick<ServiceModule, "component">, name: string, args: ServiceComponentArgs<P>, opts?: pulumi.ComponentResourceOptions) {
    super(service.component.type, name, {}, opts);
    const deployOptions: DeployOptions = { parent: this, dependsOn: args.dependsOn, image: args.image };
    const deployed = args.platform.deploy(name, args.placed, deployOptions);
    this.containerNames = deployed.names;
    this.registerOutputs({ containerNames: this.containerNames });
  }
}
