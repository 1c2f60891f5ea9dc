import { argError } from "../shared/errors";
import { isIPv4, isIPv6 } from "node:net";

/** One inbound rule of a cloud firewall, in the shape DigitalOcean's `inboundRules` takes. */
export interface InboundRule {
    protocol: "tcp" | "udp" | "icmp";
    /** A port or range; absent for ICMP. */
    portRange?: string;
    sourceAddresses: string[];
}

/** One outbound rule, in the shape DigitalOcean's `outboundRules` takes. */
export interface OutboundRule {
    protocol: "tcp" | "udp" | "icmp";
    portRange?: string;
    destinationAddresses: string[];
}

/** Every IPv4 and IPv6 address. */
export const anywhere: readonly string[] = ["0.0.0.0/0", "::/0"];

/**
 * The widest SSH source ranges accepted: an IPv4 /8 or an IPv6 /16. Anything wider is "the
 * internet" in all but name; nobody deploys from more than a /8.
 */
export const widestSshPrefix = { v4: 8, v6: 16 } as const;

/**
 * Checks the SSH allow-list and returns it trimmed and de-duplicated. SSH is never world-open:
 * `0.0.0.0/0`, `::/0` (or any /0), the unspecified address, and ranges wider than
 * `widestSshPrefix` throw a sentence naming the value and the fix.
 */
export function checkSshAllowedCidrs(cidrs: readonly string[], where = "the host"): string[] {
    const fix = "list the addresses you deploy from, e.g. 203.0.113.7/32";
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
        throw argError("sshAllowedCidrs", cidrs, `at least one address: with none, nothing could reach SSH to deploy; ${fix}`, { where });
    }
    const out: string[] = [];
    for (const raw of cidrs) {
        const cidr = String(raw).trim();
        const [address, prefix, extra] = cidr.split("/");
        const v4 = isIPv4(address);
        const v6 = isIPv6(address);
        const max = v4 ? 32 : 128;
        const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
        if ((!v4 && !v6) || extra !== undefined || !(bits >= 0 && bits <= max)) {
            throw argError("sshAllowedCidrs", cidr, `IPv4 or IPv6 addresses or CIDR blocks; ${fix}`, { where });
        }
        if (bits === 0 || /^(0\.0\.0\.0|::|0:0:0:0:0:0:0:0)$/.test(address)) {
            throw argError("sshAllowedCidrs", cidr, `addresses that do not open SSH to the whole internet; ${fix}`, { where });
        }
        const widest = v4 ? widestSshPrefix.v4 : widestSshPrefix.v6;
        if (bits < widest) {
            throw argError("sshAllowedCidrs", cidr, `ranges no wider than a /${widest} (wider exposes SSH to a large part of the internet); ${fix}`, { where });
        }
        if (!out.includes(cidr)) out.push(cidr);
    }
    return out;
}

export interface FirewallRuleOptions {
    /** Sources allowed to reach SSH (checked by `checkSshAllowedCidrs`). */
    sshAllowedCidrs: readonly string[];
    /** Answer ICMP (ping) from anywhere. */
    allowPing: boolean;
}

/**
 * Inbound: HTTP and HTTPS from anywhere (HTTP for the ACME HTTP-01 challenge and the redirect
 * to HTTPS), SSH only from the allow-list, ICMP only when asked. Nothing else: Docker-published
 * ports bypass the host's own iptables/ufw rules, so this cloud firewall is the real boundary.
 */
export function inboundRules(o: FirewallRuleOptions): InboundRule[] {
    const rules: InboundRule[] = [
        { protocol: "tcp", portRange: "80", sourceAddresses: [...anywhere] },
        { protocol: "tcp", portRange: "443", sourceAddresses: [...anywhere] },
        { protocol: "tcp", portRange: "22", sourceAddresses: checkSshAllowedCidrs(o.sshAllowedCidrs) },
    ];
    if (o.allowPing) rules.push({ protocol: "icmp", sourceAddresses: [...anywhere] });
    return rules;
}

/**
 * Outbound: everything. The host pulls images, apt and security updates, talks to Let's Encrypt,
 * the backup bucket and alert webhooks on ports we do not control; the firewall is stateful, so
 * replies to allowed inbound traffic need no rule here.
 */
export function outboundRules(): OutboundRule[] {
    return [
        { protocol: "tcp", portRange: "1-65535", destinationAddresses: [...anywhere] },
        { protocol: "udp", portRange: "1-65535", destinationAddresses: [...anywhere] },
        { protocol: "icmp", destinationAddresses: [...anywhere] },
    ];
}
