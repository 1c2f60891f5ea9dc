/**
 * `npx tsx scripts/diagrams.ts` — regenerates the README's topology diagrams from the current
 * graphs of the stacks it shows (offline plan, no cloud account). Run it after a change to the
 * program that moves a resource or a flow; tests/unit/diagram.test.ts fails until you do.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDiagram } from "../offline/diagram";
import { README_DIAGRAM_STACKS, writeDiagramBlock } from "../offline/readme-diagrams";
import { runOffline } from "../offline/run";

async function main(): Promise<void> {
    const readmePath = resolve(__dirname, "..", "README.md");
    let readme = readFileSync(readmePath, "utf8");
    for (const stack of README_DIAGRAM_STACKS) {
        const run = await runOffline({ stack });
        readme = writeDiagramBlock(readme, stack, renderDiagram(run.graph));
    }
    writeFileSync(readmePath, readme);
    process.stdout.write(`README.md: diagrams for ${README_DIAGRAM_STACKS.join(", ")} regenerated\n`);
}

main().then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`diagrams failed: ${(e as Error).message}\n`);
        process.exit(1);
    },
);
