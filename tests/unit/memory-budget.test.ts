import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { budgetTable, memoryBudget, osReserveMiB } from "../../components/shared/memory-budget";
import { toRuntimeConfig } from "../../offline/stack-config";
import { parseStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config-errors";
import { payloadMemory, planPayloadMemory } from "../../stacks/memory-budget";

const root = resolve(__dirname, "../..");

/** A shipped stack file's `slipway:` config, parsed the way the program parses it. */
function stackConfig(stack: string, patch: (raw: Record<string, unknown>) => void = () => {}) {
    const doc = parse(readFileSync(resolve(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const { config, secretKeys } = toRuntimeConfig(doc.config);
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith("slipway:")) raw[k.slice(8)] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
    patch(raw);
    return parseStackConfig(raw, { stackFile: `Pulumi.${stack}.yaml`, secretKeys: new Set(secretKeys.map((k) => k.slice(8))) });
}

describe("memoryBudget (pure)", () => {
    it("sums limits, counts create-before-delete containers twice and keeps max(512 MiB, 10%) for the OS", () => {
        const b = memoryBudget(4096, [
            { name: "app-0", memoryMiB: 256, createBeforeDelete: true },
            { name: "db", memoryMiB: 768 },
        ]);
        expect(b).toMatchObject({ limitsMiB: 1024, surgeMiB: 256, reserveMiB: 512, totalMiB: 1792, fits: true });
        expect(osReserveMiB(2048)).toBe(512);
        expect(osReserveMiB(8192)).toBe(820);
        expect(memoryBudget(1024, [{ name: "x", memoryMiB: 513 }]).fits).toBe(false);
        expect(memoryBudget(1024, [{ name: "x", memoryMiB: 512 }]).fits).toBe(true);
    });

    it("refuses a container without a positive limit and a host without memory", () => {
        expect(() => memoryBudget(4096, [{ name: "x", memoryMiB: 0 }])).toThrow(/x\.memoryMiB is 0; expected a positive memory limit in MiB/);
        expect(() => memoryBudget(0, [])).toThrow(/positive number of MiB/);
    });
});

describe("the payload's memory plan", () => {
    it("the shipped dev stack fits its s-2vcpu-4gb droplet: 3040 MiB of limits + 512 surge + 512 reserve = 4064 of 4096", () => {
        const plan = planPayloadMemory(stackConfig("dev"), { memoryMiB: 4096, key: "slipway:vps.size", shown: "s-2vcpu-4gb" }, true);
        expect(plan.budget).toMatchObject({ limitsMiB: 3040, surgeMiB: 512, reserveMiB: 512, totalMiB: 4064, hostMiB: 4096, fits: true });
        // PostgreSQL and Redis are sized from the host; their tuning follows their limits.
        expect(plan).toMatchObject({ databaseMiB: 768, cacheMiB: 256, backupsMiB: 256 });
        console.log(`dev memory budget:\n${budgetTable(plan.budget).join("\n")}`);
    });

    it("the shipped local stack fits its planned 4096 MiB (no certbot)", () => {
        const b = planPayloadMemory(stackConfig("local"), { memoryMiB: 4096, key: "slipway:local.memoryMiB", shown: "4096" }, false).budget;
        expect(b.containers.map((c) => c.name)).not.toContain("web-certbot");
        expect(b.fits).toBe(true);
    });

    it("refuses a stack that does not fit with one ConfigError line naming the keys to change", () => {
        const config = stackConfig("dev", (raw) => {
            (raw.app as Record<string, unknown>).memoryMiB = 512;
        });
        let error: unknown;
        try {
            planPayloadMemory(config, { memoryMiB: 4096, key: "slipway:vps.size", shown: "s-2vcpu-4gb" }, true);
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message.split("\n")).toHaveLength(1);
        expect(message).toMatch(/^Pulumi\.dev\.yaml: the Docker payload needs 5088 MiB but slipway:vps\.size s-2vcpu-4gb has 4096 MiB/);
        for (const key of ["slipway:app.memoryMiB (512 × 2 replicas", "slipway:app.replicas", "slipway:database.memoryMiB (768)", "slipway:cache.memoryMiB (256)", "slipway:backups.memoryMiB (256)", "raise slipway:vps.size"]) {
            expect(message).toContain(key);
        }
    });

    it("honours the memory keys: a smaller PostgreSQL makes room", () => {
        const config = stackConfig("dev", (raw) => {
            (raw.app as Record<string, unknown>).memoryMiB = 320;
            raw.database = { ...(raw.database as object), memoryMiB: 512 };
        });
        expect(payloadMemory(config, 4096, true).budget.fits).toBe(true);
    });
});

describe("npm run plan and the memory budget", () => {
    it("exits 2 with the budget line for a dev stack on a 2 GiB droplet", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-budget-"));
        const file = join(dir, "Pulumi.small.yaml");
        writeFileSync(file, readFileSync(resolve(root, "Pulumi.dev.yaml"), "utf8").replace("size: s-2vcpu-4gb", "size: s-1vcpu-2gb"));
        const r = spawnSync(process.execPath, ["scripts/launch.js", "plan", "--stack", "small", "--config-file", file], { cwd: root, encoding: "utf8", timeout: 120_000 });
        expect(r.status, r.stderr).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/slipway:vps\.size s-1vcpu-2gb has 2048 MiB/);
    });
});
