import { describe, expect, it } from "vitest";
import { runPolicies } from "../../offline/policy-run";
import { runOffline } from "../../offline/run";
import { s3Encryption } from "../../policy/rules/aws-data/s3-encryption";
import { type FakeResource, PREVIEW_UNKNOWN, check, fakeGraph, urnOf } from "./helpers";

const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const KMS_RULE = { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:1:key/k" }, bucketKeyEnabled: true };
const AES_RULE = { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };

const bucket = (name: string): FakeResource => ({ type: BUCKET, name, props: { bucket: name } });
const sse = (bucketName: unknown, rules: unknown, type = SSE): FakeResource => ({ type, name: `${String(bucketName)}-sse`, props: { bucket: bucketName, rules } });
const alb = (logBucket: unknown, extra: Record<string, unknown> = {}): FakeResource => ({
    type: LB,
    name: "alb",
    props: { loadBalancerType: "application", accessLogs: { bucket: logBucket, enabled: true, prefix: "alb" }, ...extra },
});
const msgs = async (resources: FakeResource[], config?: Record<string, unknown>) =>
    (await check(s3Encryption, resources, config ? { config: { "s3-encryption": config } } : {})).map((v) => v.message);

describe("s3-encryption", () => {
    it("passes a bucket with SSE-KMS and a bucket key, on both aliases", async () => {
        expect(await msgs([bucket("data"), sse("data", [KMS_RULE])])).toEqual([]);
        expect(await msgs([bucket("data"), sse("data", [KMS_RULE], SSE_V2)])).toEqual([]);
        expect(await msgs([{ type: "aws:s3/bucketV2:BucketV2", props: { bucket: "data" } }, sse("data", [KMS_RULE])])).toEqual([]);
    });

    it("fails a bucket with no encryption configuration", async () => {
        const [v] = await check(s3Encryption, [bucket("data"), bucket("other"), sse("other", [KMS_RULE])]);
        expect(v.message).toMatch(/bucket "data" has no server-side encryption configuration/);
        expect(v.urn).toBe(urnOf(BUCKET, "data"));
    });

    it("fails a configuration without a default algorithm", async () => {
        expect(await msgs([bucket("data"), sse("data", [{ bucketKeyEnabled: true }])])).toEqual([expect.stringMatching(/no applyServerSideEncryptionByDefault.sseAlgorithm/)]);
        expect(await msgs([bucket("data"), sse("data", [])])).toHaveLength(1);
    });

    it("fails AES256 on an ordinary bucket", async () => {
        expect(await msgs([bucket("data"), sse("data", [AES_RULE])])).toEqual([expect.stringMatching(/sseAlgorithm is "AES256" on bucket "data"; use "aws:kms"/)]);
    });

    it("fails aws:kms without a bucket key, but not DSSE-KMS (which has none)", async () => {
        const noKey = { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } };
        expect(await msgs([bucket("data"), sse("data", [noKey])])).toEqual([expect.stringMatching(/bucketKeyEnabled is "unset" with aws:kms/)]);
        expect(await msgs([bucket("data"), sse("data", [{ ...noKey, bucketKeyEnabled: false }])])).toEqual([expect.stringMatching(/bucketKeyEnabled is false/)]);
        expect(await msgs([bucket("data"), sse("data", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }])])).toEqual([]);
    });

    it("accepts AES256 on the bucket an ALB writes access logs to, and only there", async () => {
        const stack = [bucket("logs"), sse("logs", [AES_RULE]), alb("logs"), bucket("data"), sse("data", [AES_RULE])];
        const v = await check(s3Encryption, stack);
        expect(v.map((x) => [x.urn, x.message])).toEqual([[urnOf(SSE, "data-sse"), expect.stringMatching(/"AES256" on bucket "data"/)]]);
        // The evidence must be real: logging off, or a network load balancer, earns nothing.
        expect(await msgs([bucket("logs"), sse("logs", [AES_RULE]), alb("logs", { accessLogs: { bucket: "logs", enabled: false } })])).toHaveLength(1);
        expect(await msgs([bucket("logs"), sse("logs", [AES_RULE]), alb("logs", { loadBalancerType: "network" })])).toHaveLength(1);
        // The ALB alias counts too.
        expect(await msgs([bucket("logs"), sse("logs", [AES_RULE]), { ...alb("logs"), type: "aws:alb/loadBalancer:LoadBalancer" }])).toEqual([]);
    });

    it("matches an ALB log bucket through resource references when names are computed", async () => {
        const graph = fakeGraph([bucket("logs"), sse(PREVIEW_UNKNOWN, [AES_RULE]), alb(PREVIEW_UNKNOWN)]);
        const [b, c, lb] = graph.resources;
        c.propertyDependencies = { bucket: [b.urn] };
        lb.propertyDependencies = { accessLogs: [b.urn] };
        expect(await runPolicies(graph, [s3Encryption])).toEqual([]);
        // Without the references nothing decides it: reported, not passed.
        const bare = fakeGraph([bucket("logs"), sse(PREVIEW_UNKNOWN, [AES_RULE]), alb(PREVIEW_UNKNOWN)]);
        const messages = (await runPolicies(bare, [s3Encryption])).map((v) => v.message);
        expect(messages).toContainEqual(expect.stringMatching(/would allow AES256 here is unknown during preview/));
        expect(messages).toContainEqual(expect.stringMatching(/Whether bucket "logs" has an encryption configuration .* unknown during preview/));
    });

    it("accepts AES256 on the target bucket of S3 server access logging, and only there (issue 12, defect 13)", async () => {
        const LOGGING = "aws:s3/bucketLogging:BucketLogging";
        const logging = (source: unknown, target: unknown): FakeResource => ({ type: LOGGING, name: "logging", props: { bucket: source, targetBucket: target, targetPrefix: "s3-access/" } });
        const stack = [bucket("data"), sse("data", [KMS_RULE]), bucket("access"), sse("access", [AES_RULE]), logging("data", "access")];
        expect(await msgs(stack)).toEqual([]);
        // The source bucket earns nothing: only the target is written by the logging service.
        expect(await msgs([bucket("data"), sse("data", [AES_RULE]), bucket("access"), sse("access", [AES_RULE]), logging("data", "access")])).toEqual([
            expect.stringMatching(/"AES256" on bucket "data"/),
        ]);
        expect(await msgs(stack, { allowSseS3ForServerAccessLogs: false })).toEqual([expect.stringMatching(/"AES256" on bucket "access"/)]);
        // Computed names: the logging's targetBucket reference decides it.
        const graph = fakeGraph([bucket("access"), sse(PREVIEW_UNKNOWN, [AES_RULE]), logging("data", PREVIEW_UNKNOWN)]);
        const [b, c, l] = graph.resources;
        c.propertyDependencies = { bucket: [b.urn] };
        l.propertyDependencies = { targetBucket: [b.urn] };
        expect(await runPolicies(graph, [s3Encryption])).toEqual([]);
    });

    it("honours allowSseS3ForAlbAccessLogs and sseS3BucketPrefixes", async () => {
        const stack = [bucket("logs"), sse("logs", [AES_RULE]), alb("logs")];
        expect(await msgs(stack, { allowSseS3ForAlbAccessLogs: false })).toEqual([expect.stringMatching(/"AES256" on bucket "logs"/)]);
        expect(await msgs([bucket("s3-access-logs-1"), sse("s3-access-logs-1", [AES_RULE])], { sseS3BucketPrefixes: ["s3-access-logs-"] })).toEqual([]);
        expect(await msgs([bucket("data"), sse("data", [AES_RULE])], { sseS3BucketPrefixes: ["s3-access-logs-"] })).toHaveLength(1);
    });

    it("checks a bucket's deprecated inline configuration", async () => {
        expect(await msgs([{ type: BUCKET, props: { bucket: "data", serverSideEncryptionConfiguration: { rule: KMS_RULE } } }])).toEqual([]);
        expect(await msgs([{ type: BUCKET, props: { bucket: "data", serverSideEncryptionConfiguration: { rule: AES_RULE } } }])).toEqual([
            expect.stringMatching(/"AES256" on bucket "data"/),
        ]);
    });

    it("never silently passes unknown rules, algorithm or bucket key", async () => {
        expect(await msgs([bucket("data"), sse("data", PREVIEW_UNKNOWN)])).toEqual([expect.stringMatching(/rules is unknown during preview/)]);
        const algo = { ...KMS_RULE, applyServerSideEncryptionByDefault: { sseAlgorithm: PREVIEW_UNKNOWN } };
        expect(await msgs([bucket("data"), sse("data", [algo])])).toEqual([expect.stringMatching(/sseAlgorithm is unknown during preview/)]);
        expect(await msgs([bucket("data"), sse("data", [{ ...KMS_RULE, bucketKeyEnabled: PREVIEW_UNKNOWN }])])).toEqual([expect.stringMatching(/bucketKeyEnabled is unknown/)]);
        expect(await msgs([bucket("data"), sse("data", [AES_RULE]), alb(PREVIEW_UNKNOWN)])).toEqual([expect.stringMatching(/would allow AES256 here is unknown/)]);
    });

    it("lets the prod stack pass only through the ALB and server access-log exemptions", async () => {
        const run = await runOffline({ stack: "prod" });
        expect(await runPolicies(run.graph, [s3Encryption])).toEqual([]);
        const strict = await runPolicies(run.graph, [s3Encryption], { config: { "s3-encryption": { allowSseS3ForAlbAccessLogs: false } } });
        expect(strict.map((v) => v.urn)).toEqual([expect.stringMatching(/BucketServerSideEncryptionConfiguration::web-access-logs-encryption$/)]);
        const stricter = await runPolicies(run.graph, [s3Encryption], { config: { "s3-encryption": { allowSseS3ForServerAccessLogs: false } } });
        expect(stricter.map((v) => v.urn)).toEqual([expect.stringMatching(/BucketServerSideEncryptionConfiguration::backups-access-logs-encryption$/)]);
    });
});
