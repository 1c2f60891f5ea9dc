import { argError } from "../shared/errors";

/**
 * The record name of `domain` inside the DNS zone `zone`: `@` for the apex, the labels left of
 * the zone otherwise (`app.example.com` in `example.com` → `app`). Throws when the domain is not
 * in the zone.
 */
export function dnsRecordName(domain: string, zone: string): string {
    const d = domain.trim().toLowerCase().replace(/\.$/, "");
    const z = zone.trim().toLowerCase().replace(/\.$/, "");
    if (d === z) return "@";
    if (z && d.endsWith(`.${z}`)) return d.slice(0, -(z.length + 1));
    throw argError("dnsZone", zone, `the DNS zone that holds domain ${JSON.stringify(domain)} (e.g. "example.com" for "app.example.com"), or unset to point DNS yourself`);
}
