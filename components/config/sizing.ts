/** The config sections whose `resources` size a workload, from the role table (contracts/rolePolicies.ts). */
import { ROLE_POLICIES } from "../contracts/rolePolicies";
import type { Role } from "../contracts/roles";
import type { Resources, StackConfig } from "./schema";

/** A section with `resources`: a role sized by a section without them fails to compile. */
export type SizingSection = { [K in keyof StackConfig]: StackConfig[K] extends { resources: Resources } ? K : never }[keyof StackConfig];

export const sizingSection = (role: Role): SizingSection | null => ROLE_POLICIES[role].configSection;

/** Every section some role is sized by, in the table's order: the resource rules check each of them. */
export const SIZING_SECTIONS: SizingSection[] = [...new Set((Object.keys(ROLE_POLICIES) as Role[]).flatMap((r) => sizingSection(r) ?? []))];
