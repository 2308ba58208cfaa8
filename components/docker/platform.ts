import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DeployOptions, DeployedWorkload, Placed, StackSecrets, Platform } from "../workloads/platform";
import type { SecretFileSpec, SecretName, SecretRef, Workload } from "../workloads/types";
import { replicaNames } from "../workloads/types";
import { dockerCompanionSpec, dockerContainerSpec, type DockerSettings } from "./container";
import { dockerSecretUpload } from "./secretFiles";

export interface DeployedContainers extends DeployedWorkload {
  containers: docker.Container[];
}

/**
 * Turns workload descriptions into Docker resources on one private network. Volumes are
 * created by the caller (they outlive and are shared between workloads) and referenced by name.
 */
export class DockerPlatform implements Platform {
  constructor(
    private readonly network: docker.Network,
    private readonly secrets: StackSecrets,
    private readonly settings: DockerSettings,
  ) {}

  private secret(name: SecretName): pulumi.Output<string> {
    const value = this.secrets[name];
    if (!value) throw new Error(`secret "${name}" is used by a workload but was never created`);
    return pulumi.secret(value);
  }

  private secretEnv([key, ref]: [string, SecretRef]): pulumi.Output<string> {
    return pulumi.interpolate`${key}=${ref.prefix ?? ""}${this.secret(ref.secret)}`;
  }

  private secretUpload(w: Workload, f: SecretFileSpec) {
    return { ...dockerSecretUpload(w.role, f), content: pulumi.interpolate`${f.prefix ?? ""}${this.secret(f.secret)}` };
  }

  /** A built image comes from the caller; a pinned one is pulled and kept on destroy. */
  private image(name: string, w: Workload, opts: DeployOptions): pulumi.Input<string> {
    if ("build" in w.image) {
      if (!opts.image) throw new Error(`workload "${w.name}" builds its image, but no built image was given`);
      return opts.image;
    }
    const pulled = new docker.RemoteImage(`${name}-image`, { name: w.image.ref, keepLocally: true }, { parent: opts.parent });
    return pulled.imageId;
  }

  deploy(name: string, { workload: w }: Placed, opts: DeployOptions): DeployedContainers {
    const image = this.image(name, w, opts);
    const replicas = replicaNames(w);
    const containers = replicas.map((replica, i) => {
      const spec = dockerContainerSpec(w, replica, this.settings);
      const { secretEnvs, aliases, ...plain } = spec;
      const envs = secretEnvs.length
        ? pulumi.secret(pulumi.all([...plain.envs, ...secretEnvs.map((e) => this.secretEnv(e))]))
        : plain.envs;
      // Logical names follow the component: `mcp-hub-1..N`, or `mcp-neo4j-container`.
      return new docker.Container(
        replicas.length > 1 || w.role === "hub" ? `${name}-${i + 1}` : `${name}-container`,
        {
          ...plain,
          image,
          envs,
          uploads: [...plain.uploads, ...w.secretFiles.map((f) => this.secretUpload(w, f))],
          networksAdvanced: [{ name: this.network.name, aliases }],
          mustRun: true,
          wait: opts.waitHealthy ?? false,
          waitTimeout: opts.waitHealthy ? (w.healthCheck?.startPeriodSeconds ?? 0) + 120 : undefined,
        },
        { parent: opts.parent, dependsOn: opts.dependsOn },
      );
    });
    const companions = (w.companions ?? []).flatMap((c) =>
      containers.map(
        (hub, i) =>
          new docker.Container(
            `${name}-${i + 1}-${c.name}`,
            {
              ...dockerCompanionSpec(w, c, replicas[i], this.settings),
              image,
              // The replica's network namespace and volumes: its 127.0.0.1 and its scratch directories.
              networkMode: pulumi.interpolate`container:${hub.id}`,
              volumes: [{ fromContainer: hub.id }],
              mustRun: true,
            },
            { parent: opts.parent, dependsOn: [hub] },
          ),
      ),
    );
    return { containers, names: containers.map((c) => c.name), resources: [...containers, ...companions] };
  }
}
