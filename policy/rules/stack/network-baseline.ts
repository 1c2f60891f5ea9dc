import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { dependsVia, entries, label, ofType, prop } from "./resources";

/**
 * The VPC baseline: every VPC records its traffic (flow logs) and its default security group,
 * which anything launched without a group lands in, admits nothing. Links go through the `vpcId`
 * input's dependency: a new VPC's id is unknown at preview and never visible to stack policies.
 */
export const networkBaseline: SlipwayRule = stackRule(
    {
        name: "network-baseline",
        group: "stack",
        description:
            "Every VPC must have flow logs, and its default security group must be managed (aws.ec2.DefaultSecurityGroup) with no ingress and no egress rules.",
        sources: ["FSBP EC2.6", "FSBP EC2.2", "CIS AWS 3.9", "CIS AWS 5.4", "CKV2_AWS_11", "CKV2_AWS_12"],
        remediation:
            "Add an aws.ec2.FlowLog with vpcId: vpc.id (trafficType ALL) and an aws.ec2.DefaultSecurityGroup with vpcId: vpc.id and no ingress/egress (the Network component does both).",
        level: "advisory",
    },
    (args, report) => {
        const flowLogs = ofType(args.resources, types.flowLog);
        const defaults = ofType(args.resources, types.defaultSecurityGroup);
        for (const vpc of ofType(args.resources, types.vpc)) {
            if (!flowLogs.some((f) => dependsVia(f, "vpcId", vpc))) {
                report(`${label(vpc)} has no flow log (aws.ec2.FlowLog whose vpcId is this VPC); its traffic is not recorded.`, vpc.urn);
            }
            if (!defaults.some((d) => dependsVia(d, "vpcId", vpc))) {
                report(
                    `${label(vpc)}'s default security group is not managed, so it keeps AWS's rules (all traffic from itself, all egress); adopt it with aws.ec2.DefaultSecurityGroup and no rules.`,
                    vpc.urn,
                );
            }
        }
        for (const sg of defaults) {
            for (const key of ["ingress", "egress"]) {
                const rules = entries(prop(sg, key));
                if (rules === UNKNOWN) report(`${label(sg)}: ${key} is unknown during preview; it cannot be verified empty.`, sg.urn);
                else if (rules && rules.length) report(`${label(sg)} has ${rules.length} ${key} rule(s); the default security group must have none.`, sg.urn);
            }
        }
    },
);
