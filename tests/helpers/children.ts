import { expect } from "vitest";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";

/**
 * Asserts that every resource recorded besides the one component of `componentType` is its
 * direct child and is named `${prefix}-…`, and returns those children for further checks
 * (their count, their types).
 *
 * @example
 * const children = expectParentedAndPrefixed(graph, "slipway:components:Cache", "sessions");
 * expect(children.length).toBeGreaterThanOrEqual(7);
 */
export function expectParentedAndPrefixed(graph: Graph, componentType: string, prefix: string): RecordedResource[] {
    const component = graph.one(componentType);
    const children = graph.resources.filter((r) => r !== component);
    for (const r of children) {
        expect(r.parent, r.name).toBe(component.urn);
        expect(r.name.startsWith(`${prefix}-`), r.name).toBe(true);
    }
    return children;
}
