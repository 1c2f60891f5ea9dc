import { cloudWatchRetentionDays, isCloudWatchRetention } from "../shared/cloudwatch";
import { isValidCidr, planSubnetCidrs, type SubnetOverrides } from "./subnet-plan";
import { argError } from "../shared/errors";

/** How private subnets reach the internet. */
export type NatMode = "per-az" | "single" | "none";

/**
 * The network an app runs in: an address range split into public (load balancers), private
 * (app) and isolated (data) tiers over several failure domains, with audited traffic.
 * Plain values, not `Input`s: the subnet plan and the resource count are computed from them
 * before anything is deployed.
 */
export interface NetworkArgs {
    /**
     * The network's IPv4 range, /16 to /24. Pick one that does not overlap networks you may peer with.
     * @default "10.0.0.0/16"
     * @example
     * ```ts
     * { cidr: "10.42.0.0/16" }
     * ```
     */
    cidr?: string;
    /**
     * How many availability zones (failure domains) the network spans.
     * @default 3
     * @example
     * ```ts
     * { azCount: 2 }
     * ```
     */
    azCount?: 2 | 3;
    /**
     * How private subnets reach the internet: a NAT gateway in every zone (survives a zone
     * outage), one shared NAT gateway (cheaper; a zone outage can cut egress for all), or none
     * (no internet egress at all; images and secrets are reached through private endpoints).
     * @default "per-az"
     * @example
     * ```ts
     * { nat: "single" }
     * ```
     */
    nat?: NatMode;
    /**
     * Days to keep the network's flow logs; one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
     * 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. Ninety days cover the
     * usual look-back of an incident investigation at a quarter of a year's storage; raise it
     * where an audit asks for a year.
     * @default 90
     * @example
     * ```ts
     * { flowLogRetentionDays: 90 }
     * ```
     */
    flowLogRetentionDays?: number;
    /**
     * Explicit subnet CIDRs per tier, one per zone in zone order, instead of the computed plan.
     * Each must lie inside `cidr` and overlap no other subnet.
     * @default Computed from `cidr`: private subnets largest, then isolated, then public.
     * @example
     * ```ts
     * { subnets: { public: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"] } }
     * ```
     */
    subnets?: SubnetOverrides;
    /**
     * Protect the stateful parts (the flow-log group and its encryption key) from deletion.
     * @default true
     * @example
     * ```ts
     * { protect: false } // a throwaway preview stack
     * ```
     */
    protect?: boolean;
}

/** `NetworkArgs` with every default applied and every value checked. */
export interface NormalizedNetworkArgs {
    cidr: string;
    azCount: 2 | 3;
    nat: NatMode;
    flowLogRetentionDays: number;
    subnets: SubnetOverrides;
    protect: boolean;
}

export const networkDefaults = {
    cidr: "10.0.0.0/16",
    azCount: 3,
    nat: "per-az",
    flowLogRetentionDays: 90,
    protect: true,
} as const;

const natModes: readonly NatMode[] = ["per-az", "single", "none"];

/**
 * Applies the defaults and checks every value, throwing a sentence that names the key, the
 * value and what is allowed. The subnet plan is computed once here so a bad override fails
 * before any resource is registered.
 */
export function normalizeNetworkArgs(args: NetworkArgs = {}): NormalizedNetworkArgs {
    const cidr = (args.cidr ?? networkDefaults.cidr).trim();
    if (!isValidCidr(cidr)) {
        throw argError("cidr", args.cidr, "an IPv4 CIDR block: a network address and prefix such as 10.0.0.0/16");
    }
    const azCount = args.azCount ?? networkDefaults.azCount;
    if (azCount !== 2 && azCount !== 3) {
        throw argError("azCount", azCount, "2 or 3");
    }
    const nat = args.nat ?? networkDefaults.nat;
    if (!natModes.includes(nat)) {
        throw argError("nat", nat, `one of ${natModes.map((m) => `"${m}"`).join(", ")}`);
    }
    const flowLogRetentionDays = args.flowLogRetentionDays ?? networkDefaults.flowLogRetentionDays;
    if (!isCloudWatchRetention(flowLogRetentionDays)) {
        throw argError("flowLogRetentionDays", flowLogRetentionDays, `a CloudWatch Logs retention: ${cloudWatchRetentionDays.join(", ")} days`);
    }
    const subnets = args.subnets ?? {};
    planSubnetCidrs({ cidr, azCount, overrides: subnets });
    return { cidr, azCount, nat, flowLogRetentionDays, subnets, protect: args.protect ?? networkDefaults.protect };
}
