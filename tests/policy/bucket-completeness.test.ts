import { describe, expect, it } from "vitest";
import { bucketCompleteness, deniesInsecureTransport } from "../../policy/rules/stack/bucket-completeness";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsProvider, dockerStack, s3Bucket, T, tlsOnlyPolicy } from "./stack-fixtures";
import { type Node, patch, run, without } from "./stack-graph";

const rule = bucketCompleteness;
const bucket = (): Node[] => [awsProvider(), ...s3Bucket("b", "phys-b")];

describe("bucket-completeness", () => {
    it("passes a complete S3 bucket and a private, versioned Spaces bucket", async () => {
        expect(await run(rule, bucket())).toEqual([]);
        expect(await run(rule, dockerStack({ remote: true }))).toEqual([]);
    });

    it("fails each missing settings resource", async () => {
        expect(await run(rule, without(bucket(), "b-pab"))).toEqual([expect.stringMatching(/^b: .*has no public access block/)]);
        expect(await run(rule, without(bucket(), "b-sse"))).toEqual([expect.stringMatching(/^b: .*has no server-side encryption configuration/)]);
        expect(await run(rule, without(bucket(), "b-versioning"))).toEqual([expect.stringMatching(/^b: .*has no versioning/)]);
        expect(await run(rule, without(bucket(), "b-policy"))).toEqual([expect.stringMatching(/^b: .*has no bucket policy denying non-TLS requests/)]);
    });

    it("fails a public access block with a flag off, suspended versioning, a policy without the TLS deny", async () => {
        expect(await run(rule, patch(bucket(), "b-pab", { blockPublicPolicy: false, restrictPublicBuckets: undefined }))).toEqual([
            expect.stringMatching(/does not block everything: blockPublicPolicy is false, restrictPublicBuckets is "unset"/),
        ]);
        expect(await run(rule, patch(bucket(), "b-versioning", { versioningConfiguration: { status: "Suspended" } }))).toEqual([
            expect.stringMatching(/versioning is not Enabled/),
        ]);
        const allow = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] });
        expect(await run(rule, patch(bucket(), "b-policy", { policy: allow }))).toEqual([expect.stringMatching(/no Deny statement with Condition Bool aws:SecureTransport/)]);
    });

    it("does not take another bucket's settings for this bucket's", async () => {
        const two = [...bucket(), ...without(s3Bucket("c", "phys-c"), "c-pab")];
        expect(await run(rule, two)).toEqual([expect.stringMatching(/^c: .*has no public access block/)]);
    });

    it("links settings by the bucket's name when no dependency is recorded", async () => {
        const byName = bucket().map((n) => ({ ...n, deps: undefined }));
        expect(await run(rule, byName)).toEqual([]);
    });

    it("reports settings whose bucket is unknown at preview instead of calling them missing", async () => {
        const nodes = bucket().map((n) => (n.name === "b-pab" ? { ...n, deps: undefined, props: { ...n.props, bucket: PREVIEW_UNKNOWN } } : n));
        expect(await run(rule, nodes)).toEqual([expect.stringMatching(/the bucket of b-pab .* is unknown during preview/)]);
        expect(await run(rule, patch(bucket(), "b-policy", { policy: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/is unknown during preview/)]);
        expect(await run(rule, patch(bucket(), "b-pab", { ignorePublicAcls: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/public access block is unknown during preview/)]);
    });

    it("registers on the bucket and settings aliases, and accepts the legacy inline settings", async () => {
        const v2 = bucket().map((n) => ({ ...n, type: n.type === T.bucket ? T.bucketV2 : n.type === T.sse ? T.sseV2 : n.type === T.versioning ? T.versioningV2 : n.type }));
        expect(await run(rule, v2)).toEqual([]);
        expect(await run(rule, without(v2, "b-versioning"))).toHaveLength(1);
        const inline = patch(without(bucket(), "b-sse", "b-versioning", "b-policy"), "b", {
            versioning: { enabled: true },
            serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } },
            policy: tlsOnlyPolicy("phys-b"),
        });
        expect(await run(rule, inline)).toEqual([]);
    });

    it("requires Spaces buckets to be private and versioned", async () => {
        expect(await run(rule, patch(dockerStack(), "backups-bucket", { acl: "public-read" }))).toEqual([expect.stringMatching(/acl "public-read"; Spaces buckets must be private/)]);
        expect(await run(rule, patch(dockerStack(), "backups-bucket", { acl: undefined }))).toEqual([]);
        expect(await run(rule, patch(dockerStack(), "backups-bucket", { versioning: undefined }))).toEqual([expect.stringMatching(/versioning.enabled "unset"; it must be true/)]);
        expect(await run(rule, patch(dockerStack(), "backups-bucket", { acl: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/acl is unknown during preview/)]);
    });

    it("recognises the TLS deny in policy documents", () => {
        expect(deniesInsecureTransport(tlsOnlyPolicy("x"))).toBe(true);
        expect(deniesInsecureTransport({ Statement: { Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } } })).toBe(true);
        expect(deniesInsecureTransport(JSON.stringify({ Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "true" } } }] }))).toBe(false);
        expect(deniesInsecureTransport(undefined)).toBe(false);
    });
});
