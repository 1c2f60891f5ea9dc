/**
 * The sample app's own tests (app/test/*.test.js, node:test) as part of `npm test`, so one
 * command runs every unit test. vitest cannot collect node:test suites, so each file runs under
 * `node --test` in app/ and is one test here; its TAP output is the failure message.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const app = resolve(__dirname, "../../app");
const files = readdirSync(resolve(app, "test"))
    .filter((f) => f.endsWith(".test.js"))
    .sort();

/** `# pass 12` style counters from node:test's TAP summary. */
function summary(tap: string): Record<string, number> {
    return Object.fromEntries([...tap.matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

describe("sample app (node --test in app/)", () => {
    it("has its dependencies installed and test files to run", () => {
        expect(existsSync(resolve(app, "node_modules/pg")), "app/node_modules is missing: run `npm ci --prefix app` (the root `npm ci` does it in postinstall)").toBe(true);
        expect(files.length).toBeGreaterThan(0);
    });

    it.each(files)("app/test/%s passes", (file) => {
        // The app reads its settings from the environment; vitest's own variables stay out of it.
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV"));
        const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", `test/${file}`], { cwd: app, env, encoding: "utf8", timeout: 120_000 });
        const counts = summary(r.stdout);
        expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
        // A file that defines no test exits 0 too, reported as one passing test named after the
        // file: it must have run tests of its own, and failed none.
        const own = [...r.stdout.matchAll(/^ok \d+ - (.*)$/gm)].filter((m) => !m[1].endsWith(`test/${file}`));
        expect(own.length, r.stdout).toBeGreaterThan(0);
        expect(counts.fail, r.stdout).toBe(0);
        expect(counts.cancelled, r.stdout).toBe(0);
    });
});
