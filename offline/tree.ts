import type { Violation } from "./policy-run";
import type { Graph } from "./graph";
import type { RecordedResource } from "./recorder";

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * A type token as `pulumi preview` prints it, so the plan and Pulumi's own output spell types
 * alike: `aws:rds/instance:Instance` → `aws:rds:Instance`, and a token whose module file is not
 * the camel-cased type name stays whole. The same rule as `simplifyTypeName` in Pulumi's
 * pkg/backend/display/progress.go.
 */
export const shortType = (t: string): string => {
    const parts = t.split(":");
    if (parts.length !== 3 || !parts[2]) return t;
    const [pkg, mod, name] = parts;
    const slash = mod.lastIndexOf("/");
    if (slash < 0 || mod.slice(slash + 1) !== lowerFirst(name)) return t;
    return `${pkg}:${mod.slice(0, slash)}:${name}`;
};

const isProvider = (r: RecordedResource): boolean => r.type.startsWith("pulumi:providers:");
/** What the plan counts as a resource: one the cloud (or Docker, or a host) creates; not a provider, not a component. */
const isCounted = (r: RecordedResource): boolean => r.custom && !isProvider(r);

/**
 * The plan's one resource count, used by the tree, its summary, `--json` (`counts`) and the plan
 * benchmark; the cost estimate prices or lists as free exactly `resources` of them.
 */
export interface ResourceCounts {
    resources: number;
    providers: number;
    components: number;
}

export function resourceCounts(graph: Graph): ResourceCounts {
    return {
        resources: graph.resources.filter(isCounted).length,
        providers: graph.resources.filter(isProvider).length,
        components: graph.resources.filter((r) => !r.custom).length,
    };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Every resource below `urn`, at any depth. */
export function descendants(graph: Graph, urn: string): RecordedResource[] {
    const out: RecordedResource[] = [];
    for (const child of graph.childrenOf(urn)) out.push(child, ...descendants(graph, child.urn));
    return out;
}

/**
 * The plan's text tree. Every line is a create, so every line starts with `+` as in
 * `pulumi preview` (a `-` there means delete); components carry the count of resources below them.
 */
export function renderTree(graph: Graph): string[] {
    const lines: string[] = [];
    const walk = (r: RecordedResource, depth: number): void => {
        const count = !r.custom ? `  (${plural(descendants(graph, r.urn).filter(isCounted).length, "resource")})` : "";
        const flags = [r.protect && "protected", r.retainOnDelete && "retained"].filter(Boolean).join(", ");
        lines.push(`${"  ".repeat(depth)}+ ${r.name}  ${shortType(r.type)}${count}${flags ? `  [${flags}]` : ""}`);
        for (const child of graph.childrenOf(r.urn)) walk(child, depth + 1);
    };
    for (const root of graph.resources.filter((r) => !r.parent || !graph.byUrn(r.parent))) walk(root, 1);
    return lines;
}

/** The summary under the tree: the one count, then resources by type (as the tree spells them), most first. */
export function renderCounts(graph: Graph): string[] {
    const { resources, providers, components } = resourceCounts(graph);
    const extra = providers > 0 ? ` (and ${plural(providers, "provider")})` : "";
    const out = [`+ ${plural(resources, "resource")} to create in ${plural(components, "component")}${extra}`];
    for (const [type, n] of countByType(graph)) out.push(`  ${String(n).padStart(4)}  ${type}`);
    return out;
}

/** Resource counts by type (short spelling), most first; providers last, apart from the count. */
export function countByType(graph: Graph): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of graph.resources.filter(isCounted)) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * The policy section: a summary line, then findings grouped by rule (mandatory rules first), each
 * rule with its count and its distinct messages, each message once with the resources it names.
 */
export function renderPolicy(rules: number, violations: Violation[]): string[] {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const byRule = new Map<string, Violation[]>();
    for (const v of violations) byRule.set(v.policy, [...(byRule.get(v.policy) ?? []), v]);
    const rank = (level: string) => (level === "mandatory" ? 0 : 1);
    const groups = [...byRule.values()].sort((a, b) => rank(a[0].level) - rank(b[0].level) || b.length - a.length || a[0].policy.localeCompare(b[0].policy));
    const out = [
        `Policy: ${rules} rules; ${mandatory} mandatory and ${violations.length - mandatory} advisory findings` +
            (groups.length > 0 ? ` from ${plural(groups.length, "rule")}` : ""),
    ];
    for (const group of groups) {
        const { policy, level, pack } = group[0];
        out.push(`  [${level}] ${pack ? `${pack}/` : ""}${policy}: ${plural(group.length, "finding")}`);
        const byMessage = new Map<string, string[]>();
        for (const v of group) byMessage.set(v.message, [...(byMessage.get(v.message) ?? []), v.urn ? (v.urn.split("::").pop() ?? v.urn) : "(stack)"]);
        for (const [message, names] of byMessage) out.push(`    ${names.join(", ")}: ${message}`);
    }
    return out;
}
