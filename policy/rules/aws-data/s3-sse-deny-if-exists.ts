import type { ReportViolation } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { jsonValue, listOf } from "./support";

/** The upload headers a bucket policy compares to pin encryption. */
const SSE_KEYS = ["s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id"];

/**
 * A negated operator with `IfExists` (`StringNotEqualsIfExists`, `ArnNotLikeIfExists`,
 * `ForAnyValue:StringNotEqualsIfExists`…): true when the key is absent.
 */
const isNegatedIfExists = (operator: string): boolean => /^(for(any|all)values?:)?\w*not\w*ifexists$/i.test(operator);

type Statement = Record<string, unknown>;
const label = (s: Statement, i: number): string => (typeof s.Sid === "string" && s.Sid ? `statement "${s.Sid}"` : `statement #${i + 1}`);

/** Checks a bucket policy document (string or object). Exported for direct tests. */
export function checkSseDenies(policy: unknown, report: ReportViolation): void {
    const doc = jsonValue(policy);
    // Not JSON: s3-tls-only reports it; nothing to read here.
    if (doc instanceof Error || !doc || typeof doc !== "object") return;
    const statements = listOf((doc as { Statement?: unknown }).Statement) as Statement[];
    statements.forEach((s, i) => {
        if (s.Effect !== "Deny" || !s.Condition || typeof s.Condition !== "object") return;
        for (const [operator, block] of Object.entries(s.Condition as Record<string, unknown>)) {
            if (!isNegatedIfExists(operator) || !block || typeof block !== "object") continue;
            for (const key of Object.keys(block)) {
                if (!SSE_KEYS.includes(key.toLowerCase())) continue;
                report(
                    `policy ${label(s, i)} denies with ${operator} on ${key}: that is true when the upload sends no such header, so every upload relying on the bucket's default encryption is denied; use StringNotEquals with {"Null": {"${key}": "false"}} to deny only a header that names something else.`,
                );
            }
        }
    });
}

/** A bucket policy's encryption denies must not refuse header-less uploads the bucket default would encrypt. */
export const s3SseDenyIfExists: SlipwayRule = resourceRule(
    {
        name: "s3-sse-deny-if-exists",
        group: "aws",
        description:
            "S3 bucket policies must not Deny with a negated ...IfExists operator on s3:x-amz-server-side-encryption or s3:x-amz-server-side-encryption-aws-kms-key-id: it denies every upload without the header, which the bucket's default encryption would have encrypted.",
        sources: ["IAM User Guide: ...IfExists condition operators", "S3 User Guide: default bucket encryption"],
        remediation:
            'Write the deny as {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}, "Null": {"s3:x-amz-server-side-encryption": "false"}} (and the same for the key-id header), so it applies only to uploads that name another encryption or key.',
        level: "mandatory",
    },
    [...types.s3Policy, ...types.s3Bucket],
    (args, report) => {
        const policy = read(() => args.props.policy);
        if (policy === undefined || policy === null || policy === "") return;
        if (policy === UNKNOWN) return reportUnknown(report, "policy");
        const checked = read(() => checkSseDenies(policy, report));
        if (checked === UNKNOWN) reportUnknown(report, "part of policy");
    },
);
