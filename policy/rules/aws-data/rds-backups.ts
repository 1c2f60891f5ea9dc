import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { remediateOn, shown } from "./support";

interface Config {
    minRetentionDays: number;
}

/** Automated backups kept long enough, no accidental delete, and a final snapshot on destroy. */
export const rdsBackups: SlipwayRule = resourceRule(
    {
        name: "rds-backups",
        group: "aws",
        description: "RDS instances must keep automated backups for at least the configured days (default 7), have deletion protection on and take a final snapshot when deleted.",
        sources: ["CKV_AWS_133", "FSBP RDS.11", "FSBP RDS.8"],
        remediation: "Set backupRetentionPeriod to at least minRetentionDays (max 35), deletionProtection: true, and skipFinalSnapshot: false with a finalSnapshotIdentifier.",
        level: "mandatory",
        configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
    },
    types.rdsInstance,
    (args, report) => {
        const { minRetentionDays } = args.getConfig<Config>();
        const deletionProtection = read(() => args.props.deletionProtection);
        if (deletionProtection === UNKNOWN) reportUnknown(report, "deletionProtection");
        else if (deletionProtection !== true) report(`deletionProtection is ${shown(deletionProtection)}; set it to true so the database cannot be deleted by accident.`);

        // A read replica's data is backed up through its source, and some engines (PostgreSQL)
        // cannot keep automated backups of a replica at all; only deletion protection applies.
        const replicaOf = read(() => args.props.replicateSourceDb);
        if (replicaOf === UNKNOWN) return reportUnknown(report, "replicateSourceDb");
        if (replicaOf) return;

        const retention = read(() => args.props.backupRetentionPeriod);
        if (retention === UNKNOWN) reportUnknown(report, "backupRetentionPeriod");
        else if (typeof retention !== "number" || retention < minRetentionDays)
            report(`backupRetentionPeriod is ${shown(retention)}; automated backups must be kept at least ${minRetentionDays} days.`);

        const skipFinalSnapshot = read(() => args.props.skipFinalSnapshot);
        if (skipFinalSnapshot === UNKNOWN) reportUnknown(report, "skipFinalSnapshot");
        else if (skipFinalSnapshot === true) report("skipFinalSnapshot is true; deleting the instance would lose its data: set skipFinalSnapshot to false with a finalSnapshotIdentifier.");
    },
    {
        // Deletion protection only blocks deletes; skipFinalSnapshot is not remediated because
        // turning it off also needs a finalSnapshotIdentifier the user must choose.
        remediateResource: remediateOn(types.rdsInstance, (p) => (p.deletionProtection !== true ? { deletionProtection: true } : undefined)),
    },
);
