import { describe, expect, it } from "vitest";
import { defaultCostAssumptions } from "../../offline/cost/assumptions";
import { estimateCost } from "../../offline/cost/estimate";
import { type Price, awsPrices, digitalOceanPrices, priceDate } from "../../offline/cost/prices";
import { renderCostSection } from "../../offline/cost/render";
import { Graph } from "../../offline/graph";
import { ConfigError } from "../../stacks/config-errors";
import { parseStackConfig } from "../../stacks/config";
import { recordedResource } from "../helpers/recorded-resource";

const resource = recordedResource;

const awsProvider = (region: string) => resource("pulumi:providers:aws", "aws", { region });
const rds = (instanceClass: string) =>
    resource("aws:rds/instance:Instance", "db", { engine: "postgres", instanceClass, allocatedStorage: 20, storageType: "gp3", multiAz: false });
const securityGroup = resource("aws:ec2/securityGroup:SecurityGroup", "sg");

describe("what the estimate will not guess", () => {
    it("lists a type it has no rule for as not priced, never as zero", () => {
        const unknown = resource("aws:sagemaker/endpoint:Endpoint", "model");
        const cost = estimateCost(new Graph([awsProvider("us-east-1"), rds("db.t4g.micro"), unknown, securityGroup]));
        expect(cost.notPriced).toEqual([{ urn: unknown.urn, type: unknown.type, reason: "no price rule for this resource type" }]);
        expect(cost.lines.map((l) => l.urn)).not.toContain(unknown.urn);
        // 730 × 0.016 + 20 × 0.115
        expect(cost.monthlyUsd).toBeCloseTo(11.68 + 2.3, 2);
        expect(renderCostSection(cost).join("\n")).toMatch(/Not priced \(1, not in the total\):\n {4}model \(aws:sagemaker:Endpoint\): no price rule for this resource type/);
    });

    it("says a burstable RDS class is priced for use within its baseline, with the surplus-credit price and worst case", () => {
        const basis = (cls: string) => estimateCost(new Graph([awsProvider("us-east-1"), rds(cls)])).lines[0].basis;
        // db.t4g.large: 2 vCPUs, 36 credits an hour (30%); all busy: 2 × 730 × 0.7 × 0.075 = 76.65.
        expect(basis("db.t4g.large")).toContain(
            "assumes CPU within the 30% baseline of db.t4g.large (unlimited mode): above it, surplus credits at $0.075/vCPU-hour, up to $76.65/month with all 2 vCPUs busy all month, not estimated",
        );
        expect(basis("db.t3.micro")).toContain("10% baseline of db.t3.micro");
        expect(basis("db.m6g.large")).not.toContain("surplus");
        expect(awsPrices["us-east-1"].rdsSurplusCreditVcpuHour.usd).toBe(0.075);
    });

    it("lists a size missing from the table as not priced", () => {
        const cost = estimateCost(new Graph([awsProvider("us-east-1"), rds("db.x2g.16xlarge")]));
        expect(cost.notPriced).toEqual([expect.objectContaining({ reason: "db.x2g.16xlarge is not in the price table" })]);
        expect(cost.monthlyUsd).toBe(0);
    });

    it("says a region has no prices instead of borrowing another region's", () => {
        const cost = estimateCost(new Graph([awsProvider("eu-west-3"), rds("db.t4g.micro"), securityGroup]));
        expect(cost.region).toBe("eu-west-3");
        expect(cost.notPriced).toEqual([expect.objectContaining({ reason: "no AWS prices for region eu-west-3 in offline/cost/prices.ts" })]);
        // Free stays free in any region.
        expect(cost.lines).toEqual([expect.objectContaining({ urn: securityGroup.urn, monthlyUsd: 0 })]);
    });

    it("does not make lines of components or providers", () => {
        const component = resource("slipway:components:Database", "db", {}, false);
        const cost = estimateCost(new Graph([awsProvider("us-east-1"), component, securityGroup]));
        expect(cost.lines.map((l) => l.urn)).toEqual([securityGroup.urn]);
        expect(cost.notPriced).toEqual([]);
    });

    it("does not price a bucket it cannot tell the use of", () => {
        const bucket = resource("aws:s3/bucket:Bucket", "assets", { bucket: "assets" });
        const cost = estimateCost(new Graph([awsProvider("us-east-1"), bucket]));
        expect(cost.notPriced).toEqual([expect.objectContaining({ reason: "a bucket of unknown use: no stored-GB assumption for it" })]);
    });
});

