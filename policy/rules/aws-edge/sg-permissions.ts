import type { ResourceValidationArgs } from "@pulumi/policy";
import { type Maybe, UNKNOWN, read, types } from "../kit";
import { among, elements } from "./support";

/** One permission of a security group, whichever resource spells it. */
export interface Permission {
    /** Where it is, for messages: "ingress[0]" (inline) or "this rule". */
    where: string;
    protocol: Maybe<unknown>;
    fromPort: Maybe<unknown>;
    toPort: Maybe<unknown>;
    /** CIDR sources or destinations (IPv4 and IPv6); security group and prefix list peers are not CIDRs. */
    cidrs: Maybe<Maybe<unknown>[]>;
    description: Maybe<unknown>;
}

export interface Permissions {
    found: Permission[];
    /** Properties that decide whether a permission exists but are unknown at preview. */
    unknown: string[];
}

const cidrList = (...lists: Maybe<Maybe<unknown>[]>[]): Maybe<Maybe<unknown>[]> =>
    lists.some((l) => l === UNKNOWN) ? UNKNOWN : (lists as Maybe<unknown>[][]).flat();

/** A single optional CIDR property (the vpc rule resources have one per family). */
const optionalCidr = (get: () => unknown): Maybe<unknown>[] => {
    const v = read(get);
    return v === undefined || v === null ? [] : [v];
};

/**
 * The ingress or egress permissions of a security group (`ingress`/`egress` blocks), a
 * SecurityGroupRule of that `type`, or a vpc SecurityGroupIngressRule/EgressRule.
 */
export function permissionsOf(args: ResourceValidationArgs, direction: "ingress" | "egress"): Permissions {
    const p = args.props;
    const found: Permission[] = [];
    const unknown: string[] = [];
    if (among(types.securityGroup, args.type)) {
        const blocks = elements(() => p[direction]);
        if (blocks === UNKNOWN) return { found, unknown: [direction] };
        blocks.forEach((b, i) => {
            const where = `${direction}[${i}]`;
            if (b === UNKNOWN) {
                unknown.push(where);
                return;
            }
            const block = b as Record<string, unknown>;
            found.push({
                where,
                protocol: read(() => block.protocol),
                fromPort: read(() => block.fromPort),
                toPort: read(() => block.toPort),
                cidrs: cidrList(elements(() => block.cidrBlocks), elements(() => block.ipv6CidrBlocks)),
                description: read(() => block.description),
            });
        });
    } else if (among(types.securityGroupRule, args.type)) {
        const type = read(() => p.type);
        if (type === UNKNOWN) return { found, unknown: ["type"] };
        if (type === direction) {
            found.push({
                where: "this rule",
                protocol: read(() => p.protocol),
                fromPort: read(() => p.fromPort),
                toPort: read(() => p.toPort),
                cidrs: cidrList(elements(() => p.cidrBlocks), elements(() => p.ipv6CidrBlocks)),
                description: read(() => p.description),
            });
        }
    } else if (among(direction === "ingress" ? types.sgIngressRule : types.sgEgressRule, args.type)) {
        found.push({
            where: "this rule",
            protocol: read(() => p.ipProtocol),
            fromPort: read(() => p.fromPort),
            toPort: read(() => p.toPort),
            cidrs: [...optionalCidr(() => p.cidrIpv4), ...optionalCidr(() => p.cidrIpv6)],
            description: read(() => p.description),
        });
    }
    return { found, unknown };
}

/** Every type a security group permission can be written on. */
export const sgTypes = [...types.securityGroup, ...types.securityGroupRule, ...types.sgIngressRule, ...types.sgEgressRule];
