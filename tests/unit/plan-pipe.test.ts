/**
 * `--json` is pipeable exactly as a user types it: the README's command line run through a shell,
 * npm and all, with its stdout piped to a JSON parser. npm prints a `> slipway@0.1.0 plan` banner
 * on stdout unless its loglevel is silent (.npmrc); `npx slipway` (package.json "bin") never does.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const hasJq = spawnSync("sh", ["-c", "command -v jq"]).status === 0;
// jq when the machine has it (the README's line); otherwise node, which parses as strictly.
const parser = hasJq ? "jq ." : `node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8"))))'`;

/** Runs `line | <parser>` in bash with pipefail, in the repository, as a user's shell would. */
function pipe(line: string) {
    return spawnSync("bash", ["-o", "pipefail", "-c", `${line} | ${parser}`], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
}

describe("plan --json in a pipe", () => {
    it.each(["npm run plan -- --stack prod --json", "npx slipway plan --stack prod --json"])("%s | jq . gets one JSON document", (line) => {
        const r = pipe(line);
        expect(r.status, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout);
        expect(doc.stack).toBe("prod");
        expect(doc.target).toBe("aws");
        expect(doc.resources.length).toBeGreaterThan(100);
    });

    it("the unpiped stdout is the document alone: no npm banner before it, nothing after", () => {
        const r = spawnSync("bash", ["-c", "npm run plan -- --stack local --json"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.startsWith("{\n")).toBe(true);
        expect(r.stdout.endsWith("}\n")).toBe(true);
        expect(JSON.parse(r.stdout).stack).toBe("local");
    });

    it("npx slipway refuses an unknown command with exit 2 and one line", () => {
        const r = spawnSync("bash", ["-c", "npx slipway deploy --stack prod"], { cwd: root, encoding: "utf8", timeout: 60_000 });
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^slipway: unknown command "deploy"; expected one of plan, render/)]);
    });
});
