import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";

/**
 * The RDS master password belongs to RDS (`manageMasterUserPassword`: a Secrets Manager secret
 * RDS owns and rotates), never to the program: a `password` input lives in the stack's state,
 * is never rotated, and invites the app to log in as the master user (issue 12, defect 4).
 */
export const rdsManagedMasterPassword: SlipwayRule = resourceRule(
    {
        name: "rds-managed-master-password",
        group: "aws",
        description: "RDS instances must let RDS manage the master password in Secrets Manager (manageMasterUserPassword) and take no password input.",
        sources: ["FSBP SecretsManager.1 (rotation)", "AWS RDS user guide: Password management with Amazon RDS and Secrets Manager"],
        remediation:
            "Set manageMasterUserPassword: true (with masterUserSecretKmsKeyId) and remove password; give applications their own database roles instead of the master user.",
        level: "mandatory",
    },
    types.rdsInstance,
    (args, report) => {
        // A read replica has no master user of its own: it inherits its source's.
        const replicaOf = read(() => args.props.replicateSourceDb);
        if (replicaOf !== UNKNOWN && replicaOf) return;
        const password = read(() => args.props.password);
        if (password !== UNKNOWN && password !== undefined && password !== null) {
            report("password is set; the master password must not be an input (it would live in the stack's state, unrotated): remove it and set manageMasterUserPassword: true.");
        }
        const managed = read(() => args.props.manageMasterUserPassword);
        if (managed === UNKNOWN) return reportUnknown(report, "manageMasterUserPassword");
        if (managed !== true) report(`manageMasterUserPassword is ${JSON.stringify(managed ?? "unset")}; RDS must own and rotate the master password in Secrets Manager.`);
    },
);
