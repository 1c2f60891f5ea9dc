import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { badInputs, planBadInput, writeBadInput } from "../helpers/bad-inputs";

const root = resolve(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "slipway-bad-inputs-"));

/**
 * One error contract for every bad input (issue 13 item 4): each row is one mutation of a
 * shipped stack file, and the plan refuses it with exit 2 and one line naming the file as
 * given, the key, the value and what is allowed — the schema's checks, the stacks' and the
 * components' alike.
 */
describe("every bad input exits 2 with one line naming file, key, value and what is allowed", () => {
    it("covers at least 40 inputs across the three targets", () => {
        expect(badInputs.length).toBeGreaterThanOrEqual(40);
        expect(new Set(badInputs.map((r) => r.stack))).toEqual(new Set(["prod", "dev", "local"]));
    });

    badInputs.forEach((row, i) => {
        it(`${row.stack}: ${row.input}`, async () => {
            const file = writeBadInput(row, dir, i);
            const r = await planBadInput(row, file);
            expect(r.message).toBe(row.message.split("{file}").join(file));
            expect(r.exit).toBe(row.exit);
            expect(r.message).not.toContain("\n");
        });
    });
});

describe("the plan CLI prints the same line with exit 2", () => {
    // A component check (no schema rule catches a port below 1024 on Docker), a YAML syntax
    // error and a missing file, through the real command line with a relative path.
    const picks = ["app.port 8080 → 80 (below 1024, non-root app)", "YAML: bad indentation", "--config-file pointing at a file that does not exist"];
    for (const input of picks) {
        it(input, () => {
            const i = badInputs.findIndex((r) => r.input === input && (r.stack === "dev" || !r.mutate));
            const row = badInputs[i];
            const given = `./${relative(root, writeBadInput(row, dir, i))}`;
            const r = spawnSync(process.execPath, ["scripts/launch.js", "plan", "--stack", row.stack, "--config-file", given], { cwd: root, encoding: "utf8", timeout: 120_000 });
            expect(r.status, r.stderr).toBe(2);
            expect(r.stdout).toBe("");
            expect(r.stderr).toBe(`${row.message.split("{file}").join(given)}\n`);
        });
    }
});
