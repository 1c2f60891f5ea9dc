import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";

/** RDS storage must be encrypted at rest; a missing flag means unencrypted, so it fails. */
export const rdsEncrypted: SlipwayRule = resourceRule(
    {
        name: "rds-encrypted",
        group: "aws",
        description: "RDS instances and clusters must encrypt their storage at rest.",
        sources: ["CKV_AWS_16", "FSBP RDS.3"],
        remediation: "Set storageEncrypted: true (with a customer-managed kmsKeyId); an existing unencrypted instance must be restored from an encrypted snapshot copy.",
        level: "mandatory",
    },
    [...types.rdsInstance, ...types.rdsCluster],
    (args, report) => {
        // A read replica inherits its source's encryption and may omit the flag.
        const replicaOf = read(() => args.props.replicateSourceDb);
        if (replicaOf !== UNKNOWN && replicaOf) return;
        const encrypted = read(() => args.props.storageEncrypted);
        if (encrypted === UNKNOWN) return reportUnknown(report, "storageEncrypted");
        if (encrypted !== true) report(`storageEncrypted is ${JSON.stringify(encrypted ?? "unset")}; RDS storage must be encrypted at rest.`);
    },
);
