/**
 * The monthly cost change a pull request makes, as the markdown of one PR comment:
 *
 *     npx tsx scripts/cost-delta.ts --base plans/base --head plans/head [--out cost-delta.md]
 *
 * Each directory holds `<stack>.json`, the output of `npm run plan -- --stack <stack> --json`
 * for the base and the head commit (an empty or missing file: that plan failed). The table has
 * each stack's total before and after, then the lines that changed, biggest change first.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** The parts of the plan's `cost` block this report reads. */
export interface CostBlock {
    monthlyUsd: number;
    currency?: string;
    priceDate?: string;
    region?: string;
    lines: { urn: string; type: string; monthlyUsd: number; basis?: string }[];
    notPriced?: { urn: string; type: string; reason?: string }[];
}

/** One stack's two estimates; `undefined` when that side has none (plan failed, or no estimate yet). */
export interface StackCosts {
    stack: string;
    base?: CostBlock;
    head?: CostBlock;
}

/** A resource whose monthly amount differs between base and head (undefined: absent on that side). */
export interface LineChange {
    urn: string;
    type: string;
    base?: number;
    head?: number;
    delta: number;
}

/** Lines listed per stack before the rest are summarised. */
export const maxLinesPerStack = 25;

const cents = (n: number): number => Math.round(n * 100) / 100;

/** `$1,234.50` */
export function usd(n: number): string {
    return `$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$12.00`, `-$3.50`, or `$0.00`. */
export function signedUsd(n: number): string {
    const c = cents(n);
    return c > 0 ? `+${usd(c)}` : c < 0 ? `-${usd(c)}` : usd(0);
}

/** Resources whose amount changed, appeared or disappeared, the largest change first (then by URN). */
export function changedLines(base: CostBlock, head: CostBlock): LineChange[] {
    const before = new Map(base.lines.map((l) => [l.urn, l]));
    const after = new Map(head.lines.map((l) => [l.urn, l]));
    const changes: LineChange[] = [];
    for (const urn of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(urn);
        const h = after.get(urn);
        const delta = cents((h?.monthlyUsd ?? 0) - (b?.monthlyUsd ?? 0));
        if (b && h && delta === 0) continue;
        changes.push({ urn, type: (h ?? b)!.type, base: b?.monthlyUsd, head: h?.monthlyUsd, delta });
    }
    return changes.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.urn < y.urn ? -1 : x.urn > y.urn ? 1 : 0));
}

/** The resource's logical name, the last part of its URN. */
const resourceName = (urn: string): string => urn.split("::").pop() ?? urn;

const percent = (base: number, delta: number): string => (base === 0 ? "" : ` (${delta > 0 ? "+" : ""}${((delta / base) * 100).toFixed(1)}%)`);

function totalRow(s: StackCosts): string {
    const { base, head } = s;
    if (!head) return `| ${s.stack} | ${base ? usd(base.monthlyUsd) : "—"} | plan failed | — |`;
    if (!base) return `| ${s.stack} | no estimate | ${usd(head.monthlyUsd)} | — |`;
    const delta = cents(head.monthlyUsd - base.monthlyUsd);
    return `| ${s.stack} | ${usd(base.monthlyUsd)} | ${usd(head.monthlyUsd)} | ${delta === 0 ? "no change" : `**${signedUsd(delta)}**${percent(base.monthlyUsd, delta)}`} |`;
}

function lineSection(s: StackCosts): string[] {
    if (!s.base || !s.head) return [];
    const changes = changedLines(s.base, s.head);
    const newlyUnpriced = (s.head.notPriced ?? []).filter((n) => !(s.base!.notPriced ?? []).some((b) => b.urn === n.urn));
    if (changes.length === 0 && newlyUnpriced.length === 0) return [];
    const out = [
        "",
        `<details><summary><b>${s.stack}</b>: ${changes.length} line${changes.length === 1 ? "" : "s"} changed</summary>`,
        "",
        "| resource | type | base | head | change |",
        "|---|---|---:|---:|---:|",
    ];
    for (const c of changes.slice(0, maxLinesPerStack)) {
        const change = c.base === undefined ? `new, ${signedUsd(c.delta)}` : c.head === undefined ? `removed, ${signedUsd(c.delta)}` : signedUsd(c.delta);
        out.push(`| \`${resourceName(c.urn)}\` | \`${c.type}\` | ${c.base === undefined ? "—" : usd(c.base)} | ${c.head === undefined ? "—" : usd(c.head)} | ${change} |`);
    }
    const rest = changes.slice(maxLinesPerStack);
    if (rest.length > 0) {
        const sum = rest.reduce((acc, c) => acc + c.delta, 0);
        out.push(`| … ${rest.length} more | | | | ${signedUsd(sum)} |`);
    }
    for (const n of newlyUnpriced) out.push(`| \`${resourceName(n.urn)}\` | \`${n.type}\` | | not priced | ${n.reason ?? "no price in the table"} |`);
    out.push("", "</details>");
    return out;
}

