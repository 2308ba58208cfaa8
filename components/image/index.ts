/**
 * Images the stack builds itself (the hub: upstream publishes none). Docker builds on the local
 * engine; Kubernetes builds and pushes to a private ECR repository of the stack. Both hand out a
 * reference that changes with the built image's content, so containers and pods roll when the
 * image changes and only then.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import type { Workload } from "../workloads/types";

export interface ImageBuildArgs {
  /** A local folder or a git URL pinned by commit (`repo.git#<commit>:<folder>`). */
  context: string;
  /** The tag: the source commit. */
  tag: string;
}

/** What a workload's image is built from, or undefined for a pinned image it pulls. */
export function imageBuild(w: Workload): (ImageBuildArgs & { repository: string }) | undefined {
  if (!("build" in w.image)) return undefined;
  const [repository, tag] = w.image.ref.split(":");
  return { context: w.image.build.context, tag, repository };
}

/** Built by the local engine's BuildKit and loaded into it, no registry involved. */
export class LocalImage extends pulumi.ComponentResource {
  /** The local image id: a new build with new content is a new id. */
  public readonly ref: pulumi.Output<string>;

  constructor(name: string, args: ImageBuildArgs & { repository: string }, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:image:LocalImage", name, {}, opts);
    const tag = `${args.repository}:${args.tag}`;
    const built = new dockerBuild.Image(`${name}-build`, { context: { location: args.context }, tags: [tag], push: false, load: true }, { parent: this });
    // The build's digest as a trigger: the lookup (and so every container using its id) follows a rebuild.
    const local = new docker.RemoteImage(
      `${name}-local`,
      { name: tag, keepLocally: true, triggers: { digest: built.digest } },
      { parent: this, dependsOn: [built] },
    );
    this.ref = local.imageId;
    this.registerOutputs({ ref: this.ref });
  }
}

/** Images kept in the repository: every rollback target of the last weeks, not every build ever. */
export const ECR_KEEP_IMAGES = 20;

/** ECR lifecycle policy: untagged layers go after a day, and only the newest tagged images are kept. */
export function ecrLifecyclePolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: "Drop untagged images after a day",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * Built and pushed to a private ECR repository the stack creates: tags are immutable (a commit
 * names one image forever), every push is scanned, old images expire. Pods pull by digest.
 */
export class RegistryImage extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;
  /** `<repository>@sha256:...`: the exact image pushed. */
  public readonly ref: pulumi.Output<string>;

  constructor(name: string, args: ImageBuildArgs & { repository: string }, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-superserver:image:RegistryImage", name, {}, opts);
    const parent = { parent: this };
    const repo = new aws.ecr.Repository(
      `${name}-repository`,
      {
        name: args.repository,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        // Every image in it is rebuilt from its pinned source on demand: destroying the stack takes them along.
        forceDelete: true,
      },
      parent,
    );
    new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, { repository: repo.name, policy: ecrLifecyclePolicy(ECR_KEEP_IMAGES) }, parent);
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, parent);
    const built = new dockerBuild.Image(
      `${name}-build`,
      {
        context: { location: args.context },
        tags: [pulumi.interpolate`${repo.repositoryUrl}:${args.tag}`],
        // EKS nodes are x86_64 (the node groups' AMI type).
        platforms: ["linux/amd64"],
        push: true,
        registries: [{ address: repo.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) }],
      },
      // Tags are immutable: a rebuild of the same commit that differs (a new base image layer)
      // cannot reuse the tag, so the build runs only when its inputs change.
      { parent: this },
    );
    this.repositoryUrl = repo.repositoryUrl;
    this.ref = pulumi.interpolate`${repo.repositoryUrl}@${built.digest}`;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, ref: this.ref });
  }
}
