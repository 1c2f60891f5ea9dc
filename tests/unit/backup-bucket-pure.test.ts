import { runSimulation } from "@cloud-copilot/iam-simulate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeBackupBucketArgs } from "../../components/backup-bucket/index";
import { backupBucketPolicy, backupKeyPolicy } from "../../components/backup-bucket/policy";
import { expectArgError } from "../helpers/arg-error";

describe("normalizeBackupBucketArgs", () => {
    it("applies the production defaults", () => {
        expect(normalizeBackupBucketArgs()).toEqual({
            retentionDays: 90,
            noncurrentVersionDays: 30,
            transitionToColdAfterDays: 30,
            protect: true,
            forceDestroy: false,
        });
    });

    it("accepts a transition switched off, even for a one-day retention", () => {
        expect(normalizeBackupBucketArgs({ retentionDays: 1, transitionToColdAfterDays: false }).transitionToColdAfterDays).toBe(false);
    });

    it.each([
        [{ retentionDays: 30, transitionToColdAfterDays: 30 }, { key: "transitionToColdAfterDays", value: 30, allowed: /fewer days than retentionDays \(30\), or false/ }],
        [{ retentionDays: 20 }, { key: "transitionToColdAfterDays", value: 30, allowed: /fewer days than retentionDays \(20\), or false/ }],
        [{ retentionDays: 0 }, { key: "retentionDays", value: 0, allowed: /a whole number of days, at least 1/ }],
        [{ noncurrentVersionDays: 2.5 }, { key: "noncurrentVersionDays", value: 2.5, allowed: /a whole number of days/ }],
        [{ transitionToColdAfterDays: 0 }, { key: "transitionToColdAfterDays", value: 0, allowed: /a whole number of days/ }],
    ])("rejects %o", (args, want) => {
        expectArgError(() => normalizeBackupBucketArgs(args), want);
    });

    it("accepts every transition strictly before the retention (property)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 2, max: 3650 }), fc.integer({ min: 1, max: 3650 }), (retention, transition) => {
                const ok = transition < retention;
                const run = () => normalizeBackupBucketArgs({ retentionDays: retention, transitionToColdAfterDays: transition });
                if (ok) expect(run().transitionToColdAfterDays).toBe(transition);
                else expectArgError(run, { key: "transitionToColdAfterDays", value: transition, allowed: `fewer days than retentionDays (${retention}), or false` });
            }),
        );
    });
});

describe("backupBucketPolicy", () => {
    const keyArn = "arn:aws:kms:us-east-1:111122223333:key/k";

    it("denies insecure transport on the bucket and its objects, whatever the bucket (property)", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/), (bucket) => {
                const arn = `arn:aws:s3:::${bucket}`;
                const s = JSON.parse(backupBucketPolicy({ bucketArn: arn, kmsKeyArn: keyArn, writerRoleArns: [] })).Statement;
                const tls = s.find((x: { Sid: string }) => x.Sid === "DenyInsecureTransport");
                expect(tls).toEqual({
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [arn, `${arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                });
            }),
        );
    });

    it("denies SSE-KMS uploads that do not name a key (they would use aws/s3)", () => {
        const s = JSON.parse(backupBucketPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: keyArn, writerRoleArns: [] })).Statement;
        expect(s.find((x: { Sid: string }) => x.Sid === "DenyKmsWithoutKey")).toMatchObject({
            Effect: "Deny",
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: {
                StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
                Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
            },
        });
    });

    it("denies an SSE header naming other encryption or another key, and only when the header is sent", () => {
        const s = JSON.parse(backupBucketPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: keyArn, writerRoleArns: [] })).Statement;
        const byId = (sid: string) => s.find((x: { Sid: string }) => x.Sid === sid).Condition;
        expect(byId("DenyOtherEncryption")).toEqual({
            StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
            Null: { "s3:x-amz-server-side-encryption": "false" },
        });
        expect(byId("DenyOtherKmsKey")).toEqual({
            StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        });
    });

    it("lets a writer upload without SSE headers and refuses other encryption, evaluated by iam-simulate", async () => {
        const writer = "arn:aws:iam::111122223333:role/w";
        const policy = JSON.parse(backupBucketPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: keyArn, writerRoleArns: [writer] }));
        const put = async (headers: Record<string, string>) => {
            const r = await runSimulation(
                {
                    request: {
                        principal: "arn:aws:sts::111122223333:assumed-role/w/s",
                        action: "s3:PutObject",
                        resource: { resource: "arn:aws:s3:::b/x", accountId: "111122223333" },
                        contextVariables: { "aws:SecureTransport": "true", ...headers },
                    },
                    identityPolicies: [],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: policy,
                },
                {},
            );
            if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
            return r.overallResult;
        };
        const kms = "s3:x-amz-server-side-encryption";
        const key = "s3:x-amz-server-side-encryption-aws-kms-key-id";
        expect(await put({})).toBe("Allowed");
        expect(await put({ [kms]: "aws:kms", [key]: keyArn })).toBe("Allowed");
        expect(await put({ [kms]: "AES256" })).toBe("ExplicitlyDenied");
        expect(await put({ [kms]: "aws:kms" })).toBe("ExplicitlyDenied");
        expect(await put({ [kms]: "aws:kms", [key]: "arn:aws:kms:us-east-1:111122223333:key/other" })).toBe("ExplicitlyDenied");
        expect(await put({ [key]: "arn:aws:kms:us-east-1:111122223333:key/other" })).toBe("ExplicitlyDenied");
    });

    it("never grants deletes to writers", () => {
        const s = JSON.parse(backupBucketPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: keyArn, writerRoleArns: ["arn:aws:iam::1:role/w"] })).Statement;
        const allowed = s.filter((x: { Effect: string }) => x.Effect === "Allow").flatMap((x: { Action: string | string[] }) => [x.Action].flat());
        expect(allowed.sort()).toEqual(["s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    });
});

describe("backupKeyPolicy", () => {
    it("scopes writers to S3 in the region of the partition", () => {
        const s = JSON.parse(
            backupKeyPolicy({ partition: "aws-cn", accountId: "1", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn", writerRoleArns: ["arn:aws-cn:iam::1:role/w"] }),
        ).Statement;
        expect(s[0].Principal).toEqual({ AWS: "arn:aws-cn:iam::1:root" });
        expect(s[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn" } });
    });
});
