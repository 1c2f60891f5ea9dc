import { beforeAll, describe, expect, it } from "vitest";
import { accessLogsBucketPolicy, accessLogsPrefix } from "../../components/backup-bucket/access-logs";
import { AwsBackupBucket } from "../../components/backup-bucket/aws";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { recordResources, resolve } from "../helpers/record";

/**
 * Issue 12, defect 13: the backup bucket holds a full copy of production data and nobody could
 * see who read it. Its requests now go to S3 server access logs in a bucket of their own.
 */

const LOGGING = "aws:s3/bucketLogging:BucketLogging";
const byName = (graph: Graph, name: string): RecordedResource => {
    const r = graph.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
};

describe("the backup bucket's server access logs", () => {
    let graph: Graph;
    let bucketName: string;
    let bucketArn: string;

    beforeAll(async () => {
        const r = await recordResources(() => new AwsBackupBucket("backups", {}));
        graph = r.graph;
        bucketName = (await resolve(r.result.bucketName)).value;
        bucketArn = (await resolve(r.result.bucketArn)).value;
    });

    it("logs every request to the backup bucket into a dedicated, date-partitioned log bucket", () => {
        const logging = graph.one(LOGGING);
        const logs = byName(graph, "backups-access-logs");
        expect(logging.inputs).toMatchObject({
            bucket: bucketName,
            targetBucket: logs.inputs.bucket,
            targetPrefix: accessLogsPrefix,
            targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        });
        expect(logs.inputs.bucket).not.toBe(bucketName);
        expect(String(logs.inputs.bucket).length).toBeLessThanOrEqual(63);
        // Turned on only once the destination grants the logging service and is encrypted.
        for (const dep of ["backups-access-logs-policy", "backups-access-logs-ownership", "backups-access-logs-encryption"]) {
            expect(graph.dependsOn(logging, byName(graph, dep)), dep).toBe(true);
        }
    });

    it("locks the log bucket down: owner-enforced, no public access, versioned, SSE-S3, expiring, protected", () => {
        const of = (suffix: string) => byName(graph, `backups-access-logs-${suffix}`).inputs;
        expect(of("ownership").rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
        expect(of("public-access")).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(of("versioning").versioningConfiguration).toEqual({ status: "Enabled" });
        // Server access logging cannot deliver to an SSE-KMS bucket.
        expect(of("encryption").rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const rules = of("lifecycle").rules as { id: string; filter: object; expiration?: { days?: number }; noncurrentVersionExpiration?: object; abortIncompleteMultipartUpload?: object }[];
        expect(rules.find((r) => r.id === "expire-access-logs")?.expiration).toEqual({ days: 365 });
        expect(rules.some((r) => r.noncurrentVersionExpiration)).toBe(true);
        expect(rules.some((r) => r.abortIncompleteMultipartUpload)).toBe(true);
        for (const r of rules) expect(r.filter).toEqual({});
        expect(byName(graph, "backups-access-logs").protect).toBe(true);
    });

    it("lets only S3's logging service write, only for this bucket and account, only over TLS", () => {
        const policy = byName(graph, "backups-access-logs-policy");
        const logs = byName(graph, "backups-access-logs");
        const logArn = `arn:aws:s3:::${String(logs.inputs.bucket)}`;
        expect(policy.inputs.policy).toBe(accessLogsBucketPolicy({ logBucketArn: logArn, sourceBucketArn: bucketArn, accountId: "123456789012" }));
        const [allow, deny] = JSON.parse(String(policy.inputs.policy)).Statement;
        expect(allow).toEqual({
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${logArn}/${accessLogsPrefix}*`,
            Condition: { ArnLike: { "aws:SourceArn": bucketArn }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
        expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
        expect(graph.dependsOn(policy, byName(graph, "backups-access-logs-public-access"))).toBe(true);
    });
});
