import type { Graph } from "./graph";
import type { RecordedResource } from "./recorder";

/** Short form of a type token for humans: `aws:rds/instance:Instance` → `aws:rds:Instance`. */
export const shortType = (t: string): string => {
    const [pkg, mod, name] = t.split(":");
    return name ? `${pkg}:${mod.split("/")[0]}:${name}` : t;
};

/** Every resource below `urn`, at any depth. */
export function descendants(graph: Graph, urn: string): RecordedResource[] {
    const out: RecordedResource[] = [];
    for (const child of graph.childrenOf(urn)) out.push(child, ...descendants(graph, child.urn));
    return out;
}

/** The plan's text tree: components with their resource counts, children indented below. */
export function renderTree(graph: Graph): string[] {
    const lines: string[] = [];
    const walk = (r: RecordedResource, depth: number): void => {
        const below = descendants(graph, r.urn).length;
        const count = !r.custom ? `  (${below} resource${below === 1 ? "" : "s"})` : "";
        const flags = [r.protect && "protected", r.retainOnDelete && "retained"].filter(Boolean).join(", ");
        lines.push(`${"  ".repeat(depth)}${r.custom ? "-" : "+"} ${r.name}  ${shortType(r.type)}${count}${flags ? `  [${flags}]` : ""}`);
        for (const child of graph.childrenOf(r.urn)) walk(child, depth + 1);
    };
    for (const root of graph.resources.filter((r) => !r.parent || !graph.byUrn(r.parent))) walk(root, 1);
    return lines;
}

/** Resource counts by type, most first. */
export function countByType(graph: Graph): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of graph.resources.filter((x) => x.custom)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
