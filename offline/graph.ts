import type { RecordedResource } from "./recorder";

/** Query helpers over a recorded resource graph, shared by tests, the plan and the policy run. */
export class Graph {
    constructor(public readonly resources: RecordedResource[]) {}

    ofType(...types: string[]): RecordedResource[] {
        return this.resources.filter((r) => types.includes(r.type));
    }

    /** The single resource of a type; throws when there is not exactly one. */
    one(type: string): RecordedResource {
        const found = this.ofType(type);
        if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
        return found[0];
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    byName(name: string): RecordedResource {
        const r = this.resources.find((x) => x.name === name);
        if (!r) throw new Error(`no resource named ${name}`);
        return r;
    }

    /** Children (direct) of the resource with this URN. */
    childrenOf(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }

    /** The nearest ancestor that is a Slipway component, or undefined. */
    componentOf(r: RecordedResource): RecordedResource | undefined {
        let p = r.parent ? this.byUrn(r.parent) : undefined;
        while (p && !p.type.startsWith("slipway:components:")) p = p.parent ? this.byUrn(p.parent) : undefined;
        return p;
    }

    /** Whether `from` depends (directly, via dependsOn or an input) on `to`. */
    dependsOn(from: RecordedResource, to: RecordedResource): boolean {
        return from.dependencies.includes(to.urn) || Object.values(from.propertyDependencies).some((d) => d.includes(to.urn));
    }
}
