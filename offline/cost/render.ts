import { shortType } from "../tree";
import { regionReason } from "./estimate";
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
    const gap = cost.regionNotPriced;
    if (gap) {
        // One sentence instead of a line per resource that would all give the same reason.
        const unpriced = cost.notPriced.filter((n) => n.reason === regionReason(gap.region));
        out.push(
            `  No AWS prices for region ${gap.region}: offline/cost/prices.ts has ${gap.pricedRegions.join(", ") || "none"}, and prices differ by region, ` +
                `so ${unpriced.length} AWS resources are not priced and the total leaves them out (add the region's figures from the same pricing pages).`,
        );
    }
    for (const l of priced) out.push(`  ${money(l.monthlyUsd).padStart(width)}  ${shortName(l.urn)} (${shortType(l.type)}): ${l.basis}`);
    out.push(`  ${money(cost.monthlyUsd).padStart(width)}  total for ${priced.length} priced resources; ${free} more at no charge (reasons in --json)`);
    if (cost.notPriced.length === 0) out.push("  Not priced: none");
    else {
        const listed = gap ? cost.notPriced.filter((n) => n.reason !== regionReason(gap.region)) : cost.notPriced;
        out.push(`  Not priced (${cost.notPriced.length}, not in the total${listed.length < cost.notPriced.length ? `; ${cost.notPriced.length - listed.length} for the region, above` : ""}):`);
        for (const n of listed) out.push(`    ${shortName(n.urn)} (${shortType(n.type)}): ${n.reason}`);
    }
    // Only what the lines above were priced from: the AWS usage defaults mean nothing on a VPS.
    const assumed = cost.assumptionsUsed.map((k) => `${k}=${cost.assumptions[k as keyof typeof cost.assumptions]}`);
    if (assumed.length > 0) out.push(`  Assumptions (override with slipway:costAssumptions): ${assumed.join(", ")}`);
    return out;
}
