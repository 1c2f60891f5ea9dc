import type { Graph } from "../graph";
import type { RecordedResource } from "../recorder";
import { reveal } from "../secret-value";

/**
 * Fast look-ups over a recorded graph for the topology readers. References between resources
 * are read from the engine's property dependencies (which input referenced which resource),
 * never from ids or names, so they hold whatever the ids look like.
 */
export class GraphIndex {
    private readonly byUrn = new Map<string, RecordedResource>();

    constructor(public readonly graph: Graph) {
        for (const r of graph.resources) this.byUrn.set(r.urn, r);
    }

    get(urn: string | undefined): RecordedResource | undefined {
        return urn ? this.byUrn.get(urn) : undefined;
    }

    ofType(...types: string[]): RecordedResource[] {
        return this.graph.ofType(...types);
    }

    /** Resources the given input properties of `r` referenced (all inputs when none named). */
    refs(r: RecordedResource, ...props: string[]): RecordedResource[] {
        const deps = props.length ? props.flatMap((p) => r.propertyDependencies[p] ?? []) : Object.values(r.propertyDependencies).flat();
        return [...new Set(deps)].map((u) => this.byUrn.get(u)).filter((x): x is RecordedResource => !!x);
    }

    /** Like `refs`, keeping only one type. */
    refsOfType(r: RecordedResource, type: string, ...props: string[]): RecordedResource[] {
        return this.refs(r, ...props).filter((x) => x.type === type);
    }

    /** Resources that referenced `target` through one of the given input properties. */
    referrers(target: RecordedResource, type: string, ...props: string[]): RecordedResource[] {
        return this.ofType(type).filter((r) => this.refs(r, ...props).includes(target));
    }

    /** Whether `from` reaches `to` through dependencies of any kind (bounded by the graph size). */
    reaches(from: RecordedResource, to: RecordedResource): boolean {
        const seen = new Set<string>();
        const queue = [from.urn];
        while (queue.length) {
            const urn = queue.shift()!;
            if (urn === to.urn) return true;
            if (seen.has(urn)) continue;
            seen.add(urn);
            const r = this.byUrn.get(urn);
            if (r) queue.push(...r.dependencies, ...Object.values(r.propertyDependencies).flat());
        }
        return false;
    }

    /** The nearest Slipway component above `r`. */
    componentOf(r: RecordedResource): RecordedResource | undefined {
        let p = this.get(r.parent);
        while (p && !p.type.startsWith("slipway:components:")) p = this.get(p.parent);
        return p;
    }

    /** The component's type name (`WebTier`, `Database`, …), or undefined outside components. */
    componentType(r: RecordedResource): string | undefined {
        return this.componentOf(r)?.type.split(":").pop();
    }
}

// Unwrapping copies the value; the readers ask for the same inputs many times.
const unwrapped = new WeakMap<RecordedResource, Map<string, unknown>>();

/** An input as plain data, secrets unwrapped: for reading structure only, never for printing. */
export function plain<T = unknown>(r: RecordedResource, key: string): T | undefined {
    let cache = unwrapped.get(r);
    if (!cache) unwrapped.set(r, (cache = new Map()));
    if (!cache.has(key)) cache.set(key, reveal(r.inputs[key]));
    return cache.get(key) as T | undefined;
}

/** An input that is text, or undefined. */
export const text = (r: RecordedResource, key: string): string | undefined => {
    const v = plain(r, key);
    return typeof v === "string" ? v : undefined;
};
