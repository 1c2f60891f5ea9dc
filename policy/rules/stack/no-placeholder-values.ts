import type { ResourceValidationArgs } from "@pulumi/policy";
import { type Cidr, cidrWithin, parseCidr } from "../digitalocean/cidr";
import { type SlipwayRule, UNKNOWN, describe, read } from "../kit";

/**
 * The shipped stack files carry example values so `npm run plan` renders every target on a fresh
 * clone; a real deploy with them would point DNS, certificates and alarm mail at names nobody
 * owns, open SSH to a documentation range and install a key whose private half is not yours.
 * This rule finds them in the graph. It is mandatory under `pulumi preview --policy-pack
 * policy` and advisory in the offline plan (RuleMeta.offline), which must still render the
 * shipped stacks.
 */

/** Values the shipped stack files use as examples, verbatim (tests/policy/no-placeholder-values.test.ts checks they still do). */
export const shippedExamples = {
    /** The key body of Pulumi.dev.yaml's `slipway:vps.sshPublicKeys` example. */
    sshKeyBody: "AAAAC3NzaC1lZDI1NTE5AAAAIJvMea+q7HzKV6BRycAmSC/TlwebBjeLoYLf5LnELPPE",
    /** Pulumi.prod.yaml's `slipway:web.hostedZoneId`. */
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
} as const;

/**
 * Address blocks reserved for documentation: RFC 5737 (TEST-NET-1/2/3), RFC 3849
 * (2001:db8::/32) and RFC 9637 (3fff::/20). Nothing routes them on the internet.
 */
export const documentationRanges: readonly Cidr[] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"].map((c) => parseCidr(c)!);

/**
 * Names reserved so they never resolve to anyone's service: RFC 2606 §3 second-level
 * example.com/.net/.org, and the RFC 2606 §2 / RFC 6761 §6.2, §6.4 TLDs .test, .example and
 * .invalid. `.localhost` (RFC 6761 §6.3) is not a placeholder: it is loopback, what the local
 * target is for (Pulumi.local.yaml uses app.localhost).
 */
export function placeholderDomain(host: string): string | undefined {
    const h = host.toLowerCase().replace(/\.$/, "");
    const m = /(?:^|\.)(example\.(?:com|net|org))$/.exec(h);
    if (m) return `${m[1]} is reserved for documentation (RFC 2606)`;
    const tld = /(?:^|\.)(test|example|invalid)$/.exec(h);
    if (tld) return `.${tld[1]} is a reserved top-level domain (RFC 6761)`;
    return undefined;
}

/** The host name a single-valued string names: an email address, a URL, host[:port] or a wildcard. */
function hostOf(value: string): string | undefined {
    if (/\s/.test(value)) return undefined;
    const email = /^[^@/:]+@([^@]+)$/.exec(value);
    if (email) return email[1];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        try {
            return new URL(value).hostname;
        } catch {
            return undefined;
        }
    }
    const host = /^(?:\*\.)?((?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9-]+\.?)(?::\d+)?$/i.exec(value);
    return host?.[1];
}

/**
 * Where an address is something a user listed (an allow list, a firewall source): the key of the
 * property or of the list holding it. A bare address elsewhere is a provider's output, and the
 * offline mocks answer those from documentation ranges on purpose (offline/mocks.ts), while a
 * real preview sees them unknown or real: only written CIDRs and listed addresses count.
 */
const listedAddressKey = /cidr|sourceAddresses|destinationAddresses|allow|ipRange|ingress/i;

/** Why one string leaf is a placeholder, or undefined; `key` is the property path it sits at. */
export function placeholderIn(value: string, key = ""): string | undefined {
    // The key can sit inside a rendered file (authorized_keys in cloud-init), so it is searched
    // for anywhere. Names and addresses only count as a whole value: rendered files quote
    // example.com legitimately (the promtool rule tests' probe targets).
    if (value.includes(shippedExamples.sshKeyBody)) return "the example SSH public key shipped in Pulumi.dev.yaml (its private half is not yours)";
    const v = value.trim();
    if (v === shippedExamples.hostedZoneId) return "the example Route 53 hosted zone id shipped in Pulumi.prod.yaml";
    const cidr = parseCidr(v);
    if (cidr) {
        if (!v.includes("/") && !listedAddressKey.test(key)) return undefined;
        const range = documentationRanges.find((r) => cidrWithin(cidr, r));
        return range ? `${range.address}/${range.prefix} is a documentation address range (RFC 5737/3849/9637)` : undefined;
    }
    const host = hostOf(v);
    return host ? placeholderDomain(host) : undefined;
}

interface Found {
    path: string;
    value: string;
    why: string;
}

/** Every placeholder among a resource's props; values unknown at preview are computed, never shipped literals. */
function findPlaceholders(props: Record<string, unknown>): Found[] {
    const found: Found[] = [];
    const walk = (get: () => unknown, path: string): void => {
        const v = read(get);
        if (v === UNKNOWN || v === null || v === undefined) return;
        if (typeof v === "string") {
            const why = placeholderIn(v, path);
            if (why) found.push({ path, value: v.length > 80 ? `${v.slice(0, 77)}...` : v, why });
        } else if (typeof v === "object") {
            const o = v as Record<string, unknown>;
            for (const k of Object.keys(o)) walk(() => o[k], Array.isArray(o) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
        }
    };
    walk(() => props, "");
    return found;
}

const meta = {
    name: "no-placeholder-values",
    group: "stack" as const,
    description:
        "No resource may carry a shipped example value: an example domain (example.com/.net/.org, .test, .example, .invalid) or email at one, a documentation address range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20), or the example SSH key or hosted zone id from the shipped stack files.",
    sources: ["RFC 2606", "RFC 6761", "RFC 5737", "RFC 3849", "RFC 9637"],
    remediation:
        "Set your own values in the stack file: slipway:domain, slipway:vps.dnsZone / acmeEmail / sshPublicKeys / sshAllowedCidrs, slipway:web.hostedZoneId (or certificateArn), slipway:monitoring.alarmEmails and any other address or URL you copied from the examples.",
    level: "mandatory" as const,
    offline: {
        level: "advisory" as const,
        note: "mandatory under `pulumi preview --policy-pack policy`; advisory in the offline plan so the shipped example stacks render",
    },
};

export const noPlaceholderValues: SlipwayRule = {
    meta,
    policy: {
        name: meta.name,
        description: describe(meta),
        enforcementLevel: meta.level,
        validateResource: (args: ResourceValidationArgs, report) => {
            const found = findPlaceholders(args.props);
            if (found.length === 0) return;
            const shown = found.slice(0, 4).map((f) => `${f.path} "${f.value}" (${f.why})`);
            const more = found.length > shown.length ? `, and ${found.length - shown.length} more` : "";
            report(`placeholder values a real deploy must replace: ${shown.join("; ")}${more}.`);
        },
    },
};
