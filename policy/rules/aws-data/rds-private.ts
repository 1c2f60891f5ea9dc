import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { remediateOn } from "./support";

/** An RDS instance must not get a public address; unset means private (the provider default). */
export const rdsPrivate: SlipwayRule = resourceRule(
    {
        name: "rds-private",
        group: "aws",
        description: "RDS instances must not be publicly accessible from the internet.",
        sources: ["CKV_AWS_17", "FSBP RDS.2"],
        remediation: "Set publiclyAccessible: false and give the instance a DB subnet group of private (isolated) subnets; reach it from the app tier or through a bastion/SSM session.",
        level: "mandatory",
    },
    types.rdsInstance,
    (args, report) => {
        const publiclyAccessible = read(() => args.props.publiclyAccessible);
        if (publiclyAccessible === UNKNOWN) return reportUnknown(report, "publiclyAccessible");
        if (publiclyAccessible === true) report("publiclyAccessible is true; RDS instances must not be reachable from the internet: set publiclyAccessible to false.");
    },
    {
        // Turning the public address off is an in-place change and never widens access.
        remediateResource: remediateOn(types.rdsInstance, (p) => (p.publiclyAccessible === true ? { publiclyAccessible: false } : undefined)),
    },
);
