import type { FlowKind, NodeShape, Topology, TopologyGroup, TopologyNode } from "./model";

/**
 * Prints a topology as a Mermaid `flowchart`. Deterministic: groups, nodes and edges are
 * sorted by id, so the same graph always prints the same text (the README embeds it).
 *
 * Only a small subset of the syntax is emitted, and tests check every line against it:
 * `subgraph id["title"]` … `end`, `id<open>"label"<close>`, `a -->|"label"| b` and
 * `a -.->|"label"| b`. Every label is quoted and escaped with Mermaid's entity codes.
 */

/** Characters that would end or change a quoted Mermaid label, as Mermaid entity codes. */
const ENTITIES: Record<string, string> = {
    "#": "#35;", // the entity-code prefix itself, first
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
};

/** One line of label text, safe inside `"…"` in any Mermaid label position. */
export function escapeLabelText(text: string): string {
    return text
        .replace(/[\r\n\t]+/g, " ")
        .replace(/[#"<>&|`]/g, (c) => ENTITIES[c]);
}

/** Label lines joined with Mermaid's line break. */
export const label = (lines: string[]): string => `"${lines.map(escapeLabelText).join("<br/>")}"`;

const SHAPES: Record<NodeShape, [string, string]> = {
    box: ["[", "]"],
    rounded: ["(", ")"],
    cylinder: ["[(", ")]"],
    circle: ["((", "))"],
    stadium: ["([", "])"],
};

const ARROWS: Record<FlowKind, string> = { traffic: "-->", data: "-.->" };

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const nodeLine = (n: TopologyNode): string => {
    const [open, close] = SHAPES[n.shape];
    return `${n.id}${open}${label(n.lines)}${close}`;
};

export function toMermaid(t: Topology, direction: "LR" | "TB" = "LR"): string {
    const out: string[] = [`flowchart ${direction}`];
    const childGroups = (parent: string | undefined): TopologyGroup[] => t.groups.filter((g) => g.parent === parent).sort(byId);
    const childNodes = (group: string | undefined): TopologyNode[] => t.nodes.filter((n) => n.group === group).sort(byId);
    const walk = (parent: string | undefined, depth: number): void => {
        const pad = "  ".repeat(depth);
        for (const n of childNodes(parent)) out.push(`${pad}${nodeLine(n)}`);
        for (const g of childGroups(parent)) {
            out.push(`${pad}subgraph ${g.id}[${label([g.title])}]`);
            walk(g.id, depth + 1);
            out.push(`${pad}end`);
        }
    };
    walk(undefined, 1);
    const edges = [...t.edges].sort((a, b) => a.kind.localeCompare(b.kind) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    for (const e of edges) {
        const text = e.labels.length ? `|${label([e.labels.join(" · ")])}|` : "";
        out.push(`  ${e.from} ${ARROWS[e.kind]}${text} ${e.to}`);
    }
    return `${out.join("\n")}\n`;
}
