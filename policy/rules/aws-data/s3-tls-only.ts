import type { ReportViolation } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { jsonValue, listOf } from "./support";

type Statement = Record<string, unknown>;

const isWildcardPrincipal = (p: unknown): boolean =>
    p === "*" || (!!p && typeof p === "object" && listOf((p as { AWS?: unknown }).AWS).includes("*"));

const coversAllActions = (a: unknown): boolean => listOf(a).some((x) => x === "*" || x === "s3:*");

/** `aws:SecureTransport` is "false" under Bool / BoolIfExists (condition keys are case-insensitive). */
function deniesPlainHttp(condition: unknown): boolean {
    if (!condition || typeof condition !== "object") return false;
    return Object.entries(condition).some(
        ([op, block]) =>
            ["bool", "boolifexists"].includes(op.toLowerCase()) &&
            !!block &&
            typeof block === "object" &&
            Object.entries(block).some(([k, v]) => k.toLowerCase() === "aws:securetransport" && listOf(v).some((x) => String(x) === "false")),
    );
}

const label = (s: Statement, i: number): string => (typeof s.Sid === "string" && s.Sid ? `statement "${s.Sid}"` : `statement #${i + 1}`);

/** Checks a bucket policy document (string or object). Exported for direct tests. */
export function checkBucketPolicy(policy: unknown, report: ReportViolation): void {
    const doc = jsonValue(policy);
    if (doc instanceof Error) return report(`policy is not valid JSON (${doc.message}); write it with JSON.stringify.`);
    const statements = listOf(doc && typeof doc === "object" ? (doc as { Statement?: unknown }).Statement : undefined) as Statement[];
    const tlsDeny = statements.some((s) => s.Effect === "Deny" && isWildcardPrincipal(s.Principal) && coversAllActions(s.Action) && deniesPlainHttp(s.Condition));
    if (!tlsDeny)
        report('policy has no statement denying "s3:*" to every principal ("*") when aws:SecureTransport is "false"; add one so requests over plain HTTP are refused.');
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        if (isWildcardPrincipal(s.Principal))
            report(`policy ${label(s, i)} allows ${JSON.stringify(s.Principal)}; Allow statements must name specific principals (accounts, roles or services), never "*".`);
        else if (s.NotPrincipal !== undefined) report(`policy ${label(s, i)} is an Allow with NotPrincipal, which grants everyone else; name the principals with Principal instead.`);
    });
}

/** Every bucket policy refuses plain HTTP and grants nothing to the world. */
export const s3TlsOnly: SlipwayRule = resourceRule(
    {
        name: "s3-tls-only",
        group: "aws",
        description: 'S3 bucket policies must deny every request made without TLS (aws:SecureTransport = "false") and must not Allow any action to the "*" principal.',
        sources: ["FSBP S3.5"],
        remediation:
            'Add the statement {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[bucketArn, bucketArn + "/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} and replace "*" principals in Allow statements with the accounts, roles or services that need access.',
        level: "mandatory",
    },
    [...types.s3Policy, ...types.s3Bucket],
    (args, report) => {
        const policy = read(() => args.props.policy);
        // A bucket's deprecated inline policy is checked only when one is set.
        if ((types.s3Bucket as readonly string[]).includes(args.type) && (policy === undefined || policy === null || policy === "")) return;
        if (policy === UNKNOWN) return reportUnknown(report, "policy");
        // An object document may still hold values computed at preview.
        const checked = read(() => checkBucketPolicy(policy, report));
        if (checked === UNKNOWN) reportUnknown(report, "part of policy");
    },
);
