/**
 * The generated topology diagrams in docs/architecture.md: one fenced Mermaid block per stack
 * between `<!-- diagram:<stack>:start -->` and `<!-- diagram:<stack>:end -->`. scripts/diagrams.ts
 * rewrites them; tests/unit/diagram.test.ts reads them back and compares with the graph.
 */

/** The stacks whose diagrams the document shows. */
export const DIAGRAM_STACKS = ["prod", "dev"] as const;

/** The document that holds them, relative to the repository root. */
export const DIAGRAM_DOC = "docs/architecture.md";

/** How to regenerate the blocks (named in the stale-diagram test failure). */
export const REGENERATE_COMMAND = "npm run docs:diagrams";

const markers = (stack: string): [string, string] => [`<!-- diagram:${stack}:start -->`, `<!-- diagram:${stack}:end -->`];

function span(doc: string, stack: string): { start: number; end: number } {
    const [open, close] = markers(stack);
    const start = doc.indexOf(open);
    const end = doc.indexOf(close);
    if (start < 0 || end < start) throw new Error(`${DIAGRAM_DOC} has no ${open} … ${close} block`);
    if (doc.indexOf(open, start + 1) >= 0) throw new Error(`${DIAGRAM_DOC} has ${open} twice`);
    return { start: start + open.length, end };
}

/** The Mermaid text between a stack's markers (without the fence), as the document holds it. */
export function readDiagramBlock(doc: string, stack: string): string {
    const { start, end } = span(doc, stack);
    const m = /^\s*```mermaid\n([\s\S]*?)```\s*$/.exec(doc.slice(start, end));
    if (!m) throw new Error(`${DIAGRAM_DOC} diagram:${stack} block is not one fenced mermaid block`);
    return m[1];
}

/** The document with a stack's block replaced by `mermaid` (which ends with a newline). */
export function writeDiagramBlock(doc: string, stack: string, mermaid: string): string {
    const { start, end } = span(doc, stack);
    return `${doc.slice(0, start)}\n\`\`\`mermaid\n${mermaid}\`\`\`\n${doc.slice(end)}`;
}
