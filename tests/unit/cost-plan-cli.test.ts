import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");

/** What `npm run plan -- ...args` runs. */
function plan(...args: string[]) {
    return spawnSync(process.execPath, ["scripts/launch.js", "plan", ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
}

/** Pulumi.prod.yaml with extra `slipway:` lines appended to its config section. */
function prodWith(extra: string): string {
    const dir = mkdtempSync(join(tmpdir(), "slipway-cost-"));
    const file = join(dir, "Pulumi.costs.yaml");
    writeFileSync(file, `${readFileSync(resolve(root, "Pulumi.prod.yaml"), "utf8").trimEnd()}\n${extra}`);
    return file;
}

interface CostLine {
    urn: string;
    type: string;
    monthlyUsd: number;
    basis: string;
}

describe("npm run plan: cost estimate", () => {
    it("--json carries the cost block: total, currency, price date, region, lines, not priced, assumptions", () => {
        const r = plan("--stack", "prod", "--json");
        expect(r.status, r.stderr).toBe(0);
        const { cost, resources } = JSON.parse(r.stdout);
        expect(Object.keys(cost).sort()).toEqual(["assumptions", "assumptionsUsed", "currency", "lines", "monthlyUsd", "notPriced", "priceDate", "region"]);
        expect(cost).toMatchObject({ monthlyUsd: 562.46, currency: "USD", priceDate: "2025-06-01", region: "us-east-1", notPriced: [] });
        for (const l of cost.lines as CostLine[]) expect(Object.keys(l).sort()).toEqual(["basis", "monthlyUsd", "type", "urn"]);
        const custom = (resources as { type: string }[]).filter((x) => !x.type.startsWith("slipway:components:") && !x.type.startsWith("pulumi:providers:"));
        expect(cost.lines).toHaveLength(custom.length);
        expect(cost.assumptions).toMatchObject({ dataTransferOutGb: 100, requestsMillions: 30, natProcessedGb: 50 });
    });

    it("prints the cost section after the policy verdicts", () => {
        const r = plan("--stack", "dev");
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^Cost estimate: \$39\.80\/month \(USD, list prices as of 2025-06-01, region fra1; /m);
        expect(r.stdout).toMatch(/^ {2}28\.80 {2}vps-droplet \(digitalocean:index:Droplet\): s-2vcpu-4gb \$24\.00 \+ weekly backups/m);
        expect(r.stdout).toMatch(/^ {2}39\.80 {2}total for 4 priced resources; \d+ more at no charge/m);
        expect(r.stdout).toMatch(/^ {2}Not priced: none$/m);
        expect(r.stdout.indexOf("Cost estimate:")).toBeGreaterThan(r.stdout.indexOf("Policy:"));
    });

    it("applies slipway:costAssumptions from the stack file", () => {
        const r = plan("--stack", "costs", "--config-file", prodWith("  slipway:costAssumptions:\n    natProcessedGb: 300\n"), "--json");
        expect(r.status, r.stderr).toBe(0);
        const { cost } = JSON.parse(r.stdout);
        const nat = (cost.lines as CostLine[]).find((l) => l.urn.endsWith("::net-nat-1"));
        // 730 × 0.045 + 300/3 GB × 0.045
        expect(nat).toMatchObject({ monthlyUsd: 37.35, basis: expect.stringContaining("100 GB processed (natProcessedGb 300 ÷ 3)") });
        // Each of the three gateways moves from 33.60 to 37.35.
        expect(cost.monthlyUsd).toBeCloseTo(562.46 + 3 * 3.75, 2);
        expect(cost.assumptions.natProcessedGb).toBe(300);
    });

    it("exits 2 with one line for a bad assumption", () => {
        const file = prodWith("  slipway:costAssumptions:\n    requestsMillions: -1\n");
        const r = plan("--stack", "costs", "--config-file", file, "--json");
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        // The file as the user gave it on the command line, not only its base name.
        expect(r.stderr.trim()).toBe(`${file}: slipway:costAssumptions.requestsMillions is -1; expected a number from 0 to 1000000 (million HTTP requests per month)`);
    });
});
