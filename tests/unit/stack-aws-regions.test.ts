import * as aws from "@pulumi/aws";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { commercialRegions, elbLogAccounts, elbLogPrincipal, serviceDeliveredRegions } from "../../components/shared/aws-regions";
import { estimateCost } from "../../offline/cost/estimate";
import { renderCostSection } from "../../offline/cost/render";
import { runOffline } from "../../offline/run";

/**
 * Issue 12, defects 2 and 12: the prod stack plans in every commercial region (the access-log
 * writer comes from a complete table), refuses an unknown region and a certificate nothing
 * would validate in one config line, and says so when a region has no prices.
 */
const prodConfig = (): Record<string, unknown> =>
    (parse(readFileSync(join(__dirname, "../../Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

/** The shipped prod stack with some keys replaced (objects replaced whole). */
const prodWith = (over: Record<string, unknown>) => runOffline({ stack: "prod", config: { ...prodConfig(), ...over }, stackFile: "Pulumi.prod.yaml" });

const configError = async (over: Record<string, unknown>): Promise<Error> => {
    const err = await prodWith(over).then(
        () => undefined,
        (e: Error) => e,
    );
    expect(err, "the plan should have been refused").toBeDefined();
    expect(err!.name).toBe("ConfigError");
    expect(err!.message.split("\n")).toHaveLength(1);
    return err!;
};

const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

describe("the region table", () => {
    it("covers exactly the commercial regions the AWS provider knows", () => {
        const providerRegions = Object.values(aws.Region as Record<string, string>).filter((r) => !/^(cn|us-gov|us-iso[a-z]*|eu-isoe|eusc)-/.test(r));
        expect([...commercialRegions]).toEqual([...providerRegions].sort());
        expect(Object.keys(elbLogAccounts).filter((r) => serviceDeliveredRegions.includes(r))).toEqual([]);
    });

    it("sends every region without an ELB account, even one newer than the table, to the log-delivery service", () => {
        for (const r of serviceDeliveredRegions) expect(elbLogPrincipal(r)).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        expect(elbLogPrincipal("xx-future-1")).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        expect(elbLogPrincipal("eu-south-1", "aws")).toEqual({ AWS: "arn:aws:iam::635631232127:root" });
    });
});

describe("prod plans in every kind of commercial region", () => {
    // Before: ap-northeast-2 and eu-south-1 (no account in the offline table) and every region
    // opened since August 2022 (none exists) died with `error serializing property "policy"`.
    it.each([
        ["ap-northeast-2", { AWS: "arn:aws:iam::600734575887:root" }],
        ["eu-south-1", { AWS: "arn:aws:iam::635631232127:root" }],
        ["ap-southeast-4", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
        ["il-central-1", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
    ])("%s: the access-log bucket lets the region's writer in, and the cost block says the region is not priced", async (region, writer) => {
        const run = await prodWith({ "aws:region": region });
        const policies = run.graph.ofType(BUCKET_POLICY).filter((p) => p.name === "web-access-logs-policy");
        expect(policies).toHaveLength(1);
        const allows = (JSON.parse(policies[0].inputs.policy as string).Statement as { Effect: string; Principal: unknown }[]).filter((s) => s.Effect === "Allow");
        expect(allows.map((s) => s.Principal)).toEqual([writer]);

        const cost = estimateCost(run.graph);
        expect(cost.region).toBe(region);
        expect(cost.regionNotPriced).toEqual({ region, pricedRegions: ["us-east-1"] });
        const text = renderCostSection(cost);
        expect(text[1]).toMatch(new RegExp(`^  No AWS prices for region ${region}: offline/cost/prices.ts has us-east-1.* \\d+ AWS resources are not priced`));
        expect(text.some((l) => l.includes("no AWS prices for region"))).toBe(false);
    });

    it("us-east-1 keeps its prices and needs no region notice", async () => {
        const run = await prodWith({});
        const cost = estimateCost(run.graph);
        expect(cost.regionNotPriced).toBeUndefined();
        expect(cost.notPriced.filter((n) => n.reason.startsWith("no AWS prices for region"))).toEqual([]);
        expect(cost.lines.find((l) => l.urn.endsWith("::web-waf-logs"))?.basis).toMatch(/^1 GB\/month ingested \(wafLogsGb, blocked and counted requests\) × \$0\.50/);
    });
});

describe("prod refuses up front what would fail in the cloud", () => {
    it("an unknown region: one line naming aws:region and the regions it knows", async () => {
        const err = await configError({ "aws:region": "eu-wset-1" });
        expect(err.message).toMatch(/^Pulumi\.prod\.yaml: aws:region is "eu-wset-1"; expected a commercial AWS region \(catalog of 2025-06-01\): af-south-1, .*us-west-2; did you mean "eu-west-1"\?$/);
    });

    it("neither a hosted zone nor an issued certificate: one line naming slipway:web.hostedZoneId and the alternative", async () => {
        // Before: the plan passed and the first `pulumi up` failed on a certificate still pending validation.
        const err = await configError({ "slipway:web": { rateLimitPerMinute: 1000 } });
        expect(err.message).toBe(
            "Pulumi.prod.yaml: slipway:web.hostedZoneId is missing; expected the Route 53 hosted zone id of app.example.com (pulumi up validates the certificate through it), or set slipway:web.certificateArn to an issued ACM certificate in us-east-1",
        );
    });

    it("an issued certificate from another region: one line naming slipway:web.certificateArn", async () => {
        const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c";
        const err = await configError({ "slipway:web": { certificateArn: arn } });
        expect(err.message).toMatch(/^Pulumi\.prod\.yaml: slipway:web\.certificateArn is ".*"; expected an ACM certificate in aws:region \(us-east-1\)/);
    });

    it("an issued certificate in the region, without a zone: plans, and the listener uses it as given", async () => {
        const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c";
        const run = await prodWith({ "slipway:web": { certificateArn: arn } });
        expect(run.graph.ofType("aws:acm/certificate:Certificate")).toHaveLength(0);
        const https = run.graph.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        expect(https.inputs.certificateArn).toBe(arn);
    });

    it("the shipped prod stack validates its certificate through its zone before the listener exists", async () => {
        const run = await prodWith({});
        const validation = run.graph.one("aws:acm/certificateValidation:CertificateValidation");
        const https = run.graph.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        expect(https.propertyDependencies.certificateArn).toEqual([validation.urn]);
    });
});
