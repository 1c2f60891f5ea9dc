import { argError } from "../shared/errors";

/**
 * IPv4 CIDR arithmetic for the subnet planner and for validating user-given ranges.
 * Pure functions only; addresses are unsigned 32-bit integers held in plain numbers.
 */

/** A parsed IPv4 CIDR block. */
export interface ParsedCidr {
    /** The network address as an unsigned 32-bit integer. */
    readonly address: number;
    /** The prefix length, 0–32. */
    readonly prefix: number;
    /** How many addresses the block holds (2^(32 - prefix)). */
    readonly size: number;
    /** The last address of the block as an unsigned 32-bit integer. */
    readonly last: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
// "010" is octal to some parsers and decimal to others: refuse the ambiguity.
const decimal = (s: string): number | undefined => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : undefined);

/** Formats an address (unsigned 32-bit integer) and prefix as `a.b.c.d/p`. */
export function formatCidr(address: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/**
 * Parses `a.b.c.d/p`. Throws an Error that says what is wrong, including a CIDR whose host bits
 * are set ("10.0.0.1/16"), which AWS would silently reinterpret.
 *
 * @example parseCidr("10.0.0.0/16") // { address: 167772160, prefix: 16, size: 65536, last: 167837695 }
 */
export function parseCidr(cidr: string): ParsedCidr {
    const m = CIDR.exec(typeof cidr === "string" ? cidr.trim() : "");
    const parts = m ? m.slice(1).map(decimal) : [];
    if (!m || parts.some((p) => p === undefined)) {
        throw argError("cidr", cidr, "an IPv4 CIDR block written a.b.c.d/prefix, e.g. 10.0.0.0/16");
    }
    const [a, b, c, d, prefix] = parts as number[];
    if ([a, b, c, d].some((o) => o > 255)) {
        throw argError("cidr", cidr, "an IPv4 CIDR block whose four numbers are 0–255");
    }
    if (prefix > 32) {
        throw argError("cidr", cidr, "an IPv4 CIDR block with a prefix length of 0–32");
    }
    const raw = ((a * 256 + b) * 256 + c) * 256 + d;
    const size = 2 ** (32 - prefix);
    const address = Math.floor(raw / size) * size;
    if (address !== raw) {
        throw argError("cidr", cidr, `a network address without host bits after /${prefix}: did you mean ${formatCidr(address, prefix)}?`);
    }
    return { address, prefix, size, last: address + size - 1 };
}

/** Whether `cidr` is a well-formed IPv4 CIDR block with no host bits set. Never throws. */
export function isValidCidr(cidr: string): boolean {
    try {
        parseCidr(cidr);
        return true;
    } catch {
        return false;
    }
}

/**
 * Whether every address of `inner` lies inside `outer` (a block contains itself).
 * Throws when either is not a valid CIDR: check with `isValidCidr` first.
 */
export function cidrContains(outer: string, inner: string): boolean {
    const o = parseCidr(outer);
    const i = parseCidr(inner);
    return i.address >= o.address && i.last <= o.last;
}

/**
 * Whether the two blocks share at least one address.
 * Throws when either is not a valid CIDR: check with `isValidCidr` first.
 */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    return x.address <= y.last && y.address <= x.last;
}
