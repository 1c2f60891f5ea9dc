import { cidrContains, cidrsOverlap, formatCidr, parseCidr } from "./cidr";
import { ComponentArgError, argError } from "../shared/errors";

export { cidrContains, cidrsOverlap, formatCidr, isValidCidr, parseCidr } from "./cidr";
export type { ParsedCidr } from "./cidr";

/** The three subnet tiers, in the order the plan lists them. */
export const subnetTiers = ["public", "private", "isolated"] as const;
export type SubnetTier = (typeof subnetTiers)[number];

/** User-given CIDRs per tier, one per availability zone, in AZ order. */
export type SubnetOverrides = Partial<Record<SubnetTier, string[]>>;

/** One planned subnet. */
export interface PlannedSubnet {
    az: string;
    cidr: string;
}

export type SubnetPlan = Record<SubnetTier, PlannedSubnet[]>;

/** The CIDRs of each tier, in AZ order, before AZ names are attached. */
export type SubnetCidrPlan = Record<SubnetTier, string[]>;

/** AWS accepts VPCs from /16 to /28 and subnets from /16 to /28. */
export const awsLimits = { largestPrefix: 16, smallestPrefix: 28 } as const;

/** ALBs need public subnets of at least /27; keep public subnets that large while the VPC allows. */
const ALB_MIN_PREFIX = 27;

/**
 * Subnet prefix lengths per tier for a VPC prefix. Private subnets run the app tasks and get
 * the most room (an eighth of the VPC each), isolated subnets hold the data tier (a sixteenth),
 * public subnets hold only load balancer and NAT interfaces (a sixty-fourth, but at least /27
 * while the VPC is /23 or larger, since an ALB needs /27).
 */
export function tierPrefixes(vpcPrefix: number): Record<SubnetTier, number> {
    return {
        private: vpcPrefix + 3,
        isolated: vpcPrefix + 4,
        public: Math.max(vpcPrefix + 4, Math.min(vpcPrefix + 6, ALB_MIN_PREFIX)),
    };
}

/** Where each tier's block starts, as a fraction of the VPC (the last 3/16 or so stay free). */
const tierOffsets: Record<SubnetTier, number> = { private: 0, isolated: 1 / 2, public: 3 / 4 };

/**
 * The CIDRs of every tier for `azCount` AZs, in AZ order.
 *
 * Layout: private subnets take the first half of the VPC, isolated the third quarter, public
 * the start of the last quarter. Each tier's block holds four AZ-sized slots (the prefixes in
 * `tierPrefixes` are at least two bits longer than the block's), whatever the AZ count,
 * so going from 2 to 3 AZs adds subnets without moving any existing one (a moved CIDR would
 * replace a subnet that has ENIs in it). A tier given in `overrides` is used as given, after
 * checking it is well-formed, inside the VPC and clear of every other subnet.
 */
export function planSubnetCidrs(args: { cidr: string; azCount: number; overrides?: SubnetOverrides }): SubnetCidrPlan {
    const vpc = parseCidr(args.cidr);
    const { azCount } = args;
    if (!Number.isInteger(azCount) || azCount < 2 || azCount > 3) {
        throw argError("azCount", azCount, "2 or 3 availability zones");
    }
    if (vpc.prefix < awsLimits.largestPrefix) {
        throw argError("cidr", args.cidr, "a /16 or smaller (e.g. 10.0.0.0/16): AWS allows no larger VPC");
    }
    const prefixes = tierPrefixes(vpc.prefix);
    if (Math.max(...Object.values(prefixes)) > awsLimits.smallestPrefix) {
        throw argError(
            "cidr",
            args.cidr,
            `a /24 or larger (e.g. ${formatCidr(vpc.address, 24)}, or 10.0.0.0/16): room for public, private and isolated subnets in ${azCount} availability zones`,
        );
    }
    const plan = {} as SubnetCidrPlan;
    for (const tier of subnetTiers) {
        const given = args.overrides?.[tier];
        if (given !== undefined) {
            plan[tier] = checkOverride(tier, given, args.cidr, azCount);
            continue;
        }
        const subnetSize = 2 ** (32 - prefixes[tier]);
        const start = vpc.address + vpc.size * tierOffsets[tier];
        plan[tier] = Array.from({ length: azCount }, (_, i) => formatCidr(start + i * subnetSize, prefixes[tier]));
    }
    assertNoOverlap(plan);
    return plan;
}

/**
 * The subnet plan for a VPC over the given AZs: one public, one private and one isolated subnet
 * per AZ. Deterministic; see `planSubnetCidrs` for the layout.
 *
 * @example
 * planSubnets({ cidr: "10.0.0.0/16", azs: ["us-east-1a", "us-east-1b"] }).private
 * // [{ az: "us-east-1a", cidr: "10.0.0.0/19" }, { az: "us-east-1b", cidr: "10.0.32.0/19" }]
 */
export function planSubnets(args: { cidr: string; azs: string[]; overrides?: SubnetOverrides }): SubnetPlan {
    const { azs } = args;
    const duplicate = azs.find((az, i) => azs.indexOf(az) !== i);
    if (duplicate !== undefined) {
        throw argError("availabilityZones", azs, `${azs.length} different zones (${duplicate} is listed twice)`);
    }
    const cidrs = planSubnetCidrs({ cidr: args.cidr, azCount: azs.length, overrides: args.overrides });
    const withAz = (list: string[]): PlannedSubnet[] => list.map((cidr, i) => ({ az: azs[i], cidr }));
    return { public: withAz(cidrs.public), private: withAz(cidrs.private), isolated: withAz(cidrs.isolated) };
}

function checkOverride(tier: SubnetTier, given: string[], vpcCidr: string, azCount: number): string[] {
    if (!Array.isArray(given) || given.length !== azCount) {
        const n = Array.isArray(given) ? given.length : 0;
        throw argError(`subnets.${tier}`, given, `exactly ${azCount} CIDRs, one per availability zone (it lists ${n})`);
    }
    return given.map((cidr, i) => {
        const key = `subnets.${tier}[${i}]`;
        let prefix: number;
        try {
            prefix = parseCidr(cidr).prefix;
        } catch (e) {
            if (e instanceof ComponentArgError) throw argError(key, cidr, e.allowed);
            throw e;
        }
        if (prefix < awsLimits.largestPrefix || prefix > awsLimits.smallestPrefix) {
            throw argError(key, cidr, "a /16 to /28 block: the AWS subnet sizes");
        }
        if (!cidrContains(vpcCidr, cidr)) {
            throw argError(key, cidr, `a range inside the VPC CIDR ${vpcCidr}`);
        }
        return cidr.trim();
    });
}

function assertNoOverlap(plan: SubnetCidrPlan): void {
    const all = subnetTiers.flatMap((tier) => plan[tier].map((cidr, i) => ({ key: `subnets.${tier}[${i}]`, cidr })));
    for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
            if (cidrsOverlap(all[i].cidr, all[j].cidr)) {
                throw argError(
                    all[j].key,
                    all[j].cidr,
                    `a range clear of ${all[i].key} (${all[i].cidr}): when overriding one tier's CIDRs, keep them clear of the others (or override every tier)`,
                );
            }
        }
    }
}
