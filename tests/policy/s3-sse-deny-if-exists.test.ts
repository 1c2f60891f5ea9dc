import { describe, expect, it } from "vitest";
import { backupBucketPolicy } from "../../components/backup-bucket/policy";
import { s3SseDenyIfExists } from "../../policy/rules/aws-data/s3-sse-deny-if-exists";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET = "aws:s3/bucket:Bucket";
const ARN = "arn:aws:s3:::b";
const KEY = "arn:aws:kms:us-east-1:111122223333:key/k";
const SSE = "s3:x-amz-server-side-encryption";
const SSE_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const deny = (Sid: string, Condition: object) => ({ Sid, Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${ARN}/*`, Condition });
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("s3-sse-deny-if-exists", () => {
    it("passes denies that apply only when the header is sent, and the backup bucket's policy", async () => {
        const ok = doc(
            deny("DenyOtherEncryption", { StringNotEquals: { [SSE]: "aws:kms" }, Null: { [SSE]: "false" } }),
            deny("DenyOtherKmsKey", { StringNotEquals: { [SSE_KEY]: KEY }, Null: { [SSE_KEY]: "false" } }),
        );
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: ok })).toEqual([]);
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: backupBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, writerRoleArns: [] }) })).toEqual([]);
    });

    it("leaves alone IfExists operators that are not negated, other keys, and Allow statements", async () => {
        const other = doc(
            deny("Positive", { StringEqualsIfExists: { [SSE]: "AES256" } }),
            deny("Tls", { BoolIfExists: { "aws:SecureTransport": "false" } }),
            { Sid: "AllowIfExists", Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:PutObject", Resource: `${ARN}/*`, Condition: { StringNotEqualsIfExists: { [SSE]: "AES256" } } },
        );
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: other })).toEqual([]);
    });

    it("fails the broken form: a Deny with StringNotEqualsIfExists on either SSE header", async () => {
        const broken = doc(
            deny("DenyOtherEncryption", { StringNotEqualsIfExists: { [SSE]: "aws:kms" } }),
            deny("DenyOtherKmsKey", { StringNotEqualsIfExists: { [SSE_KEY]: KEY } }),
        );
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: broken })).toEqual([
            expect.stringMatching(/^policy statement "DenyOtherEncryption" denies with StringNotEqualsIfExists on s3:x-amz-server-side-encryption: that is true when the upload sends no such header/),
            expect.stringMatching(/^policy statement "DenyOtherKmsKey" denies with StringNotEqualsIfExists on s3:x-amz-server-side-encryption-aws-kms-key-id/),
        ]);
    });

    it("fails other spellings: set operators, ARN operators, case, a single statement object, a policy object", async () => {
        const variants = [
            { "ForAnyValue:StringNotEqualsIfExists": { [SSE]: "aws:kms" } },
            { ArnNotLikeIfExists: { [SSE_KEY]: KEY } },
            { stringnotlikeifexists: { "S3:X-Amz-Server-Side-Encryption": "aws:kms" } },
        ];
        for (const c of variants) expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: doc(deny("D", c)) })).toHaveLength(1);
        const single = JSON.stringify({ Statement: { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "*", Condition: variants[0] } });
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: single })).toEqual([expect.stringMatching(/^policy statement #1 denies/)]);
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: { Statement: [deny("D", variants[1])] } })).toHaveLength(1);
    });

    it("checks a bucket's inline policy only when set, and never passes an unknown one silently", async () => {
        expect(await messages(s3SseDenyIfExists, BUCKET, { bucket: "b" })).toEqual([]);
        const broken = deny("D", { StringNotEqualsIfExists: { [SSE]: "aws:kms" } });
        expect(await messages(s3SseDenyIfExists, BUCKET, { bucket: "b", policy: doc(broken) })).toHaveLength(1);
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/^policy is unknown during preview/)]);
        const partly = { Statement: [{ ...deny("D", {}), Effect: PREVIEW_UNKNOWN }] };
        expect(await messages(s3SseDenyIfExists, POLICY, { bucket: "b", policy: partly })).toEqual([expect.stringMatching(/part of policy is unknown during preview/)]);
    });
});
