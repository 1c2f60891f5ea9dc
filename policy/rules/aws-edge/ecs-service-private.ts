import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";

/** Tasks live in private subnets across availability zones and are reached through the load balancer. */
export const ecsServicePrivate: SlipwayRule = resourceRule(
    {
        name: "ecs-service-private",
        group: "aws",
        description: "ECS services must not give tasks public IP addresses and must spread them over at least two subnets.",
        sources: ["FSBP ECS.2"],
        remediation:
            "Set networkConfiguration.assignPublicIp: false, place tasks in private subnets (with a NAT gateway or VPC endpoints for image pulls) and list at least two subnets in different availability zones.",
        level: "mandatory",
    },
    types.ecsService,
    (args, report) => {
        const network = read(() => args.props.networkConfiguration);
        if (network === UNKNOWN) return reportUnknown(report, "networkConfiguration");
        // Without awsvpc networking tasks share their EC2 host's network interface: no task IP to assign.
        if (network === undefined || network === null) return;

        const publicIp = read(() => args.props.networkConfiguration.assignPublicIp);
        if (publicIp === UNKNOWN) reportUnknown(report, "networkConfiguration.assignPublicIp");
        else if (publicIp === true) report("networkConfiguration.assignPublicIp is true; tasks must not get public IP addresses.");

        // Subnet ids may be unknown at preview; the list's length is what matters.
        const subnets = read(() => args.props.networkConfiguration.subnets?.length);
        if (subnets === UNKNOWN) reportUnknown(report, "networkConfiguration.subnets");
        else if (Number(subnets ?? 0) < 2) {
            report(`networkConfiguration.subnets lists ${Number(subnets ?? 0)} subnet(s); spread tasks over at least 2 subnets in different availability zones.`);
        }
    },
);
