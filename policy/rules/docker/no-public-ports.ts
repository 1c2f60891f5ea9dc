import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { isLoopback } from "../digitalocean/cidr";
import { readItems, show } from "../digitalocean/values";

interface Config {
    edgePorts: number[];
}

/**
 * Docker-published ports bypass the host's own firewall rules (iptables DNAT before ufw), so
 * publishing is opening. "The edge" is whatever publishes the configured edge ports (80/443):
 * those may bind any address. Every other published port binds loopback only (127.0.0.0/8,
 * ::1), which is how admin UIs are reached through `ssh -L`. A missing `ip` means 0.0.0.0.
 */
export const noPublicPorts: SlipwayRule = resourceRule(
    {
        name: "no-public-ports",
        group: "docker",
        description:
            "Only the edge's ports (edgePorts, default 80 and 443) may be published on a non-loopback address; every other port is unpublished or bound to 127.0.0.1/::1, and publishAllPorts is off.",
        sources: ["CIS Docker 1.2.0 5.8", "CIS Docker 1.2.0 5.13"],
        remediation:
            "Drop the ports entry (containers reach each other over the Docker networks) or bind it to loopback (ip: \"127.0.0.1\") and reach it with ssh -L; set publishAllPorts: false.",
        level: "mandatory",
        configSchema: {
            properties: {
                edgePorts: { type: "array", items: { type: "integer" }, default: [80, 443], description: "Host ports the edge may publish on any address." },
            },
        },
    },
    types.dockerContainer,
    (args, report) => {
        const { edgePorts } = args.getConfig<Config>();
        const all = read(() => args.props.publishAllPorts);
        if (all === UNKNOWN) reportUnknown(report, "publishAllPorts");
        else if (all === true) report("publishAllPorts is true; it publishes every exposed port on 0.0.0.0 at random host ports. Publish ports one by one instead.");

        const ports = readItems(() => args.props.ports);
        if (ports === UNKNOWN) return reportUnknown(report, "ports");
        (ports ?? []).forEach((port, i) => {
            const at = `ports[${i}]`;
            if (port === UNKNOWN) return reportUnknown(report, at);
            const p = port as Record<string, unknown>;
            const ip = read(() => p.ip);
            const external = read(() => p.external);
            if (ip === UNKNOWN) return reportUnknown(report, `${at}.ip`);
            if (external === UNKNOWN) return reportUnknown(report, `${at}.external`);
            const address = typeof ip === "string" && ip.trim() !== "" ? ip : "0.0.0.0";
            if (isLoopback(address)) return;
            const internal = read(() => p.internal);
            const protocol = read(() => p.protocol);
            const what = `container port ${internal === UNKNOWN ? "(unknown)" : show(internal)}/${typeof protocol === "string" ? protocol : "tcp"}`;
            if (external === undefined || external === null) {
                report(`${at} publishes ${what} on a random host port of ${address}; only the edge ports (${edgePorts.join(", ")}) may be published beyond loopback. Bind it to 127.0.0.1 or drop it.`);
            } else if (!edgePorts.includes(Number(external))) {
                report(`${at} publishes host port ${show(external)} (${what}) on ${address}; only the edge ports (${edgePorts.join(", ")}) may be published beyond loopback. Bind it to 127.0.0.1 or drop it.`);
            }
        });
    },
);
