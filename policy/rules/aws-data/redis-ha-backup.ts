import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { type ProductionConfig, isProduction, productionSchema, shown } from "./support";

interface Config extends ProductionConfig {
    minSnapshotRetentionDays: number;
}

/**
 * Production caches fail over across AZs, keep daily snapshots and live in their own subnet
 * group (not the account's "default" one, which spans the default VPC's public subnets).
 */
export const redisHaBackup: SlipwayRule = resourceRule(
    {
        name: "redis-ha-backup",
        group: "aws",
        description:
            "ElastiCache replication groups of production stacks must have automatic failover and Multi-AZ on, keep snapshots at least minSnapshotRetentionDays (default 1) and use their own subnet group.",
        sources: ["FSBP ElastiCache.1", "FSBP ElastiCache.3"],
        remediation:
            "Set automaticFailoverEnabled: true and multiAzEnabled: true with numCacheClusters >= 2, snapshotRetentionLimit >= 1, and subnetGroupName of an elasticache.SubnetGroup over private subnets; production is recognised by the `environment` tag (configurable: environmentTag, productionValues, applyTo).",
        level: "mandatory",
        configSchema: { properties: { ...productionSchema, minSnapshotRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 1 } } },
    },
    types.replicationGroup,
    (args, report) => {
        const cfg = args.getConfig<Config>();
        const production = isProduction(args, cfg);
        if (production === UNKNOWN) return reportUnknown(report, `The "${cfg.environmentTag}" tag that decides whether this production rule applies`);
        if (!production) return args.notApplicable(`not a production stack (${cfg.environmentTag} tag not in ${shown(cfg.productionValues)})`);

        for (const flag of ["automaticFailoverEnabled", "multiAzEnabled"]) {
            const value = read(() => args.props[flag]);
            if (value === UNKNOWN) reportUnknown(report, flag);
            else if (value !== true) report(`${flag} is ${shown(value)}; production caches must fail over to a replica in another AZ: set it to true.`);
        }

        const retention = read(() => args.props.snapshotRetentionLimit);
        if (retention === UNKNOWN) reportUnknown(report, "snapshotRetentionLimit");
        else if (typeof retention !== "number" || retention < cfg.minSnapshotRetentionDays)
            report(`snapshotRetentionLimit is ${shown(retention)}; keep daily snapshots for at least ${cfg.minSnapshotRetentionDays} day(s).`);

        // The name of a subnet group created in this stack may be computed (unknown at preview);
        // that is the stack's own group, and the "default" group can only be a literal.
        const subnetGroup = read(() => args.props.subnetGroupName);
        if (subnetGroup !== UNKNOWN && (!subnetGroup || subnetGroup === "default"))
            report(`subnetGroupName is ${shown(subnetGroup)}; give the cache its own elasticache.SubnetGroup over private subnets.`);
    },
);
