import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { type Cidr, cidrWithin, isWorldCidr, parseCidr } from "./cidr";
import { Deferred, readItems, show } from "./values";

interface Config {
    sshAllowedCidrs: string[];
    worldOpenTcpPorts: number[];
    forbiddenPorts: number[];
    allowWorldIcmp: boolean;
}

const SSH = 22;

/** "22" → [22, 22]; "8000-9000" → [8000, 9000]; absent, "0", "all" or "1-65535" → every port. */
export function parsePortRange(range: unknown): [number, number] | undefined {
    if (range === undefined || range === null || range === "" || range === "0" || range === "all") return [1, 65535];
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(String(range));
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo <= hi && hi <= 65535 ? [lo, hi] : undefined;
}

const covers = ([lo, hi]: [number, number], port: number): boolean => lo <= port && port <= hi;

/**
 * The cloud firewall is the droplet's real boundary (Docker-published ports bypass the host's own
 * iptables rules). World-open: only tcp 80/443. SSH: never from the world; from the configured
 * `sshAllowedCidrs` when given, else from any narrower source. Database, cache and admin ports
 * (5432, 6379, 9090, 3000): never open at all, from any source, because they are reached over the
 * Docker networks or through `ssh -L`; listing one in an allow-list still puts an unauthenticated
 * Prometheus or a database on the network.
 */
export const doFirewallIngress: SlipwayRule = resourceRule(
    {
        name: "do-firewall-ingress",
        group: "digitalocean",
        description:
            "DigitalOcean firewalls may open only tcp 80 and 443 to the world, SSH (22) only to the configured sshAllowedCidrs (never the world), and never the database, cache or admin ports (5432, 6379, 9090, 3000) to any source.",
        sources: ["CKV_DIO_4", "tfsec digitalocean-compute-no-public-ingress"],
        remediation:
            "Keep world sources (0.0.0.0/0, ::/0) on tcp 80/443 rules only; list the addresses you deploy from in the SSH rule (e.g. 203.0.113.7/32) and in this rule's sshAllowedCidrs; reach PostgreSQL, Redis, Prometheus and Grafana through an SSH tunnel (ssh -L) instead of opening them.",
        level: "mandatory",
        configSchema: {
            properties: {
                sshAllowedCidrs: {
                    type: "array",
                    items: { type: "string" },
                    default: [],
                    description: "Sources SSH may be opened to (each rule source must lie inside one). Empty: any source narrower than the world.",
                },
                worldOpenTcpPorts: { type: "array", items: { type: "integer" }, default: [80, 443], description: "The only tcp ports a rule may open to the world (single-port rules)." },
                forbiddenPorts: { type: "array", items: { type: "integer" }, default: [5432, 6379, 9090, 3000], description: "Ports no inbound rule may open, from any source." },
                allowWorldIcmp: { type: "boolean", default: false, description: "Accept ICMP (ping) from the world (the Host component's allowPing)." },
            },
        },
    },
    types.doFirewall,
    (args, report) => {
        const c = args.getConfig<Config>();
        const deferred = new Deferred();
        const allowed: Cidr[] = [];
        for (const text of c.sshAllowedCidrs ?? []) {
            const cidr = parseCidr(text);
            if (!cidr || cidr.prefix === 0) report(`Policy config do-firewall-ingress.sshAllowedCidrs entry ${show(text)} is not a CIDR narrower than the world; fix the policy config.`);
            else allowed.push(cidr);
        }

        const rules = readItems(() => args.props.inboundRules);
        if (rules === UNKNOWN) return reportUnknown(report, "inboundRules");
        (rules ?? []).forEach((rule, i) => {
            const at = `inboundRules[${i}]`;
            if (rule === UNKNOWN) return reportUnknown(report, at);
            const r = rule as Record<string, unknown>;
            const action = read(() => r.action);
            if (action === UNKNOWN) return reportUnknown(report, `${at}.action`);
            if (action === "deny") return;
            const protocol = read(() => r.protocol);
            if (protocol === UNKNOWN) return reportUnknown(report, `${at}.protocol`);
            const rawRange = read(() => r.portRange);
            if (rawRange === UNKNOWN) return reportUnknown(report, `${at}.portRange`);

            // Addresses may come from other resources (another droplet's IP): known at update.
            const sources = readItems(() => r.sourceAddresses);
            const addresses: string[] = [];
            if (sources === UNKNOWN) deferred.add(() => r.sourceAddresses);
            else
                (sources ?? []).forEach((s, j) => {
                    if (s === UNKNOWN) deferred.add(() => (r.sourceAddresses as unknown[])[j]);
                    else addresses.push(String(s));
                });
            const world = addresses.filter(isWorldCidr);

            if (protocol === "icmp") {
                if (world.length > 0 && !c.allowWorldIcmp) {
                    report(`${at} opens icmp to the world (${world.join(", ")}); only tcp ${c.worldOpenTcpPorts.join("/")} may be world-open (set allowWorldIcmp in the policy config to accept ping).`);
                }
                return;
            }
            const range = parsePortRange(rawRange);
            if (!range) return report(`${at}.portRange is ${show(rawRange)}; it must be a port ("443") or a range ("8000-9000").`);
            const label = `${protocol} ${rawRange ?? "all ports"}`;

            if (world.length > 0 && !(protocol === "tcp" && range[0] === range[1] && c.worldOpenTcpPorts.includes(range[0]))) {
                report(`${at} opens ${label} to the world (${world.join(", ")}); only single tcp ports ${c.worldOpenTcpPorts.join(", ")} may be world-open.`);
            }
            if (protocol === "tcp" && covers(range, SSH)) {
                const narrow = addresses.filter((a) => !isWorldCidr(a));
                for (const a of narrow) {
                    const cidr = parseCidr(a);
                    if (!cidr) report(`${at} opens SSH to ${show(a)}, which is not an address or CIDR block.`);
                    else if (allowed.length > 0 && !allowed.some((ok) => cidrWithin(cidr, ok))) {
                        report(`${at} opens SSH (22) to ${a}, which is outside the configured sshAllowedCidrs (${allowed.map((x) => `${x.address}/${x.prefix}`).join(", ")}).`);
                    }
                }
            }
            for (const port of c.forbiddenPorts) {
                if (covers(range, port)) report(`${at} opens ${label}, which includes port ${port}; that port must never be open in the firewall, from any source (use an SSH tunnel).`);
            }
        });
        deferred.raise();
    },
);
