import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyProviderResource,
    PolicyResource,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { Graph } from "./graph";
import type { RecordedResource } from "./recorder";
import { UNKNOWN, reveal } from "./secret-value";

/**
 * Builds the arguments a policy receives exactly the way the policy server does for
 * `pulumi preview --policy-pack`: secrets unpacked to plain values, props wrapped in the SDK's
 * `unknownCheckingProxy` (reading a value unknown at preview throws `UnknownValueError`),
 * `notApplicable` throwing, `getConfig` merging the rule's schema defaults with the user's
 * policy config, and `stackTags`.
 */
export class NotApplicable extends Error {
    constructor(public readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

// The SDK's sentinel for an unknown string (exported at runtime, not in its typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: unknown };

/** Our recorder writes unknowns as "[unknown]"; the server hands policies the SDK's sentinel. */
function toServerValue(v: unknown): unknown {
    if (v === UNKNOWN) return unknownStringValue;
    if (Array.isArray(v)) return v.map(toServerValue);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toServerValue(x)]));
    return v;
}

export const serverProps = (r: RecordedResource): Record<string, any> => unknownCheckingProxy(toServerValue(reveal(r.inputs)));

/** `urn::id` → urn. */
const providerUrn = (ref?: string): string | undefined => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

export interface PolicyContext {
    /** The user's policy config (`--policy-pack-config`): rule name → settings. */
    config?: Record<string, Record<string, unknown>>;
    stackTags?: ReadonlyMap<string, string>;
}

/** The rule's config: schema defaults overlaid with the user's settings (minus the level). */
export function ruleConfig(name: string, schema: PolicyConfigSchema | undefined, ctx: PolicyContext): Record<string, unknown> {
    const defaults = Object.fromEntries(
        Object.entries(schema?.properties ?? {})
            .filter(([, p]) => (p as { default?: unknown }).default !== undefined)
            .map(([k, p]) => [k, (p as { default?: unknown }).default]),
    );
    const { enforcementLevel: _level, ...given } = ctx.config?.[name] ?? {};
    return { ...defaults, ...given };
}

/** The level a rule runs at: the user's policy config wins over the rule's default. */
export const ruleLevel = (name: string, fallback: EnforcementLevel, ctx: PolicyContext): EnforcementLevel =>
    (ctx.config?.[name]?.enforcementLevel as EnforcementLevel | undefined) ?? fallback;

function provider(graph: Graph, r: RecordedResource): PolicyProviderResource | undefined {
    const p = graph.byUrn(providerUrn(r.provider) ?? "");
    return p ? { type: p.type, props: serverProps(p), urn: p.urn, name: p.name } : undefined;
}

function options(r: RecordedResource) {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [],
        additionalSecretOutputs: r.additionalSecretOutputs,
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    };
}

export function resourceValidationArgs(graph: Graph, r: RecordedResource, name: string, schema: PolicyConfigSchema | undefined, ctx: PolicyContext): ResourceValidationArgs {
    return {
        type: r.type,
        props: serverProps(r),
        urn: r.urn,
        name: r.name,
        opts: options(r),
        provider: provider(graph, r),
        stackTags: ctx.stackTags ?? new Map(),
        isType: () => {
            throw new Error("isType is not used by Slipway rules: compare args.type with the tokens in policy/rules/kit.ts");
        },
        asType: () => {
            throw new Error("asType is not used by Slipway rules");
        },
        getConfig: <T extends object>() => ruleConfig(name, schema, ctx) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as ResourceValidationArgs;
}

export function stackValidationArgs(graph: Graph, name: string, schema: PolicyConfigSchema | undefined, ctx: PolicyContext): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of graph.resources) {
        byUrn.set(r.urn, {
            type: r.type,
            props: serverProps(r),
            urn: r.urn,
            name: r.name,
            opts: options(r),
            provider: provider(graph, r),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource);
    }
    for (const r of graph.resources) {
        const pr = byUrn.get(r.urn)! as { parent?: PolicyResource; dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]> };
        pr.parent = r.parent ? byUrn.get(r.parent) : undefined;
        pr.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
        pr.propertyDependencies = Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([k, us]) => [k, us.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x)]),
        );
    }
    return {
        resources: [...byUrn.values()],
        stackTags: ctx.stackTags ?? new Map(),
        getConfig: <T extends object>() => ruleConfig(name, schema, ctx) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    } as StackValidationArgs;
}
