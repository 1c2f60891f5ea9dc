import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { remediateOn, shown } from "./support";

/** Application load balancers are the default when loadBalancerType is unset. */
export const isApplicationLb = (type: unknown): boolean => type === undefined || type === null || type === "application";

/**
 * Load balancer settings that limit request smuggling and keep evidence and the resource itself.
 * Advisory: each one is cheap, but none is a hole on its own. The ≥ 2 subnets check of the same
 * POLICIES row is mandatory and lives in `alb-subnets`, since a policy has one level.
 */
export const albHardening: SlipwayRule = resourceRule(
    {
        name: "alb-hardening",
        group: "aws",
        description:
            "Load balancers should drop invalid header fields, keep desync mitigation defensive or strictest, write access logs (application LBs) and enable deletion protection.",
        sources: ["FSBP ELB.4", "FSBP ELB.5", "FSBP ELB.6", "FSBP ELB.12"],
        remediation:
            'Set dropInvalidHeaderFields: true, leave desyncMitigationMode unset or set "defensive"/"strictest", set accessLogs: { bucket, enabled: true } (a bucket the ELB service account may write to) and enableDeletionProtection: true.',
        level: "advisory",
    },
    types.loadBalancer,
    (args, report) => {
        const lbType = read(() => args.props.loadBalancerType);
        // An unknown type may well be an ALB, so the ALB-only checks run.
        if (lbType === UNKNOWN || isApplicationLb(lbType)) {
            const drop = read(() => args.props.dropInvalidHeaderFields);
            if (drop === UNKNOWN) reportUnknown(report, "dropInvalidHeaderFields");
            else if (drop !== true) report(`dropInvalidHeaderFields is ${shown(drop)}; set it to true so malformed headers are dropped, not forwarded.`);

            // Unset means the AWS default, "defensive", which ELB.12 accepts.
            const desync = read(() => args.props.desyncMitigationMode);
            if (desync === UNKNOWN) reportUnknown(report, "desyncMitigationMode");
            else if (desync !== undefined && desync !== null && desync !== "defensive" && desync !== "strictest") {
                report(`desyncMitigationMode is ${shown(desync)}; use "defensive" (the default) or "strictest" against HTTP desync attacks.`);
            }

            const logs = read(() => args.props.accessLogs?.enabled);
            if (logs === UNKNOWN) reportUnknown(report, "accessLogs.enabled");
            // The provider leaves logs off unless enabled is true, even with a bucket set.
            else if (logs !== true) report(`accessLogs.enabled is ${shown(logs)}; enable access logs to an S3 bucket.`);
        }

        const protection = read(() => args.props.enableDeletionProtection);
        if (protection === UNKNOWN) reportUnknown(report, "enableDeletionProtection");
        else if (protection !== true) report(`enableDeletionProtection is ${shown(protection)}; set it to true so the load balancer cannot be deleted by accident.`);
    },
    {
        // Dropping invalid header fields only rejects malformed requests: safe to switch on.
        remediateResource: remediateOn(types.loadBalancer, (props) =>
            isApplicationLb(props.loadBalancerType) && props.dropInvalidHeaderFields !== true ? { dropInvalidHeaderFields: true } : undefined,
        ),
    },
);
