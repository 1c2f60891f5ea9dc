import { expect } from "vitest";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";

/**
 * Asserts that every resource recorded besides the one component of `componentType` is its
 * direct child and is named `${prefix}-…`, and returns those children for further checks
 * (their count, their types). `ignore` leaves out resources the test itself created outside
 * the component (e.g. the test host's Docker provider).
 *
 * @example
 * const children = expectParentedAndPrefixed(graph, "slipway:components:Cache", "sessions");
 * expect(children.length).toBeGreaterThanOrEqual(7);
 */
export function expectParentedAndPrefixed(
    graph: Graph,
    componentType: string,
    prefix: string,
    ignore: (r: RecordedResource) => boolean = () => false,
): RecordedResource[] {
    const component = graph.one(componentType);
    const children = graph.resources.filter((r) => r !== component && !ignore(r));
    for (const r of children) {
        expect(r.parent, r.name).toBe(component.urn);
        expect(r.name.startsWith(`${prefix}-`), r.name).toBe(true);
    }
    return children;
}

/** The test host's provider: created by the test, not by the component under test. */
export const isTestProvider = (r: RecordedResource): boolean => r.type.startsWith("pulumi:providers:");
