import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { secretKeys, stackConfigSchema } from "../../stacks/config-schema";

const root = resolve(__dirname, "../..");
const project = parse(readFileSync(resolve(root, "Pulumi.yaml"), "utf8"));

describe("Pulumi.yaml", () => {
    it("is a TypeScript nodejs project named slipway", () => {
        expect(project.name).toBe("slipway");
        expect(project.runtime.name).toBe("nodejs");
        expect(project.runtime.options.typescript).toBe(true);
    });

    it("declares exactly the keys the schema accepts, each with a description", () => {
        const declared = Object.keys(project.template.config).map((k) => k.replace(/^slipway:/, ""));
        expect(declared.sort()).toEqual(Object.keys(stackConfigSchema.shape).sort());
        for (const [key, decl] of Object.entries(project.template.config as Record<string, { description?: string }>)) {
            expect(decl.description, key).toMatch(/^\((string|object)/);
        }
    });

    it("marks the secret keys secret", () => {
        for (const key of secretKeys) expect(project.template.config[`slipway:${key}`].secret).toBe(true);
    });
});
