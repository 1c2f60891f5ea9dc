import type { EnforcementLevel, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import type { SlipwayRule } from "../policy/rules/kit";
import type { Graph } from "./graph";
import { NotApplicable, type PolicyContext, resourceValidationArgs, ruleLevel, stackValidationArgs } from "./policy-args";

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    urn: string;
    message: string;
}

/**
 * Runs rules over a recorded graph in-process, as `pulumi preview --policy-pack` would: every
 * resource policy on every resource, every stack policy once; an unknown value aborts that
 * policy for that resource with an advisory "can't run during preview" (the server's rule).
 */
export async function runPolicies(graph: Graph, rules: SlipwayRule[], ctx: PolicyContext = {}): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const { meta, policy } of rules) {
        const level = ruleLevel(meta.name, meta.level, ctx);
        if (level === "disabled") continue;
        const push = (urn: string, message: string, lvl: EnforcementLevel = level) => out.push({ policy: meta.name, level: lvl, urn, message });
        const guard = async (urn: string, run: () => unknown) => {
            try {
                await run();
            } catch (e) {
                if (e instanceof UnknownValueError) push(urn, `can't run policy '${meta.name}' during preview: ${(e as Error).message}`, "advisory");
                else if (!(e instanceof NotApplicable)) throw e;
            }
        };
        if ("validateResource" in policy && policy.validateResource) {
            const validations = ([] as ResourceValidationPolicy["validateResource"][]).concat(policy.validateResource).flat();
            for (const r of graph.resources) {
                for (const v of validations) {
                    await guard(r.urn, () => (v as ResourceValidation)(resourceValidationArgs(graph, r, meta.name, policy.configSchema, ctx), (m: string) => push(r.urn, m)));
                }
            }
        }
        if ("validateStack" in policy && (policy as StackValidationPolicy).validateStack) {
            const sv = (policy as StackValidationPolicy).validateStack;
            await guard("", () => sv(stackValidationArgs(graph, meta.name, policy.configSchema, ctx), (m: string, urn?: string) => push(urn ?? "", m)));
        }
    }
    return out;
}
