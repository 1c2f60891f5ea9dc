import { awsDataRules } from "./aws-data";
import { awsEdgeRules } from "./aws-edge";
import { digitaloceanRules } from "./digitalocean";
import { dockerRules } from "./docker";
import type { SlipwayRule } from "./kit";
import { stackRules } from "./stack";

/** Every Slipway rule, by group. `policy/index.ts` assembles them into the pack. */
export const allRules: SlipwayRule[] = [...awsDataRules, ...awsEdgeRules, ...digitaloceanRules, ...dockerRules, ...stackRules];
