import type {
    EnforcementLevel,
    Policy,
    ResourceValidation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import type { SlipwayRule } from "../policy/rules/kit";
import type { Graph } from "./graph";
import {
    NotApplicable,
    type PolicyConfigEntry,
    type PolicyConfigFile,
    type PolicyContext,
    fromServerValue,
    policyResources,
    reconcileConfig,
    resourceValidationArgs,
    stackValidationArgs,
} from "./policy-args";
import type { RecordedResource } from "./recorder";
import { containsSecret, reveal } from "./secret-value";

/** Same value and same secret-ness (a `SecretValue` serializes as "[secret]", whatever it holds). */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(reveal(a)) === JSON.stringify(reveal(b)) && containsSecret(a) === containsSecret(b);

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    urn: string;
    message: string;
    /** The pack the policy came from, when it is not Slipway's own. */
    pack?: string;
}

/** A policy pack as the server would serve it: what `new PolicyPack(name, args, initialConfig)` was given. */
export interface PolicyPackRun {
    name: string;
    version: string;
    /** The pack's default level (`PolicyPackArgs.enforcementLevel`, else advisory). */
    enforcementLevel: EnforcementLevel;
    policies: Policy[];
    initialConfig?: PolicyConfigFile;
    /** Levels for the offline plan that differ from the pack's, with why (Slipway's `RuleMeta.offline`). */
    offline?: ReadonlyMap<string, { level: EnforcementLevel; note: string }>;
}

export const SLIPWAY_PACK = "slipway";

/** Slipway's rules as the pack policy/index.ts serves. */
export function slipwayPack(rules: SlipwayRule[]): PolicyPackRun {
    return {
        name: SLIPWAY_PACK,
        version: "0.1.0",
        enforcementLevel: "advisory",
        policies: rules.map((r) => r.policy),
        offline: new Map(rules.filter((r) => r.meta.offline).map((r) => [r.meta.name, r.meta.offline!])),
    };
}

/** Runs Slipway's rules over a recorded graph (see `runPack`). */
export async function runPolicies(graph: Graph, rules: SlipwayRule[], ctx: PolicyContext = {}): Promise<Violation[]> {
    return runPack(graph, slipwayPack(rules), ctx);
}

/** What server.js's reportViolation also accepts in place of a message (not in the typings). */
interface ViolationInfo {
    name?: string;
    message?: string;
    description?: string;
    urn?: string;
    enforcementLevel?: EnforcementLevel;
}

const isResourcePolicy = (p: Policy): p is ResourceValidationPolicy =>
    typeof (p as ResourceValidationPolicy).validateResource === "function" ||
    (Array.isArray((p as ResourceValidationPolicy).validateResource) &&
        ((p as ResourceValidationPolicy).validateResource as unknown[]).every((v) => typeof v === "function")) ||
    typeof (p as ResourceValidationPolicy).remediateResource === "function";
const isStackPolicy = (p: Policy): p is StackValidationPolicy => typeof (p as StackValidationPolicy).validateStack === "function";
/** The type a `validateResourceOfType`-style function was made for (the server's fast path). */
const pulumiTypeOf = (fn: unknown): string | undefined => {
    const t = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
};

/**
 * Runs a pack over a recorded graph in-process, as `pulumi preview --policy-pack` would with the
 * policy server of node_modules/@pulumi/policy/server.js: levels from the reconciled config,
 * remediations (level `remediate`) first, their output fed to every validation, then every
 * resource policy on every resource and every stack policy once. An unknown value aborts that
 * policy for that resource with an advisory "can't run during preview"; `notApplicable` skips;
 * any other error fails the run, naming the policy and pack, as the server fails the preview.
 *
 * Offline only: a policy the pack lists in `offline` runs at that level, with its note on each
 * finding, unless `ctx.enforcement` is `server` or the user's config sets its level.
 */
