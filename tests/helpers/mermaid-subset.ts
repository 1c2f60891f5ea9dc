/**
 * A strict reader for the subset of Mermaid `flowchart` syntax offline/topology/mermaid.ts
 * emits. It rejects any line outside that subset (and is stricter than Mermaid, which for
 * instance tolerates a raw quote inside a quoted label), so a diagram that passes is one
 * Mermaid's grammar reads as intended: the three shipped stacks' diagrams were compared with
 * what mermaid 11.17.2 and 12.3.0 (under jsdom 29) parse, node for node and edge for edge. It
 * returns the structure so tests can assert on what the README actually shows.
 */

export interface ParsedNode {
    id: string;
    shape: string;
    /** Label lines with Mermaid's entity codes decoded. */
    lines: string[];
    /** Enclosing subgraph ids, innermost first. */
    ancestors: string[];
}
export interface ParsedGroup {
    id: string;
    title: string;
    ancestors: string[];
}
export interface ParsedEdge {
    from: string;
    to: string;
    style: "solid" | "dotted";
    label: string;
}
export interface ParsedFlowchart {
    nodes: Map<string, ParsedNode>;
    groups: Map<string, ParsedGroup>;
    edges: ParsedEdge[];
}

const ID = "[A-Za-z][A-Za-z0-9_]*";
// Inside quotes: no raw quote, no line break, `#` only as an entity code `#name;` / `#123;`,
// `<` only in `<br/>`, no `>`, `&`, `|` or backtick (they must arrive as entity codes).
const TEXT = '(?:[^"#<>&|`\\n]|#[a-z]+;|#\\d+;|<br/>)*';
const QUOTED = `"(${TEXT})"`;
const SHAPES: [string, string, string][] = [
    ["cylinder", "\\[\\(", "\\)\\]"],
    ["circle", "\\(\\(", "\\)\\)"],
    ["stadium", "\\(\\[", "\\]\\)"],
    ["box", "\\[", "\\]"],
    ["rounded", "\\(", "\\)"],
];
const NODE_LINES = SHAPES.map(([shape, open, close]) => ({ shape, re: new RegExp(`^(${ID})${open}${QUOTED}${close}$`) }));
const SUBGRAPH = new RegExp(`^subgraph (${ID})\\[${QUOTED}\\]$`);
const EDGE = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|${QUOTED}\\|)? (${ID})$`);
// Words Mermaid's flowchart lexer treats as keywords, and ids it reads as edge markers.
const RESERVED = /^(end|subgraph|graph|flowchart|style|classDef|class|click|linkStyle|direction)$/i;

const NAMED: Record<string, string> = { quot: '"', lt: "<", gt: ">", amp: "&" };
export const decodeEntities = (s: string): string =>
    s.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/#([a-z]+);/g, (m, name: string) => NAMED[name] ?? m);

const checkId = (id: string, line: number): string => {
    if (RESERVED.test(id)) throw new Error(`line ${line}: id "${id}" is a Mermaid keyword`);
    return id;
};

export function parseFlowchart(text: string): ParsedFlowchart {
    const lines = text.split("\n");
    if (lines[lines.length - 1] !== "") throw new Error("diagram must end with a newline");
    if (!/^flowchart (LR|TB|TD|RL|BT)$/.test(lines[0])) throw new Error(`line 1: expected "flowchart LR", got "${lines[0]}"`);
    const nodes = new Map<string, ParsedNode>();
    const groups = new Map<string, ParsedGroup>();
    const edges: ParsedEdge[] = [];
    const stack: string[] = [];
    for (let i = 1; i < lines.length - 1; i++) {
        const n = i + 1;
        const raw = lines[i];
        const indent = /^( *)/.exec(raw)![1].length;
        const line = raw.trim();
        if (raw !== raw.trimEnd()) throw new Error(`line ${n}: trailing whitespace`);
        // `end` sits at its subgraph's indentation, everything else one level inside.
        const expected = 2 * (line === "end" ? stack.length : stack.length + 1);
        if (indent !== expected) throw new Error(`line ${n}: indentation ${indent} does not match nesting depth ${stack.length}`);
        let m: RegExpExecArray | null;
        if ((m = SUBGRAPH.exec(line))) {
            const id = checkId(m[1], n);
            if (groups.has(id) || nodes.has(id)) throw new Error(`line ${n}: id ${id} declared twice`);
            groups.set(id, { id, title: decodeEntities(m[2]), ancestors: [...stack].reverse() });
            stack.push(id);
            continue;
        }
        if (line === "end") {
            if (!stack.pop()) throw new Error(`line ${n}: "end" without subgraph`);
            continue;
        }
        if ((m = EDGE.exec(line))) {
            if (stack.length) throw new Error(`line ${n}: edges are expected after every subgraph is closed`);
            edges.push({ from: checkId(m[1], n), to: checkId(m[4], n), style: m[2] === "-->" ? "solid" : "dotted", label: decodeEntities(m[3] ?? "") });
            continue;
        }
        const node = NODE_LINES.map(({ shape, re }) => ({ shape, m: re.exec(line) })).find((x) => x.m);
        if (!node?.m) throw new Error(`line ${n}: not in the emitted Mermaid subset: ${line}`);
        const id = checkId(node.m[1], n);
        if (nodes.has(id) || groups.has(id)) throw new Error(`line ${n}: id ${id} declared twice`);
        nodes.set(id, { id, shape: node.shape, lines: node.m[2].split("<br/>").map(decodeEntities), ancestors: [...stack].reverse() });
    }
    if (stack.length) throw new Error(`subgraph ${stack[stack.length - 1]} is never closed`);
    for (const e of edges) {
        for (const end of [e.from, e.to]) if (!nodes.has(end) && !groups.has(end)) throw new Error(`edge ${e.from} → ${e.to}: ${end} is not declared`);
    }
    return { nodes, groups, edges };
}
