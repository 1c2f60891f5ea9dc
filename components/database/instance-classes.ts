/**
 * Memory of the RDS instance classes Slipway users pick most (GiB, from the RDS instance-class
 * table). Used to derive PostgreSQL's default `max_connections` for the connections alarm; a
 * class not listed simply gets no connections alarm rather than a wrong one.
 */
const memoryGiB: Record<string, number> = {
    micro: 1,
    small: 2,
    medium: 4,
    large: 8,
    xlarge: 16,
    "2xlarge": 32,
    "4xlarge": 64,
    "8xlarge": 128,
};

/** Families whose memory doubles per size from medium as above (burstable and general purpose). */
const generalFamilies = /^(t3|t4g|m5|m6g|m6i|m7g|m7i)$/;
/** Memory-optimised families: twice the general-purpose memory at the same size. */
const memoryFamilies = /^(r5|r6g|r6i|r7g|r7i)$/;

/**
 * @example instanceClassMemoryGiB("db.t4g.medium") // 4
 * @example instanceClassMemoryGiB("db.r6g.large") // 16
 */
export function instanceClassMemoryGiB(instanceClass: string): number | undefined {
    const [, family, size] = instanceClass.split(".");
    const base = memoryGiB[size];
    if (base === undefined) return undefined;
    if (generalFamilies.test(family)) {
        // m-family sizes start at large with 8 GiB, the same as t-family large.
        return base;
    }
    if (memoryFamilies.test(family)) return base * 2;
    return undefined;
}
