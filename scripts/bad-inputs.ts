/**
 * `npx tsx scripts/bad-inputs.ts` — prints the bad-input table (tests/helpers/bad-inputs.ts) as
 * markdown: each input, the exit code and the one line the plan prints for it, measured now by
 * planning every row (the same runs tests/unit/bad-inputs.test.ts asserts). `{file}` stands for
 * the stack file's path as given.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badInputs, planBadInput, writeBadInput } from "../tests/helpers/bad-inputs";

async function main(): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "slipway-bad-inputs-"));
    const cell = (s: string): string => s.replace(/\|/g, "\\|");
    const out = ["| target (stack) | input | exit | message |", "|---|---|---|---|"];
    const targets = { prod: "aws (prod)", dev: "vps (dev)", local: "local (local)" };
    let i = 0;
    let mismatches = 0;
    for (const row of badInputs) {
        const file = writeBadInput(row, dir, i++);
        const r = await planBadInput(row, file);
        const message = r.message.split(file).join("{file}");
        if (r.exit !== row.exit || message !== row.message) mismatches++;
        out.push(`| ${targets[row.stack]} | ${cell(row.input)} | ${r.exit} | \`${cell(message)}\` |`);
    }
    out.push("", `${badInputs.length} inputs; ${mismatches} differ from the expected exit code and message.`);
    process.stdout.write(`${out.join("\n")}\n`);
}

main().catch((e) => {
    process.stderr.write(`bad-inputs failed: ${(e as Error).message}\n`);
    process.exit(1);
});
