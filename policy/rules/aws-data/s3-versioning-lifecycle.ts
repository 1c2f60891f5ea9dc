import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { listOf, shown } from "./support";

function checkVersioning(args: ResourceValidationArgs, report: ReportViolation): void {
    const status = read(() => args.props.versioningConfiguration?.status);
    if (status === UNKNOWN) return reportUnknown(report, "versioningConfiguration.status");
    if (status !== "Enabled") report(`versioningConfiguration.status is ${shown(status)}; set it to "Enabled" so overwritten and deleted objects can be recovered.`);
}

/**
 * A rule applies to the whole bucket when it has no prefix, tag or size filter. A rule limited to
 * a prefix leaves the rest of the bucket's old versions and uploads to pile up.
 */
function wholeBucket(rule: any): boolean {
    if (rule?.prefix) return false;
    const f = rule?.filter;
    return !f || (!f.prefix && !f.tag && !f.and && f.objectSizeGreaterThan === undefined && f.objectSizeLessThan === undefined);
}

function checkLifecycle(args: ResourceValidationArgs, report: ReportViolation): void {
    const rules = read(() => listOf(args.props.rules));
    if (rules === UNKNOWN) return reportUnknown(report, "rules");
    const active = read(() => rules.filter((r: any) => r?.status === "Enabled" && wholeBucket(r)));
    if (active === UNKNOWN) return reportUnknown(report, "a lifecycle rule's status or filter");
    const has = (what: string, pick: (r: any) => unknown): void => {
        const found = read(() => active.some((r) => typeof pick(r) === "number"));
        if (found === UNKNOWN) reportUnknown(report, what);
        else if (!found) report(`no enabled whole-bucket lifecycle rule sets ${what}; add one so ${what.startsWith("noncurrent") ? "old object versions expire" : "abandoned multipart uploads are deleted"}.`);
    };
    has("noncurrentVersionExpiration.noncurrentDays", (r) => r.noncurrentVersionExpiration?.noncurrentDays);
    has("abortIncompleteMultipartUpload.daysAfterInitiation", (r) => r.abortIncompleteMultipartUpload?.daysAfterInitiation);
}

/** Buckets keep versions, and their lifecycle bounds old versions and abandoned uploads. */
export const s3VersioningLifecycle: SlipwayRule = resourceRule(
    {
        name: "s3-versioning-lifecycle",
        group: "aws",
        description:
            "S3 bucket versioning must be Enabled, and lifecycle configurations must have enabled whole-bucket rules expiring noncurrent versions and aborting incomplete multipart uploads.",
        sources: ["FSBP S3.10", "FSBP S3.13"],
        remediation:
            'Set versioningConfiguration: { status: "Enabled" }; in the BucketLifecycleConfiguration add enabled rules with filter {} and noncurrentVersionExpiration: { noncurrentDays: N } and abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }.',
        level: "mandatory",
    },
    [...types.s3Versioning, ...types.s3Lifecycle],
    (args, report) => ((types.s3Versioning as readonly string[]).includes(args.type) ? checkVersioning(args, report) : checkLifecycle(args, report)),
);
