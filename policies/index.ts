/**
 * The policy pack, as `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config/<stack>.json` loads it. The policies live in src/ so tests and
 * `npm run check-policies` run them without starting the analyzer this constructor starts.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./src";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "advisory" });