/** The comment body: totals per stack, then the changed lines of each stack. */
export function renderCostDelta(stacks: StackCosts[]): string {
    const out = [
        "### Monthly cost estimate",
        "",
        "From `npm run plan -- --stack <name> --json` on the base and head commits (on-demand list prices; usage from `slipway:costAssumptions`).",
        "",
        "| stack | base | head | change |",
        "|---|---:|---:|---:|",
        ...stacks.map(totalRow),
    ];
    for (const s of stacks) out.push(...lineSection(s));
    const sources = [...new Set(stacks.flatMap((s) => (s.head?.priceDate ? [`${s.stack}: ${s.head.region ?? "?"} prices of ${s.head.priceDate}`] : [])))];
    const unpriced = stacks.flatMap((s) => (s.head?.notPriced?.length ? [`${s.stack} ${s.head.notPriced.length}`] : []));
    out.push("");
    if (sources.length > 0) out.push(`Prices: ${sources.join("; ")}.`);
    if (unpriced.length > 0) out.push(`Not priced, so not in the totals: ${unpriced.join(", ")} resources (see the plan).`);
    return `${out.join("\n")}\n`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `cost` block of a plan document, or undefined when there is none or it is malformed. */
export function costBlockOf(planJson: string): CostBlock | undefined {
    if (planJson.trim() === "") return undefined;
    let doc: unknown;
    try {
        doc = JSON.parse(planJson);
    } catch {
        return undefined;
    }
    const cost = isRecord(doc) ? doc.cost : undefined;
    if (!isRecord(cost) || typeof cost.monthlyUsd !== "number" || !Array.isArray(cost.lines)) return undefined;
    const lines = cost.lines.filter((l): l is CostBlock["lines"][number] => isRecord(l) && typeof l.urn === "string" && typeof l.type === "string" && typeof l.monthlyUsd === "number");
    const notPriced = Array.isArray(cost.notPriced) ? cost.notPriced.filter((n): n is NonNullable<CostBlock["notPriced"]>[number] => isRecord(n) && typeof n.urn === "string") : [];
    return {
        monthlyUsd: cost.monthlyUsd,
        currency: typeof cost.currency === "string" ? cost.currency : undefined,
        priceDate: typeof cost.priceDate === "string" ? cost.priceDate : undefined,
        region: typeof cost.region === "string" ? cost.region : undefined,
        lines,
        notPriced,
    };
}

/** Reads `<dir>/<stack>.json` for every stack either directory has. */
export function readStackCosts(baseDir: string, headDir: string): StackCosts[] {
    const stacksIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)) : []);
    const read = (dir: string, stack: string) => {
        const file = join(dir, `${stack}.json`);
        return existsSync(file) ? costBlockOf(readFileSync(file, "utf8")) : undefined;
    };
    const stacks = [...new Set([...stacksIn(baseDir), ...stacksIn(headDir)])].sort();
    return stacks.map((stack) => ({ stack, base: read(baseDir, stack), head: read(headDir, stack) }));
}

function main(): number {
    const usage = "usage: npx tsx scripts/cost-delta.ts --base DIR --head DIR [--out FILE]";
    let values: { base?: string; head?: string; out?: string };
    try {
        ({ values } = parseArgs({ options: { base: { type: "string" }, head: { type: "string" }, out: { type: "string" } } }));
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n${usage}\n`);
        return 2;
    }
    if (!values.base || !values.head) {
        process.stderr.write(`--base and --head are required\n${usage}\n`);
        return 2;
    }
    const stacks = readStackCosts(values.base, values.head);
    if (stacks.length === 0) {
        process.stderr.write(`no <stack>.json plans in ${values.base} or ${values.head}\n`);
        return 1;
    }
    const markdown = renderCostDelta(stacks);
    if (values.out) writeFileSync(values.out, markdown);
    else process.stdout.write(markdown);
    return 0;
}

if (require.main === module) process.exitCode = main();
