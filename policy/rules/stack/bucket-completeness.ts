import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { companions, s3Versioned, spacesVersioned } from "./buckets";
import { entries, label, ofType, parseJson, path, prop } from "./resources";

const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Whether a bucket policy denies every request made without TLS (aws:SecureTransport = false). */
export function deniesInsecureTransport(policy: Maybe<unknown>): Maybe<boolean> {
    const doc = parseJson(policy);
    if (doc === UNKNOWN) return UNKNOWN;
    const statements = entries(path(doc, "Statement"));
    if (statements === UNKNOWN) return UNKNOWN;
    const list = statements ?? (doc && typeof doc === "object" && path(doc, "Statement") ? [path(doc, "Statement")] : []);
    return list.some((st) => {
        if (path(st, "Effect") !== "Deny") return false;
        const v = path(path(path(st, "Condition"), "Bool"), "aws:SecureTransport");
        return v === false || v === "false" || (Array.isArray(v) && v.includes("false"));
    });
}

type Report = (message: string) => void;

/** One kind of settings resource: linked, flags right, or said why not. */
function requireCompanion(
    resources: PolicyResource[],
    bucket: PolicyResource,
    tokens: readonly string[],
    what: string,
    report: Report,
    verify?: (c: PolicyResource) => string | typeof UNKNOWN | undefined,
): void {
    const found = companions(resources, bucket, tokens);
    if (found.linked.length === 0) {
        if (found.maybe.length) report(`${label(bucket)}: the bucket of ${found.maybe.map(label).join(", ")} is unknown during preview, so its ${what} cannot be verified.`);
        else report(`${label(bucket)} has no ${what} (${tokens[0].split(":").pop()} whose bucket is this bucket).`);
        return;
    }
    if (!verify) return;
    const problems = found.linked.map(verify);
    if (problems.some((p) => p === undefined)) return;
    const first = problems[0]!;
    report(first === UNKNOWN ? `${label(bucket)}: its ${what} is unknown during preview, so it cannot be verified.` : `${label(bucket)}: ${first}`);
}

function checkS3(resources: PolicyResource[], bucket: PolicyResource, report: Report): void {
    requireCompanion(resources, bucket, types.s3PublicAccessBlock, "public access block", report, (pab) => {
        const values = PAB_FLAGS.map((f) => [f, prop(pab, f)] as const);
        if (values.some(([, v]) => v === UNKNOWN)) return UNKNOWN;
        const off = values.filter(([, v]) => v !== true).map(([f, v]) => `${f} is ${JSON.stringify(v ?? "unset")}`);
        return off.length ? `its public access block ${pab.name} does not block everything: ${off.join(", ")}; all four flags must be true.` : undefined;
    });

    if (prop(bucket, "serverSideEncryptionConfiguration") === undefined) {
        requireCompanion(resources, bucket, types.s3Encryption, "server-side encryption configuration", report);
    }

    const versioned = s3Versioned(resources, bucket);
    if (versioned === UNKNOWN) report(`${label(bucket)}: its versioning is unknown during preview, so it cannot be verified.`);
    else if (!versioned) {
        const found = companions(resources, bucket, types.s3Versioning);
        report(
            found.linked.length
                ? `${label(bucket)}: versioning is not Enabled (versioningConfiguration.status of ${found.linked.map((v) => v.name).join(", ")}); it must be Enabled.`
                : `${label(bucket)} has no versioning (BucketVersioning with status Enabled whose bucket is this bucket).`,
        );
    }

    const inline = deniesInsecureTransport(prop(bucket, "policy"));
    if (inline === true) return;
    requireCompanion(resources, bucket, types.s3Policy, "bucket policy denying non-TLS requests", report, (p) => {
        const denies = deniesInsecureTransport(prop(p, "policy"));
        if (denies === UNKNOWN) return UNKNOWN;
        return denies ? undefined : `its bucket policy ${p.name} has no Deny statement with Condition Bool aws:SecureTransport = "false"; requests without TLS must be denied.`;
    });
}

function checkSpaces(bucket: PolicyResource, report: Report): void {
    const acl = prop(bucket, "acl");
    if (acl === UNKNOWN) report(`${label(bucket)}: acl is unknown during preview, so it cannot be verified as private.`);
    // Spaces buckets are private when acl is omitted.
    else if (acl !== undefined && acl !== "private") report(`${label(bucket)} has acl ${JSON.stringify(acl)}; Spaces buckets must be private.`);
    const versioned = spacesVersioned(bucket);
    if (versioned === UNKNOWN) report(`${label(bucket)}: versioning.enabled is unknown during preview, so it cannot be verified.`);
    else if (!versioned) report(`${label(bucket)} has versioning.enabled ${JSON.stringify(path(prop(bucket, "versioning"), "enabled") ?? "unset")}; it must be true.`);
}

/** Every bucket is complete: blocked from the public, encrypted, versioned, TLS only. */
export const bucketCompleteness: SlipwayRule = stackRule(
    {
        name: "bucket-completeness",
        group: "stack",
        description:
            "Every S3 bucket must have, pointing at it, a public access block (all four flags), a server-side encryption configuration, versioning Enabled and a bucket policy denying requests without TLS; every Spaces bucket must be private and versioned.",
        sources: ["FSBP S3.8", "FSBP S3.5", "FSBP S3.14", "CKV_AWS_19", "CKV_AWS_21", "CKV2_AWS_6"],
        remediation:
            "Create, for each aws.s3.Bucket, a BucketPublicAccessBlock (all flags true), a BucketServerSideEncryptionConfiguration, a BucketVersioning (status Enabled) and a BucketPolicy with a Deny on aws:SecureTransport = false, each with bucket: bucket.bucket (the BackupBucket component does all four). Spaces: acl private, versioning { enabled: true }.",
        level: "mandatory",
    },
    (args, report: ReportViolation) => {
        for (const b of ofType(args.resources, types.s3Bucket)) checkS3(args.resources, b, (m) => report(m, b.urn));
        for (const b of ofType(args.resources, types.doSpacesBucket)) checkSpaces(b, (m) => report(m, b.urn));
    },
);
