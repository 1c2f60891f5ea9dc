import { type SlipwayRule, UNKNOWN, isWorld, reportUnknown, resourceRule } from "../kit";
import { type Permission, permissionsOf, sgTypes } from "./sg-permissions";
import { protocolName } from "./support";

/** Ports that are never world-open, whatever the config allows. */
export const NEVER_OPEN: Record<number, string> = { 22: "SSH", 5432: "Postgres", 6379: "Redis" };

interface IngressConfig {
    /** TCP ports that may be open to the world (each on its own, not as a range). */
    worldOpenPorts: number[];
}

const portText = (from: number, to: number) => (from === to ? `port ${from}` : `ports ${from}-${to}`);

/** Why a world-open permission is not allowed; "ok" or UNKNOWN otherwise. */
function judge(perm: Permission, allowed: number[]): string | "ok" | typeof UNKNOWN {
    if (perm.protocol === UNKNOWN) return UNKNOWN;
    const protocol = protocolName(perm.protocol);
    if (protocol === "-1") return "all protocols and ports must never be open to the world";
    if (protocol !== "tcp" && protocol !== "udp") return `${protocol} must not be open to the world; only tcp ${allowed.join("/")} may be`;
    if (perm.fromPort === UNKNOWN || perm.toPort === UNKNOWN) return UNKNOWN;
    // A missing port on a tcp/udp rule is the whole range.
    const from = Number(perm.fromPort ?? 0);
    const to = Number(perm.toPort ?? 65535);
    const never = Object.keys(NEVER_OPEN)
        .map(Number)
        .filter((port) => from <= port && port <= to);
    if (never.length > 0) {
        return `${never.length > 1 ? "ports" : "port"} ${never.map((port) => `${port} (${NEVER_OPEN[port]})`).join(", ")} must never be open to the world`;
    }
    if (protocol !== "tcp" || from !== to || !allowed.includes(from)) {
        return `${protocol} ${portText(from, to)} must not be open to the world; only tcp ${allowed.join("/")} may be`;
    }
    return "ok";
}

/** Only the web ports face the internet; admin and data ports never do. */
export const sgNoOpenIngress: SlipwayRule = resourceRule(
    {
        name: "sg-no-open-ingress",
        group: "aws",
        description:
            "Security group ingress open to the world (0.0.0.0/0, ::/0) is allowed only on tcp 80 and 443; never on 22, 5432, 6379 or all protocols (-1).",
        sources: ["FSBP EC2.18", "FSBP EC2.19"],
        remediation:
            "Restrict the source to a known CIDR or, better, reference the client's security group (referencedSecurityGroupId / sourceSecurityGroupId); reach hosts through SSM Session Manager instead of world-open SSH.",
        level: "mandatory",
        configSchema: {
            properties: {
                worldOpenPorts: { type: "array", items: { type: "integer", minimum: 0, maximum: 65535 }, default: [80, 443] },
            },
        },
    },
    sgTypes,
    (args, report) => {
        const { worldOpenPorts } = args.getConfig<IngressConfig>();
        const { found, unknown } = permissionsOf(args, "ingress");
        for (const what of unknown) reportUnknown(report, what);
        for (const perm of found) {
            const cidrs = perm.cidrs;
            const world = cidrs === UNKNOWN ? undefined : cidrs.find(isWorld);
            const maybeWorld = cidrs === UNKNOWN || cidrs.includes(UNKNOWN);
            if (world === undefined && !maybeWorld) continue;
            const verdict = judge(perm, worldOpenPorts);
            if (verdict === "ok") continue;
            if (verdict === UNKNOWN) reportUnknown(report, `the protocol or ports of ${perm.where}`);
            // A port that may not face the world, from a source CIDR not known yet: undecidable.
            else if (world === undefined) reportUnknown(report, `the source CIDR of ${perm.where}`);
            else {
                const protocol = protocolName(perm.protocol);
                report(`${perm.where} allows ${protocol === "-1" ? "all protocols" : protocol} from ${world}: ${verdict}.`);
            }
        }
    },
);
