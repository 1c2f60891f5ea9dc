import { BlockList, isIPv4, isIPv6 } from "node:net";

/** An address block, as firewall rules and policy config give them (`203.0.113.7/32`, `2001:db8::/32`, or a bare address). */
export interface Cidr {
    address: string;
    prefix: number;
    family: "ipv4" | "ipv6";
}

export function parseCidr(text: unknown): Cidr | undefined {
    if (typeof text !== "string") return undefined;
    const [address, prefix, extra] = text.trim().split("/");
    const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
    if (!family || extra !== undefined) return undefined;
    const max = family === "ipv4" ? 32 : 128;
    const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    return bits >= 0 && bits <= max ? { address, prefix: bits, family } : undefined;
}

/** The whole internet: any /0, however the address is written (`0.0.0.0/0`, `::/0`, `1.2.3.4/0`). */
export const isWorldCidr = (text: unknown): boolean => parseCidr(text)?.prefix === 0;

/** Whether every address of `inner` lies inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
    if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
    const block = new BlockList();
    block.addSubnet(outer.address, outer.prefix, outer.family);
    return block.check(inner.address, inner.family);
}

/** Loopback only: 127.0.0.0/8 or ::1. */
export function isLoopback(ip: string): boolean {
    const bare = ip.trim().replace(/^\[(.*)\]$/, "$1");
    if (isIPv4(bare)) return bare.startsWith("127.");
    if (!isIPv6(bare)) return false;
    const block = new BlockList();
    block.addAddress("::1", "ipv6");
    return block.check(bare, "ipv6");
}
