import { catalog, familySizes } from "../shared/catalog";

/**
 * The ElastiCache node types a Valkey or Redis OSS replication group can be created on, as of
 * `catalogDate`, read from "Supported node types" in the ElastiCache User Guide (the current
 * generation; the previous generation — t1, m1, m2, m3, c1, r3 — takes no new clusters). Node
 * types are also per region: the page's "Supported node types by AWS Region" table is not
 * modelled here, so a type a region lacks still fails at `up`.
 */
const types = <F extends string, const S extends string>(family: F, sizes: readonly S[]) => familySizes("cache", family, sizes);

const burstable = ["micro", "small", "medium"] as const;
const graviton = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"] as const;
const intel5 = ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"] as const;

export const elastiCacheNodeTypes = [
    ...types("t2", burstable),
    ...types("t3", burstable),
    ...types("t4g", burstable),
    ...types("m4", ["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"]),
    ...types("m5", intel5),
    ...types("m6g", graviton),
    ...types("m7g", graviton),
    ...types("r4", ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
    ...types("r5", intel5),
    ...types("r6g", graviton),
    // Data tiering (memory plus SSD): no large size.
    ...types("r6gd", ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]),
    ...types("r7g", graviton),
    ...types("c7gn", graviton),
];

export type ElastiCacheNodeType = (typeof elastiCacheNodeTypes)[number];

export const elastiCacheNodeTypeCatalog = catalog("an ElastiCache node type", "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html", elastiCacheNodeTypes);
