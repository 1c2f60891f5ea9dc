import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { type Maybe, UNKNOWN, read } from "../kit";

/**
 * What the stack rules share: reading props that may be unknown at preview, following the links
 * between resources, and the few facts (labels, env, image, production) several rules decide on.
 *
 * Links go through `propertyDependencies` first: the engine records which resources each input
 * came from, which is the only link that survives preview (a new bucket's name or a new security
 * group's id is unknown then, and a stack policy never sees ids at all). A known literal value
 * (a bucket name, a network name) is the fallback.
 */

/** One prop of a resource, UNKNOWN when it is not known at preview. */
export const prop = (r: PolicyResource | undefined, key: string): Maybe<unknown> => (r ? read(() => r.props[key]) : undefined);

/** A nested value read step by step: UNKNOWN as soon as one step is. */
export function path(value: unknown, ...keys: (string | number)[]): Maybe<unknown> {
    let v: unknown = value;
    for (const k of keys) {
        if (v === UNKNOWN) return UNKNOWN;
        if (v === undefined || v === null || typeof v !== "object") return undefined;
        const parent = v as Record<string | number, unknown>;
        v = read(() => parent[k]);
    }
    return v;
}

/** An array prop's entries, each read on its own (one unknown entry does not hide the others). */
export function entries(value: Maybe<unknown>): Maybe<Maybe<unknown>[] | undefined> {
    if (value === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(value)) return undefined;
    return Array.from({ length: value.length }, (_, i) => read(() => value[i]));
}

/** An object's own entries, each value read on its own. */
export function fields(value: Maybe<unknown>): Maybe<[string, Maybe<unknown>][] | undefined> {
    if (value === UNKNOWN) return UNKNOWN;
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    return Object.keys(value).map((k) => [k, read(() => (value as Record<string, unknown>)[k])]);
}

/** Provider inputs reach policies as JSON strings for non-string values; resources' as objects. */
export function parseJson(value: Maybe<unknown>): Maybe<unknown> {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** Whether a resource is of one of these types (the `types` tables are readonly tuples). */
export const is = (r: { type: string }, tokens: readonly string[]): boolean => tokens.includes(r.type);

export const ofType = (resources: PolicyResource[], tokens: readonly string[]): PolicyResource[] => resources.filter((r) => tokens.includes(r.type));

/** Whether `from`'s input `key` came from `to`. */
export const dependsVia = (from: PolicyResource, key: string, to: PolicyResource): boolean =>
    (from.propertyDependencies?.[key] ?? []).some((d) => d.urn === to.urn);

/** The resources `from`'s input `key` came from, of the given types. */
export const depsVia = (from: PolicyResource, key: string, tokens: readonly string[]): PolicyResource[] =>
    (from.propertyDependencies?.[key] ?? []).filter((d) => tokens.includes(d.type));

/**
 * Whether `companion` (a bucket setting, a rule…) points at `target` through its input `key`:
 * true by dependency or by a known equal value, UNKNOWN when its value is unknown and no
 * dependency says either way, false otherwise.
 */
export function linked(companion: PolicyResource, key: string, target: PolicyResource, targetValue: Maybe<unknown>): Maybe<boolean> {
    if (dependsVia(companion, key, target)) return true;
    const v = prop(companion, key);
    if (v === UNKNOWN) return (companion.propertyDependencies?.[key] ?? []).length === 0 ? UNKNOWN : false;
    return v !== undefined && targetValue !== UNKNOWN && targetValue !== undefined && v === targetValue;
}

/** The stack name, from any URN (`urn:pulumi:<stack>::<project>::…`). */
export function stackName(resources: PolicyResource[]): string | undefined {
    const urn = resources[0]?.urn;
    const m = urn ? /^urn:pulumi:([^:]+)::/.exec(urn) : null;
    return m?.[1];
}

/** The nearest ancestor that is a Slipway component (`slipway:components:<Kind>` → Kind). */
export function componentKind(r: PolicyResource): string | undefined {
    for (let p = r.parent; p; p = p.parent) if (p.type.startsWith("slipway:components:")) return p.type.slice("slipway:components:".length);
    return undefined;
}

/** A Docker container's labels (list of `{label, value}` or a map), values possibly UNKNOWN. */
export function dockerLabels(r: PolicyResource): Maybe<Map<string, Maybe<unknown>>> {
    const raw = prop(r, "labels");
    if (raw === UNKNOWN) return UNKNOWN;
    const out = new Map<string, Maybe<unknown>>();
    const list = entries(raw);
    if (list !== UNKNOWN && list) {
        for (const e of list) {
            const k = path(e, "label");
            if (k === UNKNOWN || e === UNKNOWN) return UNKNOWN;
            if (typeof k === "string") out.set(k, path(e, "value"));
        }
        return out;
    }
    const map = fields(raw);
    if (map !== UNKNOWN && map) for (const [k, v] of map) out.set(k, v);
    return out;
}

/** A Docker container's environment: known `NAME=value` pairs, and whether some entry is unknown. */
export function dockerEnv(r: PolicyResource): { vars: Map<string, string>; unknown: boolean } {
    const vars = new Map<string, string>();
    const list = entries(prop(r, "envs"));
    if (list === UNKNOWN) return { vars, unknown: true };
    let unknown = false;
    for (const e of list ?? []) {
        if (e === UNKNOWN) unknown = true;
        else if (typeof e === "string" && e.includes("=")) vars.set(e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1));
    }
    return { vars, unknown };
}

