/** Port ranges as firewalls and security groups state them, printed the way people read them. */
export interface PortRange {
    /** `tcp`, `udp`, `icmp`, or `all`. */
    protocol: string;
    from?: number;
    to?: number;
}

const protocolName = (p: string): string => (p === "-1" || p === "all" ? "all traffic" : p.toUpperCase());

/** `TCP 80, 443` · `UDP 1–65535` · `all traffic`: one part per protocol, ports sorted. */
export function formatPorts(ranges: PortRange[]): string {
    const byProtocol = new Map<string, Set<string>>();
    const sortKey = new Map<string, number>();
    for (const r of ranges) {
        const name = protocolName(r.protocol);
        const set = byProtocol.get(name) ?? new Set<string>();
        if (r.from !== undefined && name !== "all traffic") {
            const span = r.to === undefined || r.to === r.from ? String(r.from) : `${r.from}–${r.to}`;
            set.add(span);
            sortKey.set(span, r.from);
        }
        byProtocol.set(name, set);
    }
    return [...byProtocol.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, spans]) => {
            const list = [...spans].sort((a, b) => (sortKey.get(a) ?? 0) - (sortKey.get(b) ?? 0));
            return list.length ? `${name} ${list.join(", ")}` : name;
        })
        .join(", ");
}

/** Parses a DigitalOcean-style port range: `"80"`, `"1-65535"`, `"all"` or absent. */
export function parsePortRange(protocol: string, range: string | undefined): PortRange {
    if (!range || range === "all" || range === "0") return { protocol, from: protocol === "icmp" ? undefined : 1, to: protocol === "icmp" ? undefined : 65535 };
    const [from, to] = range.split("-").map(Number);
    return { protocol, from, to: to ?? from };
}

/** Whether a range admits a port. */
export const admits = (r: PortRange, protocol: string, port: number): boolean =>
    (r.protocol === protocol || r.protocol === "all" || r.protocol === "-1") && (r.from === undefined || (port >= r.from && port <= (r.to ?? r.from)));

/** CIDRs meaning "anyone". */
export const isWorld = (cidr: string): boolean => cidr === "0.0.0.0/0" || cidr === "::/0";
