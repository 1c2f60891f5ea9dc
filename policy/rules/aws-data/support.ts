import type { PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { type Maybe, UNKNOWN, read } from "../kit";

/** A value as a message shows it: JSON, and "unset" for a missing one. */
export const shown = (v: unknown): string => JSON.stringify(v ?? "unset");

/** `x` or `[x, …]` as a list (IAM policies and some inputs accept both). */
export const listOf = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? [...v] : [v]);

/**
 * JSON that Pulumi may hand over as a string (provider config, bucket policies) or as an object
 * (a policy document passed as one). Returns an `Error` for a string that does not parse.
 */
export function jsonValue(v: unknown): unknown {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
    }
}

/**
 * A `remediateResource` that runs only on the given types and returns the resource's props with
 * `fix`'s changes, or nothing when `fix` finds nothing to change. The server replaces the whole
 * property bag with what a remediation returns, hence the spread.
 */
export function remediateOn(
    typeTokens: readonly string[],
    fix: (props: Record<string, any>) => Record<string, unknown> | undefined,
): NonNullable<ResourceValidationPolicy["remediateResource"]> {
    return (args) => {
        if (!typeTokens.includes(args.type)) return undefined;
        const changes = fix(args.props);
        return changes ? { ...args.props, ...changes } : undefined;
    };
}

/** Settings of the production-only ("M prod") rules. */
export interface ProductionConfig {
    /** "production": the rule applies only to production stacks; "all": to every stack. */
    applyTo: "production" | "all";
    /** The tag whose value names the environment. */
    environmentTag: string;
    /** Values of that tag that mean production. */
    productionValues: string[];
}

/**
 * How a rule decides a stack is production. Stack tags are empty in many setups (and in our
 * offline runs), while every AWS stack of ours sets the provider default tag `environment`, so the
 * decision reads the tag where AWS itself resolves it: the resource's own tag, else the
 * provider's default tag, else the Pulumi stack tag.
 */
export const productionSchema: PolicyConfigSchema["properties"] = {
    applyTo: { type: "string", enum: ["production", "all"], default: "production" },
    environmentTag: { type: "string", default: "environment" },
    productionValues: { type: "array", items: { type: "string" }, default: ["production", "prod"] },
};

/** The environment tag's value from a tag map that may be a JSON string; undefined when absent. */
function tagIn(tags: Maybe<unknown>, key: string): Maybe<unknown> {
    if (tags === UNKNOWN) return UNKNOWN;
    const parsed = jsonValue(tags);
    if (!parsed || typeof parsed !== "object" || parsed instanceof Error) return undefined;
    return read(() => (parsed as Record<string, unknown>)[key]);
}

/** Whether the rule applies to this resource's stack; UNKNOWN when the deciding tag is unknown. */
export function isProduction(args: ResourceValidationArgs, cfg: ProductionConfig): Maybe<boolean> {
    if (cfg.applyTo === "all") return true;
    const key = cfg.environmentTag;
    const providerTags = read(() => {
        // Provider config arrives JSON-encoded (`defaultTags: '{"tags":{…}}'`).
        const dt = jsonValue(args.provider?.props.defaultTags);
        return dt && typeof dt === "object" && !(dt instanceof Error) ? (dt as { tags?: unknown }).tags : undefined;
    });
    const sources: Array<() => Maybe<unknown>> = [
        () => tagIn(read(() => args.props.tags), key),
        () => tagIn(providerTags, key),
        () => args.stackTags.get(key),
    ];
    for (const source of sources) {
        const value = source();
        if (value === UNKNOWN) return UNKNOWN;
        if (value !== undefined && value !== null) return cfg.productionValues.includes(String(value));
    }
    return false;
}
