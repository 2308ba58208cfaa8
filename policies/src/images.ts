/** Guardrail: every image is pinned, by tag or digest, and the tag is not a moving one. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { podOf, POD_TYPES } from "./pods";

/** Image names outside pods: pulled and built Docker images. */
const IMAGE_FIELDS: Record<string, string> = {
  "docker:index/remoteImage:RemoteImage": "name",
  "docker:index/image:Image": "imageName",
};

/** The tag of an image reference; "" when none; undefined when pinned by digest or image id. */
export function imageTag(ref: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(ref) || /^sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const last = ref.slice(ref.lastIndexOf("/") + 1);
  return last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
}

export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Every image names a version tag or digest, never no tag or a moving tag such as latest.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      forbiddenTags: {
        type: "array",
        items: { type: "string", minLength: 1 },
        description: "Tags that move and so pin nothing.",
        default: ["latest"],
      },
    },
  },
  validateResource: (args, report) => {
    const field = IMAGE_FIELDS[args.type];
    if (!field && !POD_TYPES.includes(args.type)) args.notApplicable("Policy only applies to images, containers and pod templates");
    const { forbiddenTags } = args.getConfig<{ forbiddenTags: string[] }>();
    const pod = podOf(args.type, args.props);
    const refs = field
      ? [{ where: field, ref: args.props[field] }]
      : [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map((c) => ({ where: `container "${c.name}"`, ref: c.image }));
    for (const { where, ref } of refs) {
      if (typeof ref !== "string") continue;
      const tag = imageTag(ref);
      if (tag === "") report(`${args.name} ${where}: image "${ref}" has no tag; pin a version tag or digest (e.g. ${ref}:1.2.3)`);
      else if (tag !== undefined && forbiddenTags.includes(tag)) {
        report(`${args.name} ${where}: image "${ref}" uses the moving tag "${tag}"; pin a version tag or digest instead`);
      }
    }
  },
};