/**
 * An image reference's repository without registry, tag, digest or Docker Hub's `library/`:
 * `docker.io/library/postgres:16@sha256:…` → `postgres`, `quay.io/prometheuscommunity/postgres-exporter:v1` →
 * `prometheuscommunity/postgres-exporter`.
 */
export function imageRepository(image: string): string {
    let ref = image.split("@")[0];
    const slash = ref.lastIndexOf("/");
    const colon = ref.lastIndexOf(":");
    if (colon > slash) ref = ref.slice(0, colon);
    const parts = ref.split("/");
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) parts.shift();
    if (parts[0] === "library") parts.shift();
    return parts.join("/");
}

/** Whether a container runs one of these images (a repository, or its last segment for single names). */
export function runsImage(r: PolicyResource, repositories: readonly string[]): Maybe<boolean> {
    const image = prop(r, "image");
    if (image === UNKNOWN) return UNKNOWN;
    if (typeof image !== "string") return false;
    const repo = imageRepository(image);
    return repositories.some((x) => repo === x || repo.endsWith(`/${x}`));
}

/** The settings that decide whether a stack is production, shared by the "M prod" rules. */
export const productionConfig = {
    productionStacks: {
        type: "array",
        items: { type: "string" },
        default: ["prod", "production"],
        description: "Stack names that are production whatever their tags say.",
    },
    productionEnvironments: {
        type: "array",
        items: { type: "string" },
        default: ["production"],
        description: "Values of the `environment` tag (AWS provider default tags, or stack tags) that mean production.",
    },
} as const;

export interface ProductionSettings {
    productionStacks: string[];
    productionEnvironments: string[];
}

/**
 * Whether the stack is production, and why. Policies do not see Pulumi config, so the signals are
 * what they can see: the `environment` tag in an AWS provider's `defaultTags` (Slipway's aws
 * stacks set it from `slipway:environment`), a stack tag `environment`, or the stack's name in
 * `productionStacks` (the only signal on Docker and DigitalOcean stacks, which have no default
 * tags). An environment tag unknown at preview counts as production: the checks then run.
 */
export function productionReason(args: StackValidationArgs, s: ProductionSettings): string | undefined {
    const name = stackName(args.resources);
    if (name && s.productionStacks.includes(name)) return `stack "${name}" is listed in productionStacks`;
    const env = args.stackTags?.get?.("environment");
    if (env && s.productionEnvironments.includes(env)) return `stack tag environment=${env}`;
    const providers = new Map<string, Pick<PolicyResource, "props">>();
    for (const r of args.resources) {
        if (r.type.startsWith("pulumi:providers:aws")) providers.set(r.urn, r);
        if (r.provider?.type.startsWith("pulumi:providers:aws")) providers.set(r.provider.urn, r.provider);
    }
    for (const p of providers.values()) {
        const tags = path(parseJson(read(() => p.props.defaultTags)), "tags");
        const e = path(tags, "environment");
        if (e === UNKNOWN) return "the AWS provider's environment tag is unknown at preview (treated as production)";
        if (typeof e === "string" && s.productionEnvironments.includes(e)) return `AWS provider default tag environment=${e}`;
    }
    return undefined;
}

/** Short name for messages: `name (type)`. */
export const label = (r: PolicyResource): string => `${r.name} (${r.type})`;
