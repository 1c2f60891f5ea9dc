import { type SlipwayRule, UNKNOWN, isWorld, read, resourceRule, types } from "../kit";
import { permissionsOf, sgTypes } from "./sg-permissions";
import { among, protocolName } from "./support";

// The provider's default group description: set, but says nothing.
const PROVIDER_DEFAULT_DESCRIPTION = "Managed by Pulumi";

const blank = (v: unknown): boolean => v === undefined || v === null || String(v).trim() === "";

/**
 * Reviewable security groups: every group and permission says why it exists, and egress is not
 * "everything to everywhere". Advisory, so values unknown at preview are skipped rather than
 * reported.
 */
export const sgDescriptionsEgress: SlipwayRule = resourceRule(
    {
        name: "sg-descriptions-egress",
        group: "aws",
        description: "Security groups and their rules should carry descriptions, and egress should not allow all protocols to the world.",
        sources: ["CKV_AWS_23"],
        remediation:
            "Give every security group and rule a description saying which traffic it is for, and replace all-protocol egress to 0.0.0.0/0 or ::/0 with the ports and destinations the workload needs (e.g. tcp 443, the database's security group).",
        level: "advisory",
    },
    sgTypes,
    (args, report) => {
        if (among(types.securityGroup, args.type)) {
            const description = read(() => args.props.description);
            if (description !== UNKNOWN && (blank(description) || description === PROVIDER_DEFAULT_DESCRIPTION)) {
                report(`description is ${JSON.stringify(description ?? "unset")}; say what the security group is for.`);
            }
        }
        for (const direction of ["ingress", "egress"] as const) {
            for (const perm of permissionsOf(args, direction).found) {
                if (perm.description !== UNKNOWN && blank(perm.description)) report(`${perm.where} has no description; say which traffic it allows.`);
                if (direction !== "egress" || perm.protocol === UNKNOWN || protocolName(perm.protocol) !== "-1" || perm.cidrs === UNKNOWN) continue;
                const world = perm.cidrs.find(isWorld);
                if (world !== undefined) report(`${perm.where} allows all protocols to ${world}; limit egress to the ports and destinations the workload needs.`);
            }
        }
    },
);
