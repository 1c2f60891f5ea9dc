import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { readItems } from "./values";

/** Advisory half of the do-spaces-versioning-retention row. */
const positive = (v: unknown): boolean => typeof v === "number" && v > 0;

/**
 * Retention: without an expiry, noncurrent versions (and, for data with no pruning of its own,
 * current objects) are kept and billed forever. Any enabled rule that expires objects (days or
 * a date) or noncurrent versions (days) counts; removing expired delete markers alone does not.
 */
export const doSpacesRetention: SlipwayRule = resourceRule(
    {
        name: "do-spaces-retention",
        group: "digitalocean",
        description: "Spaces buckets should have an enabled lifecycle rule that expires objects or noncurrent versions, so storage does not grow without bound.",
        sources: ["FSBP S3.13 (pattern)"],
        remediation: "Add lifecycleRules: [{ enabled: true, noncurrentVersionExpiration: { days: 30 }, abortIncompleteMultipartUploadDays: 7 }] (and expiration.days where nothing else prunes current objects).",
        level: "advisory",
    },
    types.doSpacesBucket,
    (args, report) => {
        const rules = readItems(() => args.props.lifecycleRules);
        if (rules === UNKNOWN) return reportUnknown(report, "lifecycleRules");
        let expiring = false;
        for (const [i, rule] of (rules ?? []).entries()) {
            if (rule === UNKNOWN) return reportUnknown(report, `lifecycleRules[${i}]`);
            const r = rule as { enabled?: unknown; expiration?: { days?: unknown; date?: unknown }; noncurrentVersionExpiration?: { days?: unknown } };
            const values = read(() => [r.enabled, r.expiration?.days, r.expiration?.date, r.noncurrentVersionExpiration?.days]);
            if (values === UNKNOWN) return reportUnknown(report, `lifecycleRules[${i}]`);
            const [enabled, days, date, noncurrentDays] = values;
            if (enabled === true && (positive(days) || (typeof date === "string" && date !== "") || positive(noncurrentDays))) expiring = true;
        }
        if (!expiring) {
            report(`lifecycleRules has no enabled rule with expiration (days or date) or noncurrentVersionExpiration.days (${rules?.length ?? 0} rule(s)); add one so old versions are deleted.`);
        }
    },
);
