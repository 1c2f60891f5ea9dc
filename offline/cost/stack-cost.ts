import type { Graph } from "../graph";
import { readStackConfig } from "../../stacks/read-config";
import { estimateCost } from "./estimate";
import type { CostEstimate } from "./types";

/**
 * The estimate for a graph just planned by `runOffline`, with the cost assumptions of the
 * stack config the runtime still holds (already validated by the program's own read).
 */
export function estimateStackCost(graph: Graph): CostEstimate {
    return estimateCost(graph, readStackConfig().costAssumptions);
}