describe("S3 lifecycle", () => {
    it("bills an early deletion from a class with a minimum storage duration", () => {
        // Unversioned: Standard for 30 days, Glacier IR from day 30, deleted at 90 (60 days < 90-day minimum).
        const component = resource("slipway:components:BackupBucket", "backups", {}, false);
        const bucket = { ...resource("aws:s3/bucket:Bucket", "backups-bucket", { bucket: "b" }), parent: component.urn };
        const lifecycle = resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lc", {
            bucket: "b",
            rules: [{ status: "Enabled", expiration: { days: 90 }, transitions: [{ days: 30, storageClass: "GLACIER_IR" }] }],
        });
        const cost = estimateCost(new Graph([awsProvider("us-east-1"), component, bucket, lifecycle]), { backupStorageGb: 90, s3PutRequestsThousands: 0, s3GetRequestsThousands: 0 });
        // 90 GB: 30 GB Standard × 0.023 + 60 GB Glacier IR × 0.004 × 90/60
        expect(cost.lines.find((l) => l.urn === bucket.urn)?.monthlyUsd).toBeCloseTo(0.69 + 0.36, 2);
        expect(cost.lines.find((l) => l.urn === bucket.urn)?.basis).toContain("60 GB Glacier IR × $0.004 × 90/60 (90-day minimum)");
    });
});

describe("the price table", () => {
    const figures = (table: unknown): Price[] =>
        table && typeof table === "object"
            ? "usd" in table && "source" in table
                ? [table as Price]
                : Object.values(table).flatMap(figures)
            : [];

    it("gives every figure a public pricing page and the date it was read", () => {
        const all = [...figures(awsPrices), ...figures(digitalOceanPrices)];
        expect(all.length).toBeGreaterThan(60);
        for (const p of all) {
            expect(p.source).toMatch(/^https:\/\/(aws\.amazon\.com|www\.digitalocean\.com|docs\.digitalocean\.com)\//);
            expect(p.read).toBe(priceDate);
            expect(p.usd).toBeGreaterThan(0);
        }
        expect(priceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it("prices the dev droplet size and the prod instance classes", () => {
        expect(digitalOceanPrices.droplets["s-2vcpu-4gb"].month.usd).toBe(24);
        expect(awsPrices["us-east-1"].rdsPostgresHour["db.t4g.large"].multiAz.usd).toBe(0.258);
        expect(awsPrices["us-east-1"].elastiCacheNodeHour["cache.t4g.medium"].valkey.usd).toBe(0.052);
    });
});

describe("slipway:costAssumptions in the stack config", () => {
    const base = { target: "local", monitoring: { silent: true } };
    const parse = (costAssumptions: unknown) => () => parseStackConfig({ ...base, costAssumptions }, { stackFile: "Pulumi.dev.yaml", secretKeys: new Set() });

    it("accepts overrides of any assumption", () => {
        expect(parse({ natProcessedGb: 300, averageTasks: 4.5 })().costAssumptions).toEqual({ natProcessedGb: 300, averageTasks: 4.5 });
        expect(Object.keys(defaultCostAssumptions).sort()).toEqual(
            Object.keys(parse(Object.fromEntries(Object.keys(defaultCostAssumptions).map((k) => [k, 1])))().costAssumptions ?? {}).sort(),
        );
    });

    it("rejects a bad value with one line naming the key, the value and the unit", () => {
        expect(parse({ natProcessedGb: -5 })).toThrow(ConfigError);
        expect(parse({ natProcessedGb: -5 })).toThrow(
            "Pulumi.dev.yaml: slipway:costAssumptions.natProcessedGb is -5; expected a number from 0 to 10000000 (GB per month through the NAT gateways, all together)",
        );
        expect(parse({ dataTransferOutGb: "lots" })).toThrow(
            'Pulumi.dev.yaml: slipway:costAssumptions.dataTransferOutGb is "lots"; expected a number from 0 to 10000000 (GB per month served to the internet)',
        );
    });

    it("rejects an unknown key and lists the allowed ones", () => {
        expect(parse({ natGb: 3 })).toThrow(/^Pulumi\.dev\.yaml: slipway:costAssumptions\.natGb is not a known key under slipway:costAssumptions; expected one of the keys dataTransferOutGb, /);
    });
});
