/**
 * Guardrail: no container keeps every Linux capability. A privileged container, one that adds
 * ALL, or one that never drops ALL runs with the runtime's default set at least (Docker: 14
 * capabilities, moby oci/caps/defaults.go; containerd's CRI the same list), which the images of
 * this stack do not need; each adds back what its start needs (components/contracts/capabilities.ts).
 * On Kubernetes this is Pod Security's `restricted` level (capabilities.drop must include ALL;
 * privileged false), on Docker `--cap-drop ALL` and no `--privileged`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DOCKER_CONTAINER, podSpecOf, POD_TYPES } from "./pods";

type Dict = Record<string, any>;
const dict = (v: unknown): Dict => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
/** Docker and Kubernetes take either spelling (CAP_SYS_ADMIN or SYS_ADMIN), in any case. */
const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

interface Held {
  where: string;
  privileged: boolean;
  drops: string[];
  adds: string[];
  /** Where the fix goes, in the target's own terms. */
  dropField: string;
}

function dockerHeld(props: Dict): Held[] {
  const caps = dict(props.capabilities);
  return [
    {
      where: `container "${String(props.name ?? "")}"`,
      privileged: props.privileged === true,
      drops: strings(caps.drops).map(capName),
      adds: strings(caps.adds).map(capName),
      dropField: "capabilities.drops",
    },
  ];
}

function kubernetesHeld(spec: Dict): Held[] {
  const kinds = [
    ["container", spec.containers],
    ["init container", spec.initContainers],
    ["ephemeral container", spec.ephemeralContainers],
  ] as const;
  return kinds.flatMap(([kind, list]) =>
    (Array.isArray(list) ? list : []).map((c) => {
      const sc = dict(dict(c).securityContext);
      const caps = dict(sc.capabilities);
      return {
        where: `${kind} "${String(dict(c).name ?? "")}"`,
        privileged: sc.privileged === true,
        drops: strings(caps.drop).map(capName),
        adds: strings(caps.add).map(capName),
        dropField: "securityContext.capabilities.drop",
      };
    }),
  );
}

export const noContainerKeepsAllCapabilities: ResourceValidationPolicy = {
  name: "no-container-keeps-all-capabilities",
  description: "Every container drops ALL capabilities, is not privileged and adds back none of the forbidden ones.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      forbiddenAdds: {
        type: "array",
        items: { type: "string", minLength: 1 },
        description: "Capabilities no container may add back (SYS_ADMIN is most of what root can do).",
        default: ["ALL", "SYS_ADMIN"],
      },
    },
  },
  validateResource: (args, report) => {
    if (!POD_TYPES.includes(args.type)) args.notApplicable(`Policy only applies to containers and pod templates (${POD_TYPES.join(", ")})`);
    const forbidden = args.getConfig<{ forbiddenAdds: string[] }>().forbiddenAdds.map(capName);
    const held = args.type === DOCKER_CONTAINER ? dockerHeld(args.props) : kubernetesHeld(podSpecOf(args.type, args.props) ?? {});
    for (const h of held) {
      if (h.privileged) report(`${args.name} ${h.where} is privileged (every capability and every device); remove privileged and add back only the capabilities it needs`);
      if (!h.drops.includes("ALL")) report(`${args.name} ${h.where} does not drop ALL capabilities; set ${h.dropField} to ["ALL"] and add back only what its image needs`);
      const bad = h.adds.filter((c) => forbidden.includes(c));
      if (bad.length) report(`${args.name} ${h.where} adds back ${bad.join(", ")}; name the capabilities its image needs instead`);
    }
  },
};
