import type { SlipwayRule } from "../kit";

export const dockerRules: SlipwayRule[] = [];
