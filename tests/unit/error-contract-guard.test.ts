import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The error contract (issue 14 item 2, issue 13 item 4): a bad argument in components/ is a
 * ComponentArgError (one sentence naming the key, the value and what is allowed, no stack trace
 * under `pulumi up`); a problem outside the arguments is an EnvironmentError; a plain Error is
 * only for our own invariants, and says so with an "Internal:" prefix. This guard keeps the
 * count of other plain `throw new Error(` sites at 0.
 */
const root = join(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(p);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
    });
}

/** Each `throw new Error(` in `text` whose message (the first string literal after it) does not start with "Internal:". */
function plainThrows(text: string): { line: number; text: string }[] {
    const found: { line: number; text: string }[] = [];
    const re = /throw\s+new\s+Error\s*\(\s*/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        const rest = text.slice(m.index + m[0].length);
        if (/^(["'`])Internal:/.test(rest)) continue;
        const line = text.slice(0, m.index).split("\n").length;
        found.push({ line, text: text.split("\n")[line - 1].trim() });
    }
    return found;
}

describe("error contract guard", () => {
    it("finds a plain Error, whatever its quoting or line breaks, and lets an Internal: one pass", () => {
        const sample = [
            'throw new Error("Internal: ok");',
            "throw new Error(`Internal: ${x} ok`);",
            'if (x) throw new Error("bad x");',
            "throw new Error(\n    `bad ${y}`,\n);",
            "throw new Error(message);",
            "throw   new Error ( 'bad' );",
        ].join("\n");
        expect(plainThrows(sample).map((f) => f.line)).toEqual([3, 4, 7, 8]);
    });

    it("components/ throws no plain Error except Internal: invariants", () => {
        const files = tsFiles(join(root, "components"));
        expect(files.length).toBeGreaterThan(50);
        const offenders = files.flatMap((f) => plainThrows(readFileSync(f, "utf8")).map((t) => `${relative(root, f)}:${t.line}: ${t.text}`));
        expect(offenders, `plain Errors in components/ (use argError/ComponentArgError, EnvironmentError, or an "Internal:" message):\n${offenders.join("\n")}`).toEqual([]);
    });
});
