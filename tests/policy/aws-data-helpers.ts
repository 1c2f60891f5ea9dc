import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { PolicyContext } from "../../offline/policy-args";
import { resourceValidationArgs } from "../../offline/policy-args";
import type { SlipwayRule } from "../../policy/rules/kit";
import { type FakeResource, check, fakeGraph, urnOf } from "./helpers";

/** Helpers shared by the aws-data rule tests (production stacks, remediations). */
export const AWS_PROVIDER = "pulumi:providers:aws";

/**
 * One resource under an AWS provider whose default tags are `tags`, encoded the way the engine
 * hands provider config to policies (a JSON string).
 */
export function underProvider(type: string, props: Record<string, unknown>, tags: Record<string, string> | undefined, name = "p"): FakeResource[] {
    const provider: FakeResource = { type: AWS_PROVIDER, name, props: tags ? { defaultTags: JSON.stringify({ tags }) } : {} };
    return [provider, { type, props, provider: urnOf(AWS_PROVIDER, name) }];
}

/** The messages of a rule on one resource of a stack whose provider carries `tags`. */
export async function messagesWithTags(
    rule: SlipwayRule,
    type: string,
    props: Record<string, unknown>,
    tags: Record<string, string> | undefined,
    ctx: PolicyContext = {},
): Promise<string[]> {
    return (await check(rule, underProvider(type, props, tags), ctx)).map((v) => v.message);
}

/** Runs a rule's remediation on one resource as the server would. */
export async function remediate(rule: SlipwayRule, type: string, props: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const graph = fakeGraph([{ type, props }]);
    const policy = rule.policy as ResourceValidationPolicy;
    const args = resourceValidationArgs(graph, graph.resources[0], rule.meta.name, policy.configSchema, {});
    return (await policy.remediateResource!(args)) as Record<string, unknown> | undefined;
}
