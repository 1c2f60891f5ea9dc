import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";

/**
 * The mandatory part of POLICIES.md's `alb-hardening` row: a load balancer in one subnet dies
 * with its availability zone. Split out because a policy carries a single enforcement level.
 */
export const albSubnets: SlipwayRule = resourceRule(
    {
        name: "alb-subnets",
        group: "aws",
        description: "Load balancers must span at least two subnets (in different availability zones).",
        sources: ["FSBP ELB.13"],
        remediation: "List at least two subnets in different availability zones in subnets (or subnetMappings).",
        level: "mandatory",
    },
    types.loadBalancer,
    (args, report) => {
        // A list of subnet ids built from outputs has a known length even when the ids are
        // unknown, so only a wholly unknown list is undecidable.
        const subnets = read(() => args.props.subnets?.length);
        const mappings = read(() => args.props.subnetMappings?.length);
        if (subnets === UNKNOWN) return reportUnknown(report, "subnets");
        if (mappings === UNKNOWN) return reportUnknown(report, "subnetMappings");
        const count = Math.max(Number(subnets ?? 0), Number(mappings ?? 0));
        const which = Number(mappings ?? 0) > Number(subnets ?? 0) ? "subnetMappings" : "subnets";
        if (count < 2) report(`${which} lists ${count} subnet(s); a load balancer must span at least 2 subnets in different availability zones.`);
    },
);
