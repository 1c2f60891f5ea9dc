/**
 * `npm run docs:diagrams` — regenerates the topology diagrams in docs/architecture.md from the
 * current graphs of the stacks it shows (offline plan, no cloud account). Run it after a change
 * to the program that moves a resource or a flow; tests/unit/diagram.test.ts fails until you do.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDiagram } from "../offline/diagram";
import { DIAGRAM_DOC, DIAGRAM_STACKS, writeDiagramBlock } from "../offline/doc-diagrams";
import { runOffline } from "../offline/run";

async function main(): Promise<void> {
    const docPath = resolve(__dirname, "..", DIAGRAM_DOC);
    let doc = readFileSync(docPath, "utf8");
    for (const stack of DIAGRAM_STACKS) {
        const run = await runOffline({ stack });
        doc = writeDiagramBlock(doc, stack, renderDiagram(run.graph));
    }
    writeFileSync(docPath, doc);
    process.stdout.write(`${DIAGRAM_DOC}: diagrams for ${DIAGRAM_STACKS.join(", ")} regenerated\n`);
}

main().then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`diagrams failed: ${(e as Error).message}\n`);
        process.exit(1);
    },
);
