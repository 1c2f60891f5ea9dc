import { Graph } from "../../offline/graph";
import type { PolicyContext } from "../../offline/policy-args";
import { type Violation, runPolicies } from "../../offline/policy-run";
import type { RecordedResource } from "../../offline/recorder";
import type { SlipwayRule } from "../../policy/rules/kit";

export { UNKNOWN as PREVIEW_UNKNOWN } from "../../offline/secret-value";

/** A resource for a policy test; only type and props are required. */
export interface FakeResource {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    parent?: string;
    protect?: boolean;
    dependencies?: string[];
    /** URN of the provider resource (give it in the same list). */
    provider?: string;
    /** Property → URNs of the resources its value came from. */
    propertyDependencies?: Record<string, string[]>;
}

let n = 0;
/** Turns fake resources into a recorded graph (URNs from type and name). */
export function fakeGraph(resources: FakeResource[]): Graph {
    return new Graph(
        resources.map((f): RecordedResource => {
            const name = f.name ?? `r${++n}`;
            return {
                urn: `urn:pulumi:test::slipway::${f.type}::${name}`,
                id: `${name}-id`,
                type: f.type,
                name,
                parent: f.parent,
                custom: !f.type.startsWith("slipway:components:"),
                inputs: f.props,
                dependencies: f.dependencies ?? [],
                propertyDependencies: f.propertyDependencies ?? {},
                protect: f.protect ?? false,
                retainOnDelete: false,
                deleteBeforeReplace: false,
                ignoreChanges: [],
                replaceOnChanges: [],
                additionalSecretOutputs: [],
                provider: f.provider ? `${f.provider}::provider-id` : undefined,
            };
        }),
    );
}

export const urnOf = (type: string, name: string): string => `urn:pulumi:test::slipway::${type}::${name}`;

/** Runs one rule over fake resources the way the policy server would. */
export async function check(rule: SlipwayRule, resources: FakeResource[], ctx: PolicyContext = {}): Promise<Violation[]> {
    return runPolicies(fakeGraph(resources), [rule], ctx);
}

/** The messages of one rule on one resource. */
export async function messages(rule: SlipwayRule, type: string, props: Record<string, unknown>, ctx: PolicyContext = {}): Promise<string[]> {
    return (await check(rule, [{ type, props }], ctx)).map((v) => v.message);
}
