import { describe, expect, it } from "vitest";
import { s3BlockPublic } from "../../policy/rules/aws-data/s3-block-public";
import { remediate } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACL = "aws:s3/bucketAcl:BucketAcl";
const ACL_V2 = "aws:s3/bucketAclV2:BucketAclV2";
const OWN = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const BUCKET = "aws:s3/bucket:Bucket";
const FLAGS = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

describe("s3-block-public: public access block", () => {
    it("passes all four flags on", async () => {
        expect(await messages(s3BlockPublic, PAB, { bucket: "b", ...FLAGS })).toEqual([]);
    });

    it("fails each flag that is off or missing", async () => {
        for (const flag of Object.keys(FLAGS)) {
            expect(await messages(s3BlockPublic, PAB, { bucket: "b", ...FLAGS, [flag]: false })).toEqual([expect.stringMatching(new RegExp(`^${flag} is false`))]);
            expect(await messages(s3BlockPublic, PAB, { bucket: "b", ...FLAGS, [flag]: undefined })).toEqual([expect.stringMatching(new RegExp(`^${flag} is "unset"`))]);
        }
        expect(await messages(s3BlockPublic, PAB, { bucket: "b" })).toHaveLength(4);
    });

    it("never silently passes an unknown flag", async () => {
        expect(await messages(s3BlockPublic, PAB, { bucket: "b", ...FLAGS, blockPublicPolicy: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/blockPublicPolicy is unknown during preview/)]);
    });

    it("remediates by turning every flag on", async () => {
        expect(await remediate(s3BlockPublic, PAB, { bucket: "b", blockPublicAcls: true })).toEqual({ bucket: "b", ...FLAGS });
        expect(await remediate(s3BlockPublic, PAB, { bucket: "b", ...FLAGS })).toBeUndefined();
        expect(await remediate(s3BlockPublic, OWN, { bucket: "b", rule: { objectOwnership: "ObjectWriter" } })).toBeUndefined();
    });
});

describe("s3-block-public: ACLs", () => {
    it("passes a private ACL on both aliases", async () => {
        expect(await messages(s3BlockPublic, ACL, { bucket: "b", acl: "private" })).toEqual([]);
        expect(await messages(s3BlockPublic, ACL_V2, { bucket: "b", acl: "log-delivery-write" })).toEqual([]);
    });

    it("fails every public canned ACL, on both aliases", async () => {
        for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
            expect(await messages(s3BlockPublic, ACL, { bucket: "b", acl })).toEqual([expect.stringMatching(new RegExp(`acl is "${acl}"`))]);
        }
        expect(await messages(s3BlockPublic, ACL_V2, { bucket: "b", acl: "public-read" })).toHaveLength(1);
    });

    it("fails grants to AllUsers or AuthenticatedUsers in an access control policy", async () => {
        const acp = (uri: string) => ({
            bucket: "b",
            accessControlPolicy: { owner: { id: "me" }, grants: [{ permission: "FULL_CONTROL", grantee: { type: "CanonicalUser", id: "me" } }, { permission: "READ", grantee: { type: "Group", uri } }] },
        });
        expect(await messages(s3BlockPublic, ACL, acp(ALL_USERS))).toEqual([expect.stringMatching(/grant is to ".*AllUsers"/)]);
        expect(await messages(s3BlockPublic, ACL, acp("http://acs.amazonaws.com/groups/global/AuthenticatedUsers"))).toHaveLength(1);
        expect(await messages(s3BlockPublic, ACL, acp("http://acs.amazonaws.com/groups/s3/LogDelivery"))).toEqual([]);
    });

    it("checks a bucket's deprecated inline acl and grants", async () => {
        expect(await messages(s3BlockPublic, BUCKET, { bucket: "b" })).toEqual([]);
        expect(await messages(s3BlockPublic, BUCKET, { bucket: "b", acl: "public-read-write" })).toEqual([expect.stringMatching(/acl is "public-read-write"/)]);
        expect(await messages(s3BlockPublic, BUCKET, { bucket: "b", grants: [{ type: "Group", uri: ALL_USERS, permissions: ["READ"] }] })).toHaveLength(1);
        expect(await messages(s3BlockPublic, "aws:s3/bucketV2:BucketV2", { bucket: "b", acl: "public-read" })).toHaveLength(1);
    });

    it("never silently passes an unknown ACL", async () => {
        expect(await messages(s3BlockPublic, ACL, { bucket: "b", acl: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/acl is unknown during preview/)]);
        expect(await messages(s3BlockPublic, ACL, { bucket: "b", accessControlPolicy: { owner: { id: "me" }, grants: PREVIEW_UNKNOWN } })).toEqual([expect.stringMatching(/grants is unknown/)]);
    });
});

describe("s3-block-public: ownership controls", () => {
    it("passes BucketOwnerEnforced", async () => {
        expect(await messages(s3BlockPublic, OWN, { bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } })).toEqual([]);
    });

    it("fails any other ownership", async () => {
        expect(await messages(s3BlockPublic, OWN, { bucket: "b", rule: { objectOwnership: "ObjectWriter" } })).toEqual([expect.stringMatching(/rule.objectOwnership is "ObjectWriter"/)]);
        expect(await messages(s3BlockPublic, OWN, { bucket: "b", rule: { objectOwnership: "BucketOwnerPreferred" } })).toHaveLength(1);
    });

    it("never silently passes an unknown ownership", async () => {
        expect(await messages(s3BlockPublic, OWN, { bucket: "b", rule: { objectOwnership: PREVIEW_UNKNOWN } })).toEqual([expect.stringMatching(/objectOwnership is unknown/)]);
    });

    it("ignores unrelated types", async () => {
        expect(await messages(s3BlockPublic, "aws:s3/bucketPolicy:BucketPolicy", { bucket: "b", acl: "public-read" })).toEqual([]);
    });
});
