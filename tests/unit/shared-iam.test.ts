import { describe, expect, it } from "vitest";
import { cloudWatchRetentionDays, isCloudWatchRetention } from "../../components/shared/cloudwatch";
import {
    type AccountContext,
    accountAdministersKey,
    denyInsecureTransport,
    ecsTaskExecutionTrustPolicy,
    logGroupArn,
    logsEncryptionKeyPolicy,
    logsMayUseKey,
    policyDocument,
    serviceTrustPolicy,
} from "../../components/shared/iam";

const ctx: AccountContext = { accountId: "111122223333", partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };
const cn: AccountContext = { accountId: "444455556666", partition: "aws-cn", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn" };

describe("shared policy pieces", () => {
    it("wraps statements in a 2012-10-17 document", () => {
        expect(policyDocument([{ Sid: "A" }])).toBe('{"Version":"2012-10-17","Statement":[{"Sid":"A"}]}');
    });

    it("names log groups by ARN in the account's partition and region", () => {
        expect(logGroupArn(ctx, "/x")).toBe("arn:aws:logs:eu-west-1:111122223333:log-group:/x");
        expect(logGroupArn(cn, "/y/*")).toBe("arn:aws-cn:logs:cn-north-1:444455556666:log-group:/y/*");
    });

    it("lets the account root administer a key, under the caller's Sid", () => {
        expect(accountAdministersKey(cn, "Admins")).toEqual({
            Sid: "Admins",
            Effect: "Allow",
            Principal: { AWS: "arn:aws-cn:iam::444455556666:root" },
            Action: "kms:*",
            Resource: "*",
        });
    });

    it("lets CloudWatch Logs use a key for one exact group, or for a list of patterns", () => {
        const one = logsMayUseKey(cn, "Logs", "/g");
        expect(one.Principal).toEqual({ Service: "logs.cn-north-1.amazonaws.com.cn" });
        expect(one.Condition).toEqual({ ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws-cn:logs:cn-north-1:444455556666:log-group:/g" } });
        expect(one.Action).not.toContain("kms:*");

        const many = logsMayUseKey(ctx, "Logs", ["/a/*", "/b"]);
        expect(many.Condition).toEqual({
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": ["arn:aws:logs:eu-west-1:111122223333:log-group:/a/*", "arn:aws:logs:eu-west-1:111122223333:log-group:/b"],
            },
        });
    });

    it("builds the log-encrypting key policy from the two statements", () => {
        const doc = JSON.parse(logsEncryptionKeyPolicy({ ...ctx, logGroupNames: ["/x"] }));
        expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["AccountAdministersThroughIam", "CloudWatchLogsEncryptsOwnLogGroups"]);
        expect(doc.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toEqual(["arn:aws:logs:eu-west-1:111122223333:log-group:/x"]);
    });

    it("trusts one service for this account, and pins the source ARN when given", () => {
        const plain = JSON.parse(serviceTrustPolicy("monitoring.rds.amazonaws.com", "111122223333"));
        expect(plain.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "monitoring.rds.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
            },
        ]);
        const pinned = JSON.parse(serviceTrustPolicy("ecs-tasks.amazonaws.com", "111122223333", "arn:aws:ecs:eu-west-1:111122223333:*"));
        expect(pinned.Statement[0].Condition).toEqual({
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*" },
        });
    });

    it("trusts ECS tasks for an execution role without source keys, which AWS documents for task roles only", () => {
        expect(JSON.parse(ecsTaskExecutionTrustPolicy())).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });

    it("denies plain HTTP on a bucket and its objects", () => {
        expect(denyInsecureTransport("arn:aws:s3:::b")).toEqual({
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });
});

describe("CloudWatch Logs retention", () => {
    it("accepts exactly the periods PutRetentionPolicy takes", () => {
        expect(cloudWatchRetentionDays).toHaveLength(22);
        for (const days of cloudWatchRetentionDays) expect(isCloudWatchRetention(days)).toBe(true);
        for (const days of [0, 2, 100, 3650, 3654, -1, 1.5]) expect(isCloudWatchRetention(days)).toBe(false);
    });
});
