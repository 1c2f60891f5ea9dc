import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configKeyRows, configReferencePath, renderConfigReference } from "../../scripts/config-reference";
import { ConfigError } from "../../stacks/config-errors";
import { parseStackConfig } from "../../stacks/config";
import { secretKeys, stackConfigSchema, targets } from "../../stacks/config-schema";
import { loadStackFile } from "../../offline/stack-config";

const root = join(__dirname, "..", "..");
const shippedStacks = { prod: "aws", dev: "vps", local: "local" } as const;

/** The `slipway:` namespace of a shipped stack file as the program receives it (objects parsed). */
function rawConfig(stack: string): { raw: Record<string, unknown>; secretKeys: Set<string> } {
    const loaded = loadStackFile(join(root, `Pulumi.${stack}.yaml`));
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(loaded.config)) {
        if (!key.startsWith("slipway:")) continue;
        raw[key.slice("slipway:".length)] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return { raw, secretKeys: new Set(loaded.secretKeys.map((k) => k.slice("slipway:".length))) };
}

/** Every key path set in a config, objects included (`app`, `app.image`, …). */
function presentPaths(value: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(value).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        const nested = v && typeof v === "object" && !Array.isArray(v) ? presentPaths(v as Record<string, unknown>, path) : [];
        return [path, ...nested];
    });
}

function without(raw: Record<string, unknown>, path: string): Record<string, unknown> {
    const copy = structuredClone(raw);
    const parts = path.split(".");
    let node = copy as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
    delete node[parts[parts.length - 1]];
    return copy;
}

/** The targets a row's "required" column names. */
function requiredFor(when: string | undefined): string[] {
    if (when === undefined) return [];
    if (when === "always") return [...targets];
    const m = /^target is (.+)$/.exec(when);
    if (!m) throw new Error(`requiredWhen "${when}" is neither "always" nor "target is …"`);
    return m[1].split(/,\s*|\s+or\s+/);
}

describe("config reference (docs/config-reference.md)", () => {
    it("the committed file is what the schema generates", () => {
        const committed = readFileSync(configReferencePath, "utf8");
        expect(committed, "docs/config-reference.md is stale: run `npm run docs:config` and commit the result").toBe(renderConfigReference());
    });

    it("lists every key the schema accepts, each once, with a description", () => {
        // An independent walk over the schema's JSON Schema form.
        const fromJsonSchema = (node: { properties?: Record<string, object> }, prefix = ""): string[] =>
            Object.entries(node.properties ?? {}).flatMap(([k, child]) => {
                const path = prefix ? `${prefix}.${k}` : k;
                return [path, ...fromJsonSchema(child as { properties?: Record<string, object> }, path)];
            });
        const expected = fromJsonSchema(z.toJSONSchema(stackConfigSchema, { unrepresentable: "any" }) as { properties?: Record<string, object> });
        const rows = configKeyRows();
        expect(rows.map((r) => r.path)).toEqual(expected);
        expect(expected.length).toBeGreaterThan(90);
        for (const r of rows) expect(r.doc.description.length, r.path).toBeGreaterThan(10);
        const page = renderConfigReference();
        for (const path of expected) expect(page).toContain(`| \`slipway:${path}\` |`);
    });

    it("marks exactly the secret keys as secret", () => {
        expect(configKeyRows().filter((r) => r.secret).map((r) => r.path)).toEqual([...secretKeys]);
    });

    it("a key without reference text fails the generator with the key's name", () => {
        const bare = z.strictObject({ documented: stackConfigSchema.shape.target, undocumented: z.string() }).partial();
        expect(() => configKeyRows(bare)).toThrow("slipway:undocumented has no reference text");
    });

    it.each(Object.entries(shippedStacks))("the required column matches what stacks/config.ts enforces for %s (target %s)", (stack, target) => {
        const { raw, secretKeys: secret } = rawConfig(stack);
        const parse = (r: Record<string, unknown>) => parseStackConfig(r, { stackFile: `Pulumi.${stack}.yaml`, secretKeys: secret });
        expect(() => parse(raw)).not.toThrow();

        const rows = new Map(configKeyRows().map((r) => [r.path, r]));
        const leaves = presentPaths(raw).filter((p) => rows.has(p) && !rows.get(p)!.section);
        const enforced = leaves.filter((path) => {
            try {
                parse(without(raw, path));
                return false;
            } catch (e) {
                expect(e).toBeInstanceOf(ConfigError);
                return (e as Error).message.startsWith(`Pulumi.${stack}.yaml: slipway:${path} is missing;`);
            }
        });
        const documented = [...rows.values()].filter((r) => requiredFor(r.doc.requiredWhen).includes(target)).map((r) => r.path);
        expect(enforced.sort()).toEqual(documented.sort());
        expect(enforced).toContain("target");
    });
});
