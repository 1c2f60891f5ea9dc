import { argError } from "../shared/errors";
/**
 * CPU credits of the burstable (T) classes. RDS (`db.t3.*`, `db.t4g.*`) and ElastiCache
 * (`cache.t3.*`, `cache.t4g.*`) use the EC2 figures of the same size: one credit is one vCPU
 * at 100% for one minute, and a class earns `creditsPerHour` and holds at most 24 hours of them
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html).
 *
 * What running out means differs: RDS runs T classes in unlimited mode, so CPU above the
 * baseline over 24 hours is billed as surplus credits
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Types.html);
 * ElastiCache T nodes are throttled to the baseline once the balance is spent.
 */

export interface CpuCredits {
    vcpus: number;
    /** Credits earned per hour; the baseline is `creditsPerHour / (60 × vcpus)`. */
    creditsPerHour: number;
}

/** [vCPUs, credits per hour] by size, as EC2 lists them. */
const t3Sizes: Record<string, [number, number]> = {
    nano: [2, 6],
    micro: [2, 12],
    small: [2, 24],
    medium: [2, 24],
    large: [2, 36],
    xlarge: [4, 96],
    "2xlarge": [8, 192],
};
const t2Sizes: Record<string, [number, number]> = {
    nano: [1, 3],
    micro: [1, 6],
    small: [1, 12],
    medium: [2, 24],
    large: [2, 36],
    xlarge: [4, 54],
    "2xlarge": [8, 81.6],
};
const families: Record<string, Record<string, [number, number]>> = { t2: t2Sizes, t3: t3Sizes, t3a: t3Sizes, t4g: t3Sizes };

/**
 * Whether an RDS instance class or ElastiCache node type is burstable (a T family).
 * @example isBurstableClass("db.t4g.large") // true
 * @example isBurstableClass("cache.m7g.large") // false
 */
export function isBurstableClass(cls: string): boolean {
    return /^(db|cache)\.t\d+[a-z]*\./.test(cls);
}

/**
 * The credit figures of a burstable class, or undefined for a class that is not burstable.
 * Throws for a T class whose size is not in the table, so a burstable class never goes
 * unwatched silently.
 * @example cpuCredits("db.t4g.large") // { vcpus: 2, creditsPerHour: 36 } (30% baseline)
 */
export function cpuCredits(cls: string): CpuCredits | undefined {
    if (!isBurstableClass(cls)) return undefined;
    const [, family, size] = cls.split(".");
    const found = families[family]?.[size];
    if (!found) {
        throw argError("instanceClass", cls, "a t2, t3, t3a or t4g size from nano to 2xlarge (burstable classes whose CPU credit rate Slipway knows), or a non-burstable class");
    }
    return { vcpus: found[0], creditsPerHour: found[1] };
}

/** The share of its vCPUs a burstable class may use without spending credits, in percent. */
export const baselinePercent = (c: CpuCredits): number => (100 * c.creditsPerHour) / (60 * c.vcpus);
