import type { SlipwayRule } from "../kit";

export const awsEdgeRules: SlipwayRule[] = [];
