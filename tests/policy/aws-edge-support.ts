import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { Graph } from "../../offline/graph";
import { type PolicyContext, resourceValidationArgs } from "../../offline/policy-args";
import type { SlipwayRule } from "../../policy/rules/kit";
import { fakeGraph, urnOf } from "./helpers";

/** Runs a rule's remediation on one resource the way the policy server would (level "remediate"). */
export async function remediate(rule: SlipwayRule, type: string, props: Record<string, unknown>, ctx: PolicyContext = {}): Promise<Record<string, unknown> | undefined> {
    const graph = fakeGraph([{ type, props }]);
    const policy = rule.policy as ResourceValidationPolicy;
    const out = await policy.remediateResource!(resourceValidationArgs(graph, graph.resources[0], rule.meta.name, policy.configSchema, ctx));
    return out ? JSON.parse(JSON.stringify(out)) : undefined;
}

/** Records that `name`'s input `prop` came from the resources named in `from` (what the engine tells stack policies). */
export function dependsVia(graph: Graph, name: string, prop: string, ...from: string[]): Graph {
    const r = graph.byName(name);
    r.propertyDependencies = { ...r.propertyDependencies, [prop]: from.map((n) => graph.byName(n).urn) };
    return graph;
}

export { urnOf };
