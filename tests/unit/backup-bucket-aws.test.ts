import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsBackupBucket, type AwsBackupBucketArgs } from "../../components/backup-bucket/aws";
import type { Graph } from "../../offline/graph";
import { expectParentedAndPrefixed } from "../helpers/children";
import { withoutAccessLogs } from "../helpers/access-logs";
import { checkArgError } from "../helpers/arg-error";
import { recordResources, resolve } from "../helpers/record";

const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";

// The server-access-log bucket (issue 12, defect 13) is tested in backup-bucket-access-logs.test.ts.
const build = async (args: AwsBackupBucketArgs = {}, name = "backups") => {
    const r = await recordResources(() => new AwsBackupBucket(name, args));
    return { ...r, graph: withoutAccessLogs(r.graph, name) };
};

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string>>;
}
const statements = (policy: unknown): Statement[] => JSON.parse(policy as string).Statement;

interface Rule {
    id: string;
    status: string;
    filter?: object;
    expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
    transitions?: { days: number; storageClass: string }[];
    noncurrentVersionExpiration?: { noncurrentDays: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}
const rules = (graph: Graph): Record<string, Rule> =>
    Object.fromEntries((graph.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Rule[]).map((r) => [r.id, r]));

describe("AwsBackupBucket with defaults", () => {
    let graph: Graph;
    let backups: AwsBackupBucket;
    let bucketName: string;
    let bucketArn: string;
    let keyArn: string;

    beforeAll(async () => {
        const r = await build();
        graph = r.graph;
        backups = r.result;
        bucketName = (await resolve(backups.bucketName)).value;
        bucketArn = (await resolve(backups.bucketArn)).value;
        keyArn = (await resolve(backups.kmsKeyArn)).value;
    });

    it("parents every child to the component and prefixes its name", () => {
        const children = expectParentedAndPrefixed(graph, "slipway:components:BackupBucket", "backups");
        expect(children.map((c) => c.type).sort()).toEqual(
            [
                KEY,
                BUCKET,
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:s3/bucketVersioning:BucketVersioning",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            ].sort(),
        );
    });

    it("protects the bucket and its key, and nothing else", () => {
        expect(graph.resources.filter((r) => r.protect).map((r) => r.type).sort()).toEqual([KEY, BUCKET].sort());
        expect(graph.one(BUCKET).inputs.forceDestroy).toBe(false);
    });

    it("names the bucket from the component and the account, within S3's rules", () => {
        // Bucket names are global: the account id keeps equal stack names in two accounts apart.
        expect(bucketName).toContain("backups-123456789012-");
        expect(bucketName).toMatch(/^[a-z][a-z0-9-]*-[0-9a-f]{6}$/);
        expect(bucketName.length).toBeLessThanOrEqual(63);
        expect(bucketArn).toBe(`arn:aws:s3:::${bucketName}`);
    });

    it("encrypts with its own rotating key and the S3 bucket key", () => {
        const key = graph.one(KEY);
        expect(key.inputs.enableKeyRotation).toBe(true);
        const sse = graph.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        expect(sse.inputs).toEqual({
            bucket: bucketName,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }],
        });
        expect(graph.dependsOn(sse, key)).toBe(true);
    });

    it("turns versioning on, blocks every kind of public access, and enforces bucket ownership", () => {
        expect(graph.one("aws:s3/bucketVersioning:BucketVersioning").inputs).toEqual({ bucket: bucketName, versioningConfiguration: { status: "Enabled" } });
        expect(graph.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toEqual({
            bucket: bucketName,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(graph.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    });

    it("denies plain HTTP on the bucket and on every object", () => {
        const policy = graph.one("aws:s3/bucketPolicy:BucketPolicy");
        expect(policy.inputs.bucket).toBe(bucketName);
        const tls = statements(policy.inputs.policy).find((s) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
        expect(tls).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*" });
        expect(tls!.Resource).toEqual([bucketArn, `${bucketArn}/*`]);
    });

    it("denies uploads that ask for other encryption or another key", () => {
        const s = statements(graph.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        const denies = s.filter((x) => x.Effect === "Deny" && x.Action === "s3:PutObject");
        expect(denies.every((x) => x.Resource === `${bucketArn}/*`)).toBe(true);
        expect(denies.map((x) => x.Condition)).toEqual(
            expect.arrayContaining([
                // Only when the header is sent: a header-less upload gets the bucket default (our key).
                { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption": "false" } },
                { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn }, Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" } },
            ]),
        );
        expect(JSON.stringify(denies)).not.toMatch(/IfExists/);
        // No writers given: nothing is allowed by the bucket policy itself.
        expect(s.filter((x) => x.Effect === "Allow")).toEqual([]);
    });

    it("attaches the policy only after public access is blocked", () => {
        const policy = graph.one("aws:s3/bucketPolicy:BucketPolicy");
        const pab = graph.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        expect(policy.dependencies).toContain(pab.urn);
    });

    it("enforces the retention with lifecycle rules", () => {
        const r = rules(graph);
        expect(Object.keys(r).sort()).toEqual(["abort-incomplete-multipart", "expired-delete-markers", "noncurrent-versions", "retention"]);
        for (const rule of Object.values(r)) expect(rule).toMatchObject({ status: "Enabled", filter: {} });
        expect(r.retention.expiration).toEqual({ days: 90 });
        expect(r.retention.transitions).toEqual([{ days: 30, storageClass: "GLACIER_IR" }]);
        expect(r["noncurrent-versions"].noncurrentVersionExpiration).toEqual({ noncurrentDays: 30 });
        expect(r["expired-delete-markers"].expiration).toEqual({ expiredObjectDeleteMarker: true });
        expect(r["abort-incomplete-multipart"].abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
        const lifecycle = graph.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        expect(lifecycle.dependencies).toContain(graph.one("aws:s3/bucketVersioning:BucketVersioning").urn);
    });

    it("lets only the account administer the key when there are no writers", () => {
        const s = statements(graph.one(KEY).inputs.policy);
        expect(s).toHaveLength(1);
        expect(s[0]).toMatchObject({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*" });
    });

    it("exposes the bucket and the key", () => {
        expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
        expect(graph.one("slipway:components:BackupBucket").outputs).toEqual({ bucketName, bucketArn, kmsKeyArn: keyArn });
    });
});

describe("AwsBackupBucket options", () => {
    it("applies retention, version and transition days", async () => {
        const { graph } = await build({ retentionDays: 365, noncurrentVersionDays: 7, transitionToColdAfterDays: 60 });
        const r = rules(graph);
        expect(r.retention.expiration).toEqual({ days: 365 });
        expect(r.retention.transitions).toEqual([{ days: 60, storageClass: "GLACIER_IR" }]);
        expect(r["noncurrent-versions"].noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
    });

    it("keeps everything in standard storage when the transition is off", async () => {
        const { graph } = await build({ retentionDays: 14, transitionToColdAfterDays: false });
        const r = rules(graph);
        expect(r.retention.transitions).toBeUndefined();
        expect(r.retention.expiration).toEqual({ days: 14 });
    });

    it("unprotects and force-destroys only when asked", async () => {
        const { graph } = await build({ protect: false, forceDestroy: true });
        expect(graph.resources.filter((r) => r.protect)).toEqual([]);
        expect(graph.one(BUCKET).inputs.forceDestroy).toBe(true);
    });

    it("grants writer roles put, get and list, and the key through S3 only", async () => {
        const writer = "arn:aws:iam::123456789012:role/backup-task";
        const { graph, result } = await build({ writerRoleArns: [pulumi.output(writer)] });
        const bucketArn = (await resolve(result.bucketArn)).value;
        const allows = statements(graph.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy).filter((s) => s.Effect === "Allow");
        expect(allows).toEqual([
            expect.objectContaining({ Principal: { AWS: [writer] }, Action: ["s3:PutObject", "s3:GetObject"], Resource: `${bucketArn}/*` }),
            expect.objectContaining({ Principal: { AWS: [writer] }, Action: "s3:ListBucket", Resource: bucketArn }),
        ]);
        expect(JSON.stringify(allows)).not.toContain("Delete");
        const keyWriters = statements(graph.one(KEY).inputs.policy).find((s) => s.Sid === "WritersUseKeyThroughS3");
        expect(keyWriters).toMatchObject({
            Principal: { AWS: [writer] },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        });
    });

    it("keeps a long component name within the 63-character bucket limit", async () => {
        const { result } = await build({}, "Slipway-Production-Application-Backups-For-A-Very-Long-Stack-Name");
        const name = (await resolve(result.bucketName)).value;
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    });

    it("refuses a transition at or after the retention", async () => {
        const error = await build({ retentionDays: 30, transitionToColdAfterDays: 30 }).then(
            () => undefined,
            (e: unknown) => e,
        );
        checkArgError(error, {
            key: "transitionToColdAfterDays",
            value: 30,
            allowed: /fewer days than retentionDays \(30\), or false/,
            component: "BackupBucket",
            resourceName: "backups",
        });
    });
});
