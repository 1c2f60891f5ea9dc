import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { listOf, shown } from "./support";

/** Redis/Valkey encrypted at rest and in transit, with clients authenticated. */
export const redisEncryptAuth: SlipwayRule = resourceRule(
    {
        name: "redis-encrypt-auth",
        group: "aws",
        description: "ElastiCache replication groups must encrypt at rest and in transit (TLS required) and authenticate clients with an AUTH token or RBAC user groups.",
        sources: ["FSBP ElastiCache.4", "FSBP ElastiCache.5", "FSBP ElastiCache.6"],
        remediation:
            'Set atRestEncryptionEnabled: true (with a customer-managed kmsKeyId), transitEncryptionEnabled: true with transitEncryptionMode "required", and authToken from a generated secret (or userGroupIds). Encryption at rest can only be set on a new replication group: migrate through a snapshot.',
        level: "mandatory",
    },
    types.replicationGroup,
    (args, report) => {
        const atRest = read(() => args.props.atRestEncryptionEnabled);
        if (atRest === UNKNOWN) reportUnknown(report, "atRestEncryptionEnabled");
        else if (atRest !== true) report(`atRestEncryptionEnabled is ${shown(atRest)}; set it to true so data and snapshots are encrypted at rest.`);

        const transit = read(() => args.props.transitEncryptionEnabled);
        if (transit === UNKNOWN) reportUnknown(report, "transitEncryptionEnabled");
        else if (transit !== true) report(`transitEncryptionEnabled is ${shown(transit)}; set it to true so clients connect over TLS.`);
        // "preferred" is the migration mode that still accepts plaintext connections.
        const mode = read(() => args.props.transitEncryptionMode);
        if (mode === UNKNOWN) reportUnknown(report, "transitEncryptionMode");
        else if (transit === true && mode !== undefined && mode !== null && mode !== "required")
            report(`transitEncryptionMode is ${shown(mode)}; set it to "required" so plaintext connections are refused.`);

        // A token generated in the same stack (random.RandomPassword) is unknown at preview: that
        // is the token being set, so only an absent or empty token counts as missing.
        const token = read(() => args.props.authToken);
        const userGroups = read(() => listOf(args.props.userGroupIds));
        const hasToken = token === UNKNOWN || (typeof token === "string" && token.length > 0);
        const hasGroups = userGroups === UNKNOWN || userGroups.length > 0;
        if (!hasToken && !hasGroups) report("authToken is unset and userGroupIds is empty; clients must authenticate: set authToken (a generated secret) or RBAC userGroupIds.");
    },
);
