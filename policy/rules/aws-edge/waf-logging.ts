import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, ofTypes, reportUnknown, stackRule, types } from "../kit";
import { aclArnPart, refersTo } from "./alb-waf";
import { elements } from "./support";

interface WafLoggingConfig {
    /** Request headers every logging configuration must redact (lowercase). */
    redactedHeaders: string[];
}

const loggingType = ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"];

/** The header names a logging configuration redacts (provider or API spelling), lowercase. */
function redactedHeaders(logging: PolicyResource): Set<string> | typeof UNKNOWN {
    const fields = elements(() => logging.props.redactedFields);
    if (fields === UNKNOWN) return UNKNOWN;
    const names = new Set<string>();
    for (const f of fields) {
        if (f === UNKNOWN) return UNKNOWN;
        const field = f as { singleHeader?: { name?: unknown }; SingleHeader?: { Name?: unknown } };
        const name = field?.singleHeader?.name ?? field?.SingleHeader?.Name;
        if (typeof name === "string") names.add(name.toLowerCase());
    }
    return names;
}

/**
 * Every WAF web ACL logs what it does, and its log never carries credentials. Without logging
 * a user blocked by a rule leaves no trace beyond three hours of sampled requests; with it, the
 * `authorization` and `cookie` headers would land in the log unless redacted.
 */
export const wafLogging: SlipwayRule = stackRule(
    {
        name: "waf-logging",
        group: "aws",
        description:
            "Every WAF web ACL must have an aws.wafv2.WebAclLoggingConfiguration, and it must redact the authorization and cookie request headers (the rule's redactedHeaders).",
        sources: ["FSBP WAF.11", "CKV2_AWS_31"],
        remediation:
            'Add an aws.wafv2.WebAclLoggingConfiguration with resourceArn: the web ACL\'s arn, logDestinationConfigs: [the arn of a log group named "aws-waf-logs-…"], and redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }].',
        level: "mandatory",
        configSchema: {
            properties: {
                redactedHeaders: { type: "array", items: { type: "string" }, default: ["authorization", "cookie"] },
            },
        },
    },
    (args, report) => {
        const { redactedHeaders: required } = args.getConfig<WafLoggingConfig>();
        const configs = ofTypes(args.resources, loggingType);
        for (const acl of ofTypes(args.resources, types.wafAcl)) {
            const at = (m: string) => report(m, acl.urn);
            const refs = configs.map((c) => ({ c, ref: refersTo(c, "resourceArn", acl, aclArnPart) }));
            const mine = refs.filter((x) => x.ref === "yes").map((x) => x.c);
            if (mine.length === 0) {
                const undecided = refs.find((x) => x.ref === "unknown");
                if (undecided) reportUnknown(at, `resourceArn of WAF logging configuration "${undecided.c.name}"`);
                else at(`Web ACL "${acl.name}" has no logging configuration, so what it blocks leaves no trace; add an aws.wafv2.WebAclLoggingConfiguration for it.`);
                continue;
            }
            for (const c of mine) {
                const redacted = redactedHeaders(c);
                if (redacted === UNKNOWN) {
                    reportUnknown(at, `redactedFields of WAF logging configuration "${c.name}"`);
                    continue;
                }
                const missing = required.map((h) => h.toLowerCase()).filter((h) => !redacted.has(h));
                if (missing.length > 0) {
                    at(`WAF logging configuration "${c.name}" of web ACL "${acl.name}" does not redact the ${missing.join(" and ")} header${missing.length > 1 ? "s" : ""}, so credentials reach the log; add each as redactedFields: [{ singleHeader: { name } }].`);
                }
            }
        }
    },
);
