import type { Price } from "./prices";

/** Formatting for `basis` strings: every figure as the price table lists it. */

/** A price as the pricing pages list it: `$0.04048`, `$0.60`, `$5.00`. */
export function dollars(p: Price | number): string {
    const usd = typeof p === "number" ? p : p.usd;
    const decimals = (String(usd).split(".")[1] ?? "").length;
    return `$${usd.toFixed(Math.max(2, decimals))}`;
}

/** A quantity with at most three decimals: `730`, `6.667`, `0.5`. */
export const qty = (n: number): string => String(Math.round(n * 1000) / 1000);

export const plural = (n: number, word: string, words = `${word}s`): string => `${qty(n)} ${n === 1 ? word : words}`;

export const notPriced = (reason: string) => ({ notPriced: reason });

/** Reads a numeric input the SDK may have sent as a string ("512"). */
export function num(v: unknown): number | undefined {
    if (typeof v === "number") return v;
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    return undefined;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
