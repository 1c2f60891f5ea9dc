/**
 * The README's generated topology diagrams: one fenced Mermaid block per stack between
 * `<!-- diagram:<stack>:start -->` and `<!-- diagram:<stack>:end -->`. scripts/diagrams.ts
 * rewrites them; tests/unit/diagram.test.ts reads them back and compares with the graph.
 */

/** The stacks whose diagrams the README shows. */
export const README_DIAGRAM_STACKS = ["prod", "dev"] as const;

/** How to regenerate the README blocks (named in the stale-README test failure). */
export const REGENERATE_COMMAND = "npx tsx scripts/diagrams.ts";

const markers = (stack: string): [string, string] => [`<!-- diagram:${stack}:start -->`, `<!-- diagram:${stack}:end -->`];

function span(readme: string, stack: string): { start: number; end: number } {
    const [open, close] = markers(stack);
    const start = readme.indexOf(open);
    const end = readme.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
    if (readme.indexOf(open, start + 1) >= 0) throw new Error(`README.md has ${open} twice`);
    return { start: start + open.length, end };
}

/** The Mermaid text between a stack's markers (without the fence), as the README holds it. */
export function readDiagramBlock(readme: string, stack: string): string {
    const { start, end } = span(readme, stack);
    const m = /^\s*```mermaid\n([\s\S]*?)```\s*$/.exec(readme.slice(start, end));
    if (!m) throw new Error(`README.md diagram:${stack} block is not one fenced mermaid block`);
    return m[1];
}

/** The README with a stack's block replaced by `mermaid` (which ends with a newline). */
export function writeDiagramBlock(readme: string, stack: string, mermaid: string): string {
    const { start, end } = span(readme, stack);
    return `${readme.slice(0, start)}\n\`\`\`mermaid\n${mermaid}\`\`\`\n${readme.slice(end)}`;
}
