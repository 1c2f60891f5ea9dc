import type { CostEstimate } from "./types";

const money = (usd: number) => usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const shortName = (urn: string) => urn.split("::").pop() ?? urn;

/** The plan's text cost section: priced lines (largest first), the free count, what is not priced. */
export function renderCostSection(cost: CostEstimate): string[] {
    const priced = cost.lines.filter((l) => l.monthlyUsd > 0).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    const free = cost.lines.length - priced.length;
    const width = Math.max(...priced.map((l) => money(l.monthlyUsd).length), money(cost.monthlyUsd).length);
    const out = [
        `Cost estimate: $${money(cost.monthlyUsd)}/month (${cost.currency}, list prices as of ${cost.priceDate}, region ${cost.region}; ` +
            "before tax, support, free tiers and discounts)",
    ];
    for (const l of priced) out.push(`  ${money(l.monthlyUsd).padStart(width)}  ${shortName(l.urn)} (${l.type}): ${l.basis}`);
    out.push(`  ${money(cost.monthlyUsd).padStart(width)}  total for ${priced.length} priced resources; ${free} more at no charge (reasons in --json)`);
    if (cost.notPriced.length === 0) out.push("  Not priced: none");
    else {
        out.push(`  Not priced (${cost.notPriced.length}, not in the total):`);
        for (const n of cost.notPriced) out.push(`    ${shortName(n.urn)} (${n.type}): ${n.reason}`);
    }
    const assumed = Object.entries(cost.assumptions).map(([k, v]) => `${k}=${v}`);
    out.push(`  Assumptions (override with slipway:costAssumptions): ${assumed.join(", ")}`);
    return out;
}
