import type { SlipwayRule } from "../kit";

export const digitaloceanRules: SlipwayRule[] = [];
