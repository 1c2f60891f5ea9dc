import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { listOf, remediateOn, shown } from "./support";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

const is = (tokens: readonly string[], type: string): boolean => tokens.includes(type);

function checkAccessBlock(args: ResourceValidationArgs, report: ReportViolation): void {
    for (const flag of FLAGS) {
        const value = read(() => args.props[flag]);
        if (value === UNKNOWN) reportUnknown(report, flag);
        else if (value !== true) report(`${flag} is ${shown(value)}; all four public access block flags must be true.`);
    }
}

/** The canned ACL and explicit grants, on an ACL resource or a bucket's deprecated inline form. */
function checkAcl(args: ResourceValidationArgs, report: ReportViolation, grantsOf: () => unknown[], uriOf: (g: any) => unknown): void {
    const acl = read(() => args.props.acl);
    if (acl === UNKNOWN) reportUnknown(report, "acl");
    else if (PUBLIC_CANNED_ACLS.includes(String(acl))) report(`acl is ${shown(acl)}; public canned ACLs are not allowed: use "private" (or no ACL with BucketOwnerEnforced).`);
    const uris = read(() => grantsOf().map(uriOf));
    if (uris === UNKNOWN) return reportUnknown(report, "the ACL grants");
    for (const uri of uris.filter((u) => PUBLIC_GRANTEES.includes(String(u))))
        report(`an ACL grant is to ${shown(uri)}; grants to AllUsers or AuthenticatedUsers make the bucket public: remove the grant.`);
}

function checkOwnership(args: ResourceValidationArgs, report: ReportViolation): void {
    const ownership = read(() => args.props.rule?.objectOwnership);
    if (ownership === UNKNOWN) return reportUnknown(report, "rule.objectOwnership");
    if (ownership !== "BucketOwnerEnforced") report(`rule.objectOwnership is ${shown(ownership)}; set it to "BucketOwnerEnforced" so ACLs are disabled.`);
}

/** Buckets are never public: access block fully on, no public ACL, ACLs disabled. */
export const s3BlockPublic: SlipwayRule = resourceRule(
    {
        name: "s3-block-public",
        group: "aws",
        description:
            "S3 buckets must not be public: every public access block sets all four flags, no ACL is public-read, public-read-write or authenticated-read (nor grants to AllUsers/AuthenticatedUsers), and object ownership is BucketOwnerEnforced.",
        sources: ["FSBP S3.8", "FSBP S3.2", "FSBP S3.3", "FSBP S3.12"],
        remediation:
            "Give each bucket a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true, and BucketOwnershipControls with objectOwnership BucketOwnerEnforced; drop public ACLs. Serve public content through CloudFront with origin access control instead.",
        level: "mandatory",
    },
    [...types.s3PublicAccessBlock, ...types.s3Acl, ...types.s3OwnershipControls, ...types.s3Bucket],
    (args, report) => {
        if (is(types.s3PublicAccessBlock, args.type)) return checkAccessBlock(args, report);
        if (is(types.s3OwnershipControls, args.type)) return checkOwnership(args, report);
        if (is(types.s3Acl, args.type))
            return checkAcl(args, report, () => listOf(args.props.accessControlPolicy?.grants), (g) => g?.grantee?.uri);
        // The bucket's deprecated inline `acl` / `grants` are still honoured by AWS.
        return checkAcl(args, report, () => listOf(args.props.grants), (g) => g?.uri);
    },
    {
        // Turning the four flags on is the fix; a bucket that must serve public content should
        // do it through CloudFront, which the flags do not affect.
        remediateResource: remediateOn(types.s3PublicAccessBlock, (p) =>
            FLAGS.some((f) => p[f] !== true) ? Object.fromEntries(FLAGS.map((f) => [f, true])) : undefined,
        ),
    },
);
