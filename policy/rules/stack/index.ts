import type { SlipwayRule } from "../kit";

export const stackRules: SlipwayRule[] = [];
