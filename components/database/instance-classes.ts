import { catalog, familySizes } from "../shared/catalog";

/**
 * The DB instance classes RDS for PostgreSQL offers for a DB instance, as of `catalogDate`,
 * read from "Supported DB engines for DB instance classes" (the PostgreSQL column) in the RDS
 * User Guide. Left out on purpose: previous-generation classes (db.t2, db.m4, db.r4 and older),
 * which PostgreSQL 13 and later (this schema allows 14 to 17) do not run on; db.c6gd, which RDS
 * offers for Multi-AZ DB clusters only (Slipway creates a DB instance); and the Oracle-only
 * db.r5.*.tpc*.mem* and db.x2iezn variants. The largest sizes of the newest families are the
 * least certain entries: re-read the page when moving `catalogDate`.
 */
const classes = <F extends string, const S extends string>(family: F, sizes: readonly S[]) => familySizes("db", family, sizes);

const burstable = ["micro", "small", "medium", "large", "xlarge", "2xlarge"] as const;
const intel5 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"] as const;
const graviton = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"] as const;
const intel6 = [...intel5, "32xlarge"] as const;
const intel7 = [...intel5, "48xlarge"] as const;
const graviton4 = [...graviton, "24xlarge", "48xlarge"] as const;

export const rdsPostgresInstanceClasses = [
    ...classes("t3", burstable),
    ...classes("t4g", burstable),
    ...classes("m5", intel5),
    ...classes("m5d", intel5),
    ...classes("m6g", graviton),
    ...classes("m6gd", graviton),
    ...classes("m6i", intel6),
    ...classes("m6id", intel6),
    ...classes("m6idn", intel6),
    ...classes("m6in", intel6),
    ...classes("m7g", graviton),
    ...classes("m7i", intel7),
    ...classes("m8g", graviton4),
    ...classes("r5", intel5),
    ...classes("r5b", intel5),
    ...classes("r5d", intel5),
    ...classes("r6g", graviton),
    ...classes("r6gd", graviton),
    ...classes("r6i", intel6),
    ...classes("r6id", intel6),
    ...classes("r6idn", intel6),
    ...classes("r6in", intel6),
    ...classes("r7g", graviton),
    ...classes("r7i", intel7),
    ...classes("r8g", graviton4),
    ...classes("x2g", graviton),
    ...classes("x2idn", ["16xlarge", "24xlarge", "32xlarge"]),
    ...classes("x2iedn", ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"]),
];

export type RdsPostgresInstanceClass = (typeof rdsPostgresInstanceClasses)[number];

export const rdsPostgresInstanceClassCatalog = catalog(
    "an RDS for PostgreSQL instance class",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html",
    rdsPostgresInstanceClasses,
);

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
