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
    throw new Error(`domain "${domain}" is not inside the DNS zone "${zone}"; set dnsZone to the domain's zone (e.g. "example.com" for "app.example.com") or leave dnsZone unset and point DNS yourself.`);
}
