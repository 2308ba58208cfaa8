/** The dev target: every service in a Docker container on one private network, the bucket in MinIO. */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DOCKER_BACKUP_TYPE, dockerBackup } from "../backup/docker";
import type { BackupParts } from "../backup/component";
import type { StackConfig } from "../config/schema";
import { stackWorkloads } from "../docker/budget";
import { PRECIOUS_VOLUMES, dockerContainerName, dockerVolumeName } from "../docker/naming";
import { DockerPlatform } from "../docker/platform";
import { describeDockerStack, type DockerStack } from "../docker/stack";
import { LocalImage, imageBuild } from "../image";
import { RESTORE_SCRIPT_PATH } from "../workloads/backup";
import type { DeployOptions, DeployedWorkload, Placed, StackSecrets } from "../workloads/platform";
import { PORT, SERVICE, type Workload } from "../workloads/types";
import type { Endpoints, Target } from "./types";

export class DockerTarget implements Target {
  readonly kind = "docker" as const;
  readonly backupType = DOCKER_BACKUP_TYPE;
  readonly services: Record<string, Placed>;
  readonly base: pulumi.Resource[];
  private readonly described: DockerStack;
  private readonly platform: DockerPlatform;
  private readonly host: string;

  constructor(
    name: string,
    private readonly cfg: StackConfig,
    stack: string,
    private readonly secrets: StackSecrets,
    private readonly parent: pulumi.Resource,
  ) {
    const opts = { parent };
    this.described = describeDockerStack(cfg, stack);
    const network = new docker.Network(`${name}-network`, { name: this.described.network, driver: "bridge" }, opts);
    const volumeNames = [...new Set(stackWorkloads(this.described).flatMap((w) => w.volumes.map((v) => v.name)))];
    this.base = volumeNames.map(
      (v) =>
        new docker.Volume(
          `${name}-${v}`,
          { name: dockerVolumeName(v), labels: [{ label: "app.kubernetes.io/part-of", value: "mcp-superserver" }] },
          { ...opts, retainOnDelete: PRECIOUS_VOLUMES.has(v) },
        ),
    );
    this.platform = new DockerPlatform(network, secrets, cfg.docker);
    this.services = Object.fromEntries(Object.entries(this.described.services).map(([key, workload]) => [key, { workload }]));
    this.host = cfg.docker.bindAddress === "0.0.0.0" ? "localhost" : cfg.docker.bindAddress;
  }

  deploy(name: string, placed: Placed, opts: DeployOptions): DeployedWorkload {
    return this.platform.deploy(name, placed, opts);
  }

  prerequisites(): pulumi.Resource[] {
    return [];
  }

  /** On one host every service waits for what it names: nothing there waits on hardware that may never come. */
  awaitable(): boolean {
    return true;
  }

  builtImage(name: string, w: Workload): pulumi.Output<string> | undefined {
    const build = imageBuild(w);
    return build && new LocalImage(name, build, { parent: this.parent }).ref;
  }

  createBackup(name: string, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[]): BackupParts {
    const d = this.described;
    const { bucketName } = dockerBackup(name, parent, {
      platform: this.platform,
      bucket: d.bucket,
      objectStore: d.objectStore,
      job: d.backup,
      dockerApi: d.backupDockerApi,
      endpoint: `http://${this.host}:${this.cfg.backup.objectStorePort}`,
      objectStorePassword: this.secrets["object-store-password"]!,
      dependsOn,
    });
    return {
      bucketName,
      restoreTarget: pulumi.output({ target: "docker" as const, container: dockerContainerName(SERVICE.backup), restoreCommand: RESTORE_SCRIPT_PATH }),
    };
  }

  endpoints(): Endpoints {
    const at = (port: number, scheme = "http") => pulumi.output(`${scheme}://${this.host}:${port}`);
    return {
      loadBalancerUrl: at(this.cfg.loadBalancer.port),
      prometheusUrl: at(this.cfg.prometheus.port),
      alertmanagerUrl: at(this.cfg.alertmanager.port),
      grafanaUrl: at(this.cfg.grafana.port),
      neo4jBoltUri: at(PORT.neo4jBolt, "bolt"),
    };
  }
}
