import type { Graph } from "./graph";
import { awsTopology } from "./topology/aws";
import { dockerTopology } from "./topology/docker";
import { GraphIndex } from "./topology/index-graph";
import { toMermaid } from "./topology/mermaid";
import { type Topology, TopologyBuilder } from "./topology/model";

/**
 * The topology of a stack, read from its recorded graph: network boundaries, components,
 * their main resources, traffic and data flows. Each target's reader adds what it finds, so a
 * graph with AWS and Docker resources gets both. See offline/topology/aws.ts and docker.ts for
 * which resources are drawn and where each flow comes from.
 */
export function topologyOf(graph: Graph): Topology {
    const index = new GraphIndex(graph);
    const builder = new TopologyBuilder();
    awsTopology(index, builder);
    dockerTopology(index, builder);
    return builder.build();
}

/** The stack as a Mermaid `flowchart` (pure: the same graph always gives the same text). */
export function renderDiagram(graph: Graph): string {
    return toMermaid(topologyOf(graph));
}
