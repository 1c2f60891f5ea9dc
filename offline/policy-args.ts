import type {
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import { Secret, unknownCheckingProxy } from "@pulumi/policy";
import type { Graph } from "./graph";
import type { RecordedResource } from "./recorder";
import { SecretValue, UNKNOWN, reveal } from "./secret-value";

/**
 * Builds the arguments a policy receives exactly the way the policy server of `@pulumi/policy`
 * (node_modules/@pulumi/policy/server.js) does for `pulumi preview --policy-pack`: secrets
 * unpacked to plain values, props wrapped in the SDK's `unknownCheckingProxy` (reading a value
 * unknown at preview throws `UnknownValueError`), `isType`/`asType` by the class's
 * `__pulumiType` (else its `isInstance`), `notApplicable` throwing, `getConfig` answering the
 * reconciled policy config, and `stackTags`. Remediations get secret-preserving props.
 *
 * Config is reconciled as the Pulumi CLI does before it calls the server's `configure`
 * (pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig): schema defaults, then the pack's
 * programmatic initial config, then the user's file; in each, `"all"` sets every policy's level
 * and a policy's entry is a level string or an object of settings with an optional
 * `enforcementLevel`.
 */
export class NotApplicable extends Error {
    constructor(public readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

// The SDK's sentinel for an unknown string, and its proxy markers (exported at runtime, not in
// its typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule = require("@pulumi/policy/proxy") as { unknownStringValue: unknown; isSpecialProxy: string; getSpecialProxyTarget: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { secretsPreservingProxy } = require("@pulumi/policy/secret") as { secretsPreservingProxy: <T>(v: T) => T };
const { unknownStringValue } = proxyModule;

/**
 * Our recorder writes unknowns as "[unknown]"; the server hands policies the SDK's sentinel.
 * `secrets` keeps secret values as the SDK's `Secret` (what remediations receive) instead of
 * unpacking them.
 */
function toServerValue(v: unknown, secrets = false): unknown {
    if (v === UNKNOWN) return unknownStringValue;
    if (v instanceof SecretValue) return secrets ? new Secret(toServerValue(v.value, secrets)) : toServerValue(v.value, secrets);
    if (Array.isArray(v)) return v.map((x) => toServerValue(x, secrets));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toServerValue(x, secrets)]));
    return v;
}

/** A remediation's result back in recorded form: proxies unwrapped, `Secret` as `SecretValue`. */
export function fromServerValue(v: unknown): unknown {
    if (v && typeof v === "object" && (v as Record<string, unknown>)[proxyModule.isSpecialProxy]) {
        return fromServerValue((v as Record<string, unknown>)[proxyModule.getSpecialProxyTarget]);
    }
    if (v === unknownStringValue) return UNKNOWN;
    if (v instanceof Secret) return new SecretValue(fromServerValue(v.value));
    if (Array.isArray(v)) return v.map(fromServerValue);
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, fromServerValue(x)]));
    }
    return v;
}

export const serverProps = (r: RecordedResource, inputs: Record<string, unknown> = r.inputs): Record<string, any> =>
    unknownCheckingProxy(toServerValue(reveal(inputs)));

/** Props as the server's remediate call builds them: unknown-checking over secret-preserving. */
const remediationProps = (inputs: Record<string, unknown>): Record<string, any> =>
    unknownCheckingProxy(secretsPreservingProxy(toServerValue(inputs, true) as Record<string, unknown>));

/** `urn::id` → urn. */
const providerUrn = (ref?: string): string | undefined => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/** A policy config file's content: policy name (or "all") → a level, or settings. */
export type PolicyConfigFile = Record<string, unknown>;

export interface PolicyContext {
    /** The user's policy config (`--policy-pack-config` / `--policy-config`), in the CLI's file form. */
    config?: PolicyConfigFile;
    stackTags?: ReadonlyMap<string, string>;
    /**
     * `server` enforces every level exactly as `pulumi preview --policy-pack` does. The default,
     * `offline`, lets a Slipway rule declare a different level for the offline plan
     * (`RuleMeta.offline`), unless the user's config sets that rule's level.
     */
    enforcement?: "offline" | "server";
}

