import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { remediateOn, shown } from "./support";

/**
 * Predefined ELB security policies whose minimum protocol is TLS 1.2 (with or without TLS 1.3),
 * the recommended one first: the remediation sets the first entry of the configured list.
 * Left out on purpose: ELBSecurityPolicy-2016-08 (the API default), -TLS-1-0/-1-1, -FS-2018-06,
 * -FS-1-1-2019-08 and -TLS13-1-0/-1-1-2021-06, which all still accept TLS 1.0 or 1.1.
 */
export const TLS12_PLUS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
];

interface TlsPolicyConfig {
    /** ELB security policies a TLS listener may use. */
    allowedSslPolicies: string[];
}

const isTls = (protocol: unknown): boolean => ["HTTPS", "TLS"].includes(String(protocol ?? "").toUpperCase());

/** HTTPS and TLS listeners negotiate TLS 1.2 or newer and present a certificate. */
export const albTlsPolicy: SlipwayRule = resourceRule(
    {
        name: "alb-tls-policy",
        group: "aws",
        description: "HTTPS and TLS load balancer listeners must use an ELB security policy from the TLS 1.2+ allow-list and set a certificateArn.",
        sources: ["FSBP ELB.17", "CKV_AWS_103"],
        remediation:
            'Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another allowed policy; the list is the rule\'s allowedSslPolicies setting) and certificateArn to an ACM certificate.',
        level: "mandatory",
        configSchema: {
            properties: {
                allowedSslPolicies: { type: "array", items: { type: "string" }, minItems: 1, default: TLS12_PLUS_POLICIES },
            },
        },
    },
    types.lbListener,
    (args, report) => {
        const protocol = read(() => args.props.protocol);
        if (protocol === UNKNOWN) return reportUnknown(report, "protocol");
        if (!isTls(protocol)) return;
        const { allowedSslPolicies } = args.getConfig<TlsPolicyConfig>();

        const policy = read(() => args.props.sslPolicy);
        if (policy === UNKNOWN) reportUnknown(report, "sslPolicy");
        else if (policy === undefined || policy === null || policy === "") {
            report(`sslPolicy is unset, so AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0; set one of: ${allowedSslPolicies.join(", ")}.`);
        } else if (!allowedSslPolicies.includes(String(policy))) {
            report(`sslPolicy is ${shown(policy)}, which is not in the TLS 1.2+ allow-list (${allowedSslPolicies.join(", ")}).`);
        }

        // An unknown ARN is a certificate created in this stack (its ARN is computed), so it is set.
        const certificate = read(() => args.props.certificateArn);
        if (certificate !== UNKNOWN && (certificate === undefined || certificate === null || certificate === "")) {
            report(`certificateArn is unset; a ${String(protocol).toUpperCase()} listener must present a certificate (an ACM certificate ARN).`);
        }
    },
    {
        // Only a missing policy is filled in: replacing an explicit choice is left to the user.
        remediateResource: (args) =>
            remediateOn(types.lbListener, (props) => {
                if (!isTls(props.protocol) || props.sslPolicy) return undefined;
                return { sslPolicy: args.getConfig<TlsPolicyConfig>().allowedSslPolicies[0] };
            })(args),
    },
);
