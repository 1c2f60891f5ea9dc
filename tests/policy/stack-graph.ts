import { Graph } from "../../offline/graph";
import type { PolicyContext } from "../../offline/policy-args";
import { type Violation, runPolicies } from "../../offline/policy-run";
import type { RecordedResource } from "../../offline/recorder";
import type { SlipwayRule } from "../../policy/rules/kit";

/**
 * Small resource graphs for the stack rules, which follow links between resources: parents,
 * providers and `propertyDependencies` (which input came from which resource), all by name.
 */
export interface Node {
    type: string;
    name: string;
    props?: Record<string, unknown>;
    /** Name of the parent node. */
    parent?: string;
    protect?: boolean;
    /** Name of the provider node. */
    provider?: string;
    /** Input name → names of the nodes it came from. */
    deps?: Record<string, string[]>;
}

export const urnIn = (stack: string, n: Pick<Node, "type" | "name">): string => `urn:pulumi:${stack}::slipway::${n.type}::${n.name}`;

export function graphOf(nodes: Node[], stack = "test"): Graph {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const urn = (name: string): string => {
        const n = byName.get(name);
        if (!n) throw new Error(`no node named ${name}`);
        return urnIn(stack, n);
    };
    return new Graph(
        nodes.map(
            (n): RecordedResource => ({
                urn: urnIn(stack, n),
                id: `${n.name}-id`,
                type: n.type,
                name: n.name,
                parent: n.parent ? urn(n.parent) : undefined,
                custom: !n.type.startsWith("slipway:components:"),
                inputs: n.props ?? {},
                dependencies: Object.values(n.deps ?? {}).flat().map(urn),
                propertyDependencies: Object.fromEntries(Object.entries(n.deps ?? {}).map(([k, names]) => [k, names.map(urn)])),
                protect: n.protect ?? false,
                retainOnDelete: false,
                deleteBeforeReplace: false,
                ignoreChanges: [],
                replaceOnChanges: [],
                additionalSecretOutputs: [],
                provider: n.provider ? `${urn(n.provider)}::provider-id` : undefined,
            }),
        ),
    );
}

/** Runs one rule over the nodes; returns `name: message` lines (name of the reported resource, or "stack"). */
export async function run(rule: SlipwayRule, nodes: Node[], ctx: PolicyContext = {}, stack = "test"): Promise<string[]> {
    return lines(await runPolicies(graphOf(nodes, stack), [rule], ctx));
}

export async function violations(rule: SlipwayRule, nodes: Node[], ctx: PolicyContext = {}, stack = "test"): Promise<Violation[]> {
    return runPolicies(graphOf(nodes, stack), [rule], ctx);
}

export const lines = (vs: Violation[]): string[] => vs.map((v) => `${v.urn ? v.urn.split("::").pop() : "stack"}: ${v.message}`);

/** A copy of the nodes with one node's props merged (a `undefined` value removes the prop). */
export function patch(nodes: Node[], name: string, props: Record<string, unknown>, extra: Partial<Node> = {}): Node[] {
    if (!nodes.some((n) => n.name === name)) throw new Error(`no node named ${name}`);
    return nodes.map((n) => {
        if (n.name !== name) return n;
        const merged = { ...n.props, ...props };
        for (const [k, v] of Object.entries(props)) if (v === undefined) delete merged[k];
        return { ...n, ...extra, props: merged };
    });
}

/** A copy of the nodes without these (and without links to them). */
export function without(nodes: Node[], ...names: string[]): Node[] {
    for (const name of names) if (!nodes.some((n) => n.name === name)) throw new Error(`no node named ${name}`);
    return nodes
        .filter((n) => !names.includes(n.name))
        .map((n) => ({
            ...n,
            parent: n.parent && names.includes(n.parent) ? undefined : n.parent,
            deps: n.deps && Object.fromEntries(Object.entries(n.deps).map(([k, v]) => [k, v.filter((x) => !names.includes(x))])),
        }));
}
