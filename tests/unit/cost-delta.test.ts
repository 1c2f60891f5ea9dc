import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CostBlock, changedLines, costBlockOf, maxLinesPerStack, readStackCosts, renderCostDelta, signedUsd, usd } from "../../scripts/cost-delta";

const root = join(__dirname, "..", "..");
const urn = (name: string, type = "aws:ec2/natGateway:NatGateway") => `urn:pulumi:prod::slipway::${type}::${name}`;
const line = (name: string, monthlyUsd: number, type?: string) => ({ urn: urn(name, type), type: type ?? "aws:ec2/natGateway:NatGateway", monthlyUsd, basis: "test" });
const block = (lines: CostBlock["lines"], extra: Partial<CostBlock> = {}): CostBlock => ({
    monthlyUsd: Math.round(lines.reduce((a, l) => a + l.monthlyUsd, 0) * 100) / 100,
    currency: "USD",
    priceDate: "2026-11-01",
    region: "us-east-1",
    lines,
    notPriced: [],
    ...extra,
});

const tmp = mkdtempSync(join(tmpdir(), "cost-delta-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `<dir>/base/<stack>.json` and `<dir>/head/<stack>.json` (text as given) and returns both directories. */
function planDirs(dir: string, files: { base: Record<string, string>; head: Record<string, string> }): { base: string; head: string } {
    const dirs = { base: join(tmp, dir, "base"), head: join(tmp, dir, "head") };
    for (const side of ["base", "head"] as const) {
        mkdirSync(dirs[side], { recursive: true });
        for (const [stack, text] of Object.entries(files[side])) writeFileSync(join(dirs[side], `${stack}.json`), text);
    }
    return dirs;
}
const planWithCost = (cost: CostBlock): string => JSON.stringify({ stack: "prod", resources: [], cost });

describe("money formatting", () => {
    it("formats dollars with thousands separators and a sign for changes", () => {
        expect(usd(1234.5)).toBe("$1,234.50");
        expect(signedUsd(12)).toBe("+$12.00");
        expect(signedUsd(-3.504)).toBe("-$3.50");
        expect(signedUsd(0.001)).toBe("$0.00");
    });
});

describe("changedLines", () => {
    it("lists new, removed and changed resources by size of change, and leaves unchanged ones out", () => {
        const base = block([line("nat-a", 32.85), line("nat-b", 32.85), line("db", 100), line("gone", 5)]);
        const head = block([line("nat-a", 32.85), line("db", 150), line("gone", 5.004), line("new", 1)]);
        expect(changedLines(base, head)).toEqual([
            { urn: urn("db"), type: "aws:ec2/natGateway:NatGateway", base: 100, head: 150, delta: 50 },
            { urn: urn("nat-b"), type: "aws:ec2/natGateway:NatGateway", base: 32.85, head: undefined, delta: -32.85 },
            { urn: urn("new"), type: "aws:ec2/natGateway:NatGateway", base: undefined, head: 1, delta: 1 },
        ]);
    });
});

describe("renderCostDelta", () => {
    it("renders totals and the changed lines (hand-computed example)", () => {
        const base = block([line("web-service", 70.08, "aws:ecs/service:Service"), line("nat-0", 32.85), line("nat-1", 32.85), line("nat-2", 32.85)]);
        const head = block([line("web-service", 116.8, "aws:ecs/service:Service"), line("nat-0", 32.85)]);
        const md = renderCostDelta([
            { stack: "dev", base: block([line("droplet", 24, "digitalocean:index/droplet:Droplet")], { region: "fra1" }), head: block([line("droplet", 24, "digitalocean:index/droplet:Droplet")], { region: "fra1" }) },
            { stack: "prod", base, head },
        ]);
        // prod: 70.08 + 3 × 32.85 = 168.63 → 116.80 + 32.85 = 149.65, so -18.98 (-11.3%); web +46.72, two NATs -32.85 each.
        expect(md).toBe(
            [
                "### Monthly cost estimate",
                "",
                "From `npm run plan -- --stack <name> --json` on the base and head commits (on-demand list prices; usage from `slipway:costAssumptions`).",
                "",
                "| stack | base | head | change |",
                "|---|---:|---:|---:|",
                "| dev | $24.00 | $24.00 | no change |",
                "| prod | $168.63 | $149.65 | **-$18.98** (-11.3%) |",
                "",
                "<details><summary><b>prod</b>: 3 lines changed</summary>",
                "",
                "| resource | type | base | head | change |",
                "|---|---|---:|---:|---:|",
                "| `web-service` | `aws:ecs/service:Service` | $70.08 | $116.80 | +$46.72 |",
                "| `nat-1` | `aws:ec2/natGateway:NatGateway` | $32.85 | — | removed, -$32.85 |",
                "| `nat-2` | `aws:ec2/natGateway:NatGateway` | $32.85 | — | removed, -$32.85 |",
                "",
                "</details>",
                "",
                "Prices: dev: fra1 prices of 2026-11-01; prod: us-east-1 prices of 2026-11-01.",
                "",
            ].join("\n"),
        );
    });

    it("says when the base has no estimate or the head plan failed, without inventing a change", () => {
        const head = block([line("x", 10)]);
        const md = renderCostDelta([
            { stack: "dev", base: undefined, head },
            { stack: "prod", base: head, head: undefined },
        ]);
        expect(md).toContain("| dev | no estimate | $10.00 | — |");
        expect(md).toContain("| prod | $10.00 | plan failed | — |");
        expect(md).not.toContain("<details>");
    });

    it(`lists at most ${maxLinesPerStack} lines per stack and sums the rest`, () => {
        const n = maxLinesPerStack + 5;
        const base = block(Array.from({ length: n }, (_, i) => line(`r${String(i).padStart(2, "0")}`, 10)));
        const head = block(Array.from({ length: n }, (_, i) => line(`r${String(i).padStart(2, "0")}`, 11)));
        const md = renderCostDelta([{ stack: "prod", base, head }]);
        expect(md.match(/^\| `r\d\d` /gm)).toHaveLength(maxLinesPerStack);
        expect(md).toContain("| … 5 more | | | | +$5.00 |");
        expect(md).toContain(`<b>prod</b>: ${n} lines changed`);
    });

    it("lists resources the head cannot price, and counts them below the table", () => {
        const base = block([line("a", 1)]);
        const head = block([line("a", 1)], { notPriced: [{ urn: urn("mystery", "aws:new/thing:Thing"), type: "aws:new/thing:Thing", reason: "no price for aws:new/thing:Thing" }] });
        const md = renderCostDelta([{ stack: "prod", base, head }]);
        expect(md).toContain("| `mystery` | `aws:new/thing:Thing` | | not priced | no price for aws:new/thing:Thing |");
        expect(md).toContain("Not priced, so not in the totals: prod 1 resources (see the plan).");
    });
});

describe("reading plan documents", () => {
    it("takes the cost block of a plan document and ignores anything else", () => {
        const cost = block([line("a", 1.5)]);
        expect(costBlockOf(planWithCost(cost))).toEqual(cost);
        expect(costBlockOf("")).toBeUndefined();
        expect(costBlockOf("plan failed: boom")).toBeUndefined();
        expect(costBlockOf(JSON.stringify({ stack: "prod", resources: [] }))).toBeUndefined();
        expect(costBlockOf(JSON.stringify({ cost: { monthlyUsd: "12" } }))).toBeUndefined();
    });

    it("pairs <stack>.json files of the two directories, a missing side as undefined", () => {
        const { base, head } = planDirs("read", { base: { prod: planWithCost(block([line("a", 2)])) }, head: { prod: planWithCost(block([line("a", 3)])), dev: "" } });
        const costs = readStackCosts(base, head);
        expect(costs.map((c) => [c.stack, c.base?.monthlyUsd, c.head?.monthlyUsd])).toEqual([
            ["dev", undefined, undefined],
            ["prod", 2, 3],
        ]);
    });
});

describe("the CLI (as the pull-request workflow runs it)", () => {
    const tsx = join(root, "node_modules", ".bin", "tsx");
    const run = (...args: string[]) => spawnSync(tsx, [join(root, "scripts", "cost-delta.ts"), ...args], { encoding: "utf8", timeout: 60_000 });

    it("writes the markdown to --out", () => {
        const { base, head } = planDirs("cli", { base: { prod: planWithCost(block([line("a", 2)])) }, head: { prod: planWithCost(block([line("a", 3)])) } });
        const out = join(tmp, "cli", "comment.md");
        const r = run("--base", base, "--head", head, "--out", out);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(readFileSync(out, "utf8")).toContain("| prod | $2.00 | $3.00 | **+$1.00** (+50.0%) |");
    });

    it("exits 2 with the usage when a directory is not given", () => {
        const r = run("--base", tmp);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("usage: npx tsx scripts/cost-delta.ts --base DIR --head DIR [--out FILE]");
    });
});

describe("with real offline plans (scripts/plan-json.sh, as the workflow runs it)", () => {
    it("turns two plans of the dev stack into a total and the lines that changed", () => {
        const dirs = planDirs("real", { base: {}, head: {} });
        const planJson = spawnSync("bash", [join(root, "scripts", "plan-json.sh"), dirs.base, "dev", "nosuch"], { cwd: root, encoding: "utf8", timeout: 120_000 });
        expect(planJson.status, planJson.stderr).toBe(0);
        expect(planJson.stdout).toContain("::warning::npm run plan -- --stack nosuch failed");
        expect(readFileSync(join(dirs.base, "nosuch.json"), "utf8")).toBe("");
        const base = costBlockOf(readFileSync(join(dirs.base, "dev.json"), "utf8"));
        expect(base, "the dev plan has a cost block").toBeDefined();

        // The head: the same stack with a bigger droplet.
        const config = join(tmp, "real", "Pulumi.dev.yaml");
        writeFileSync(config, readFileSync(join(root, "Pulumi.dev.yaml"), "utf8").replace("size: s-2vcpu-4gb", "size: s-4vcpu-8gb"));
        const plan = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", "dev", "--config-file", config, "--json"], { cwd: root, encoding: "utf8", timeout: 120_000 });
        expect([0, 3]).toContain(plan.status);
        writeFileSync(join(dirs.head, "dev.json"), plan.stdout);
        const head = costBlockOf(plan.stdout)!;

        const changes = changedLines(base!, head);
        expect(changes.map((c) => c.type)).toContain("digitalocean:index/droplet:Droplet");
        expect(changes.every((c) => c.delta > 0)).toBe(true);
        const md = renderCostDelta(readStackCosts(dirs.base, dirs.head));
        expect(md).toContain(`| dev | ${usd(base!.monthlyUsd)} | ${usd(head.monthlyUsd)} | **${signedUsd(head.monthlyUsd - base!.monthlyUsd)}**`);
        expect(md).toContain("| nosuch | — | plan failed | — |");
    });
});