/** One policy's reconciled config, as the server's `configure` receives it. */
export interface PolicyConfigEntry {
    level: EnforcementLevel;
    properties: Record<string, unknown>;
    /** Whether the user's config (its entry or `all`) set the level. */
    levelFromUser: boolean;
}

const levels: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

interface ParsedEntry {
    level?: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** Parses a config file's content the way the CLI does (parsePolicyPackConfig); throws one line per bad entry. */
export function parsePolicyConfig(file: PolicyConfigFile | undefined, source = "policy config"): Map<string, ParsedEntry> {
    const out = new Map<string, ParsedEntry>();
    if (file === undefined || file === null) return out;
    if (typeof file !== "object" || Array.isArray(file)) throw new Error(`${source}: must be a JSON object of policy name → level or settings`);
    for (const [name, value] of Object.entries(file)) {
        if (typeof value === "string") {
            if (!levels.includes(value)) throw new Error(`${source}: "${name}": "${value}" is not a valid enforcement level (${levels.join(", ")})`);
            out.set(name, { level: value as EnforcementLevel, properties: {} });
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && (typeof enforcementLevel !== "string" || !levels.includes(enforcementLevel))) {
                throw new Error(`${source}: "${name}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level (${levels.join(", ")})`);
            }
            out.set(name, { level: enforcementLevel as EnforcementLevel | undefined, properties });
        } else {
            throw new Error(`${source}: "${name}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return out;
}

/** The `default`s of a config schema. */
function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(schema?.properties ?? {})
            .filter(([, p]) => (p as { default?: unknown }).default !== undefined)
            .map(([k, p]) => [k, (p as { default?: unknown }).default]),
    );
}

const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

/** The subset of JSON Schema the CLI's validation would reject most often: required, type, enum. */
function schemaErrors(schema: PolicyConfigSchema | undefined, props: Record<string, unknown>): string[] {
    if (!schema) return [];
    const errors = (schema.required ?? []).filter((k) => props[k] === undefined).map((k) => `${k} is required`);
    for (const [k, v] of Object.entries(props)) {
        const p = schema.properties?.[k] as { type?: string | string[]; enum?: unknown[] } | undefined;
        if (!p) continue;
        const allowed = p.type === undefined ? [] : ([] as string[]).concat(p.type);
        const actual = jsonType(v);
        if (allowed.length && !allowed.some((t) => t === actual || (t === "number" && actual === "integer"))) {
            errors.push(`${k}: invalid type, expected ${allowed.join(" or ")}, given ${actual}`);
        }
        if (p.enum && !p.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${k}: must be one of ${JSON.stringify(p.enum)}`);
    }
    return errors;
}

/**
 * Reconciles a pack's config as the CLI does: each policy starts at its own level (else the
 * pack's) with its schema defaults; the pack's initial config, then the user's file, apply on
 * top. Throws when a resulting config fails the policy's schema (the CLI refuses to run then).
 */
export function reconcileConfig(
    policies: readonly Policy[],
    packLevel: EnforcementLevel,
    initialConfig: PolicyConfigFile | undefined,
    given: PolicyConfigFile | undefined,
    source?: string,
): Map<string, PolicyConfigEntry> {
    const result = new Map<string, PolicyConfigEntry>(
        policies.map((p) => [p.name, { level: p.enforcementLevel ?? packLevel, properties: schemaDefaults(p.configSchema), levelFromUser: false }]),
    );
    const apply = (layer: Map<string, ParsedEntry>, fromUser: boolean) => {
        const all = layer.get("all")?.level;
        if (all) for (const e of result.values()) Object.assign(e, { level: all, levelFromUser: fromUser || e.levelFromUser });
        for (const [name, entry] of layer) {
            const current = result.get(name);
            if (!current || name === "all") continue;
            if (entry.level) Object.assign(current, { level: entry.level, levelFromUser: fromUser || current.levelFromUser });
            current.properties = { ...current.properties, ...entry.properties };
        }
    };
    apply(parsePolicyConfig(initialConfig, "the pack's initial config"), false);
    apply(parsePolicyConfig(given, source), true);
    const errors = policies.flatMap((p) => schemaErrors(p.configSchema, result.get(p.name)!.properties).map((e) => `${p.name}: ${e}`));
    if (errors.length) throw new Error(`${source ?? "policy config"} is invalid: ${errors.join("; ")}`);
    return result;
}

/** One policy's config when the caller has not reconciled the whole pack (tests, single rules). */
function entryFor(name: string, schema: PolicyConfigSchema | undefined, ctx: PolicyContext): PolicyConfigEntry {
    return reconcileConfig([{ name, description: "", enforcementLevel: "advisory", configSchema: schema } as Policy], "advisory", undefined, ctx.config).get(name)!;
}

/** Server's isTypeOf: the class's `__pulumiType` when it has one, else its `isInstance`. */
export function isTypeOf(type: string, resourceClass: unknown): boolean {
    const cls = resourceClass as { __pulumiType?: unknown; isInstance?: unknown } | undefined;
    if (typeof cls?.__pulumiType === "string" && cls.__pulumiType.length > 0) return type === cls.__pulumiType;
    return typeof cls?.isInstance === "function" && (cls.isInstance as (o: unknown) => unknown)({ __pulumiType: type }) === true;
}

function provider(graph: Graph, r: RecordedResource): PolicyProviderResource | undefined {
    const p = graph.byUrn(providerUrn(r.provider) ?? "");
    return p ? { type: p.type, props: serverProps(p), urn: p.urn, name: p.name } : undefined;
}

/**
 * The server's resource options. Slipway sets no aliases and no custom timeouts (the recorder
 * does not capture them), so those are what the engine would send for this program: none and 0.
 */
function options(r: RecordedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [],
        additionalSecretOutputs: r.additionalSecretOutputs,
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

export interface ArgsOptions {
    /** The reconciled config of this policy (else reconciled from `ctx` and `schema` alone). */
    config?: PolicyConfigEntry;
    /** Inputs after remediations (else the recorded inputs). */
    inputs?: Record<string, unknown>;
    /** Secret-preserving props, as a remediation receives them. */
    forRemediation?: boolean;
}

export function resourceValidationArgs(
    graph: Graph,
    r: RecordedResource,
    name: string,
    schema: PolicyConfigSchema | undefined,
    ctx: PolicyContext,
    o: ArgsOptions = {},
): ResourceValidationArgs {
    const inputs = o.inputs ?? r.inputs;
    const props = o.forRemediation ? remediationProps(inputs) : serverProps(r, inputs);
    const properties = (o.config ?? entryFor(name, schema, ctx)).properties;
    const args = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: options(r),
        stackTags: ctx.stackTags ?? new Map(),
        isType: (cls: unknown) => isTypeOf(r.type, cls),
        asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
        getConfig: () => ({ ...properties }),
        notApplicable: throwNotApplicable,
    } as unknown as ResourceValidationArgs;
    const p = provider(graph, r);
    if (p) args.provider = p;
    return args;
}

/** Every resource as a stack policy sees it, parents and dependencies linked as objects. */
export function policyResources(graph: Graph, inputsOf: (r: RecordedResource) => Record<string, unknown> = (r) => r.inputs): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of graph.resources) {
        const props = serverProps(r, inputsOf(r));
        const pr = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls: unknown) => isTypeOf(r.type, cls),
            asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
        } as unknown as PolicyResource;
        const p = provider(graph, r);
        if (p) pr.provider = p;
        byUrn.set(r.urn, pr);
    }
    const resolve = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
    for (const r of graph.resources) {
        const pr = byUrn.get(r.urn)!;
        if (r.parent && byUrn.has(r.parent)) pr.parent = byUrn.get(r.parent);
        pr.dependencies = resolve(r.dependencies);
        pr.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, us]) => [k, resolve(us)]));
    }
    return [...byUrn.values()];
}

export function stackValidationArgs(
    graph: Graph,
    name: string,
    schema: PolicyConfigSchema | undefined,
    ctx: PolicyContext,
    o: { config?: PolicyConfigEntry; resources?: PolicyResource[] } = {},
): StackValidationArgs {
    const properties = (o.config ?? entryFor(name, schema, ctx)).properties;
    return {
        resources: o.resources ?? policyResources(graph),
        stackTags: ctx.stackTags ?? new Map(),
        getConfig: () => ({ ...properties }),
        notApplicable: throwNotApplicable,
    } as unknown as StackValidationArgs;
}