export async function runPack(graph: Graph, pack: PolicyPackRun, ctx: PolicyContext = {}, configSource?: string): Promise<Violation[]> {
    const config = reconcileConfig(pack.policies, pack.enforcementLevel, pack.initialConfig, ctx.config, configSource);
    const out: Violation[] = [];
    const from = (name: string) => `policy '${name}' from policy pack '${pack.name}@v${pack.version}'`;
    const tag = pack.name === SLIPWAY_PACK ? {} : { pack: pack.name };

    const levelOf = (p: Policy): { level: EnforcementLevel; entry: PolicyConfigEntry; note?: string } => {
        const entry = config.get(p.name)!;
        const offline = pack.offline?.get(p.name);
        if (offline && ctx.enforcement !== "server" && !entry.levelFromUser) return { level: offline.level, entry, note: offline.note };
        return { level: entry.level, entry };
    };

    /** The server's reportViolation: a message, or an object that may name another policy, urn or level. */
    const reporter = (p: Policy, level: EnforcementLevel, urnDefault: string, note?: string) => (message: string | ViolationInfo | undefined, urn?: string) => {
        const withNote = (m: string) => (note ? `${m} (${note})` : m);
        if (message && typeof message === "object") {
            const info = message;
            out.push({ policy: info.name || p.name, level: info.enforcementLevel || level, urn: info.urn || urn || urnDefault, message: withNote(info.message || info.description || p.description), ...tag });
        } else {
            out.push({ policy: p.name, level, urn: urn ?? urnDefault, message: withNote(message || p.description), ...tag });
        }
    };

    const guard = async (p: Policy, urn: string, run: () => unknown, what = "policy") => {
        try {
            await run();
        } catch (e) {
            if (e instanceof UnknownValueError) {
                out.push({ policy: p.name, level: "advisory", urn, message: `can't run ${what} '${p.name}' during preview: ${(e as Error).message}`, ...tag });
            } else if (!(e instanceof NotApplicable)) {
                throw new Error(`Error validating resource with ${from(p.name)}: ${(e as Error).message}`, { cause: e });
            }
        }
    };

    // Remediations, resource by resource in pack order, each seeing the previous one's output.
    const inputs = new Map<string, Record<string, unknown>>();
    const inputsOf = (r: RecordedResource) => inputs.get(r.urn) ?? r.inputs;
    for (const p of pack.policies) {
        const { level, entry } = levelOf(p);
        if (level !== "remediate" || !isResourcePolicy(p) || !p.remediateResource) continue;
        const remediate = p.remediateResource;
        const only = pulumiTypeOf(remediate);
        for (const r of graph.resources) {
            if (only && r.type !== only) continue;
            await guard(
                p,
                r.urn,
                async () => {
                    const result = await remediate(resourceValidationArgs(graph, r, p.name, p.configSchema, ctx, { config: entry, inputs: inputsOf(r), forRemediation: true }));
                    if (!result) return;
                    const next = fromServerValue(result) as Record<string, unknown>;
                    const changed = [...new Set([...Object.keys(next), ...Object.keys(inputsOf(r))])].filter((k) => !sameValue(next[k], inputsOf(r)[k]));
                    inputs.set(r.urn, next);
                    out.push({ policy: p.name, level: "remediate", urn: r.urn, message: `remediated ${changed.length ? changed.join(", ") : "(no change)"}`, ...tag });
                },
                "remediation",
            );
        }
    }

    for (const p of pack.policies) {
        const levelInfo = levelOf(p);
        // A policy left violated after its remediation ran is reported as mandatory (the server's rule).
        const level = levelInfo.level === "remediate" ? "mandatory" : levelInfo.level;
        if (level === "disabled") continue;
        if (isResourcePolicy(p) && p.validateResource) {
            const validations = ([] as ResourceValidation[]).concat(p.validateResource);
            const only = validations.length === 1 && !Array.isArray(p.validateResource) ? pulumiTypeOf(validations[0]) : undefined;
            for (const r of graph.resources) {
                if (only && r.type !== only) continue;
                for (const v of validations) {
                    const args = () => resourceValidationArgs(graph, r, p.name, p.configSchema, ctx, { config: levelInfo.entry, inputs: inputsOf(r) });
                    await guard(p, r.urn, () => v(args(), reporter(p, level, r.urn, levelInfo.note)));
                }
            }
        }
        if (isStackPolicy(p)) {
            const only = pulumiTypeOf(p.validateStack);
            if (only && !graph.resources.some((r) => r.type === only)) continue;
            const resources = policyResources(graph, inputsOf);
            await guard(p, "", () => p.validateStack(stackValidationArgs(graph, p.name, p.configSchema, ctx, { config: levelInfo.entry, resources }), reporter(p, level, "", levelInfo.note)));
        }
    }
    return out;
}
