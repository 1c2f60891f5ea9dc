import type { Graph } from "../graph";
import type { RecordedResource } from "../recorder";
import type { CostAssumptions } from "./assumptions";

/** What one pricer says about one resource: a monthly amount and how it was reached, or why not. */
export type Priced = { usd: number; basis: string } | { notPriced: string };

export interface PricingContext {
    graph: Graph;
    assumptions: CostAssumptions;
}

/** Prices one resource type family from its inputs (and neighbours in the graph). */
export type Pricer<Table> = (r: RecordedResource, prices: Table, ctx: PricingContext) => Priced;

export interface CostLine {
    urn: string;
    type: string;
    /** Rounded to cents. */
    monthlyUsd: number;
    basis: string;
}

export interface NotPricedResource {
    urn: string;
    type: string;
    reason: string;
}

export interface CostEstimate {
    /** The sum of the lines, in dollars and cents. */
    monthlyUsd: number;
    currency: string;
    priceDate: string;
    /** The AWS region priced, the DigitalOcean region, or `local`. */
    region: string;
    /**
     * Set when the stack deploys to an AWS region the price table has no figures for: every
     * AWS resource is then in `notPriced`, and `monthlyUsd` covers only the rest.
     */
    regionNotPriced?: { region: string; pricedRegions: string[] };
    /** One per custom resource that is priced or free of charge. */
    lines: CostLine[];
    /** Custom resources the table has no price for: never counted as zero. */
    notPriced: NotPricedResource[];
    assumptions: CostAssumptions;
    /** The keys of `assumptions` some line's price depends on, in their order there. */
    assumptionsUsed: string[];
}
