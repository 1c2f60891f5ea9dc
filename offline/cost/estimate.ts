import type { Graph } from "../graph";
import type { RecordedResource } from "../recorder";
import { type CostAssumptionOverrides, resolveCostAssumptions } from "./assumptions";
import { priceElastiCacheReplicationGroup, priceRdsInstance, priceS3Bucket } from "./aws-data-pricers";
import { priceElasticIp, priceHealthCheck, priceHostedZone, priceLoadBalancer, priceNatGateway, priceVpcEndpoint, priceWebAcl } from "./aws-network-pricers";
import {
    priceDashboard,
    priceEcrRepository,
    priceEcsCluster,
    priceFargateService,
    priceKmsKey,
    priceLogGroup,
    priceMetricAlarm,
    priceS3RequestMetrics,
    priceScheduledTask,
    priceSecret,
} from "./aws-platform-pricers";
import { str } from "./basis";
import { digitalOceanPricers } from "./digitalocean-pricers";
import { noChargeTypes } from "./no-charge";
import { type AwsRegionPrices, awsPrices, currency, digitalOceanPrices, priceDate } from "./prices";
import type { CostEstimate, CostLine, NotPricedResource, Pricer, Priced, PricingContext } from "./types";

/**
 * The monthly cost of a planned stack: every custom resource of the graph is priced from the
 * dated table (offline/cost/prices.ts), declared free of charge (offline/cost/no-charge.ts), or
 * reported as not priced. Usage-based parts use the stack's cost assumptions.
 */

const awsPricers: Readonly<Record<string, Pricer<AwsRegionPrices>>> = {
    "aws:rds/instance:Instance": priceRdsInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": priceElastiCacheReplicationGroup,
    "aws:s3/bucket:Bucket": priceS3Bucket,
    "aws:s3/bucketV2:BucketV2": priceS3Bucket,
    "aws:lb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:ec2/natGateway:NatGateway": priceNatGateway,
    "aws:ec2/eip:Eip": priceElasticIp,
    "aws:ec2/vpcEndpoint:VpcEndpoint": priceVpcEndpoint,
    "aws:wafv2/webAcl:WebAcl": priceWebAcl,
    "aws:route53/zone:Zone": priceHostedZone,
    "aws:route53/healthCheck:HealthCheck": priceHealthCheck,
    "aws:ecs/service:Service": priceFargateService,
    "aws:ecs/cluster:Cluster": priceEcsCluster,
    "aws:kms/key:Key": priceKmsKey,
    "aws:secretsmanager/secret:Secret": priceSecret,
    "aws:cloudwatch/metricAlarm:MetricAlarm": priceMetricAlarm,
    "aws:cloudwatch/dashboard:Dashboard": priceDashboard,
    "aws:cloudwatch/logGroup:LogGroup": priceLogGroup,
    "aws:s3/bucketMetric:BucketMetric": priceS3RequestMetrics,
    "aws:scheduler/schedule:Schedule": priceScheduledTask,
    "aws:ecr/repository:Repository": priceEcrRepository,
};

/** Why an AWS resource is not priced when its region has no prices. */
export const regionReason = (region: string): string => `no AWS prices for region ${region} in offline/cost/prices.ts`;

/** The region the AWS provider deploys to, if the stack has one. */
function awsRegionOf(graph: Graph): string | undefined {
    const provider = graph.resources.find((r) => r.type === "pulumi:providers:aws");
    return str(provider?.inputs.region);
}

function digitalOceanRegionOf(graph: Graph): string | undefined {
    return graph.resources.filter((r) => r.type.startsWith("digitalocean:")).map((r) => str(r.inputs.region)).find((x) => x !== undefined);
}

/** Component resources and providers are not billed; only custom resources become lines. */
const isBillable = (r: RecordedResource) => r.custom && !r.type.startsWith("pulumi:providers:");

const cents = (usd: number) => Math.round(usd * 100) / 100;

export function estimateCost(graph: Graph, overrides?: CostAssumptionOverrides): CostEstimate {
    const assumptions = resolveCostAssumptions(overrides);
    // Which assumptions the pricers read, so the plan prints only those: a VPS stack is not
    // priced from NAT traffic or WAF logs, and listing them there reads as if it were.
    const used = new Set<string>();
    const tracked = new Proxy(assumptions, {
        get: (target, key, receiver) => {
            if (typeof key === "string") used.add(key);
            return Reflect.get(target, key, receiver);
        },
    });
    const ctx: PricingContext = { graph, assumptions: tracked };
    const awsRegion = awsRegionOf(graph);
    const awsTable = awsRegion ? awsPrices[awsRegion] : undefined;

    const price = (r: RecordedResource): Priced => {
        const aws = awsPricers[r.type];
        if (aws) {
            if (!awsTable) return { notPriced: regionReason(awsRegion ?? "(unset)") };
            return aws(r, awsTable, ctx);
        }
        const digitalOcean = digitalOceanPricers[r.type];
        if (digitalOcean) return digitalOcean(r, digitalOceanPrices, ctx);
        const free = noChargeTypes[r.type];
        if (free) return { usd: 0, basis: `no charge: ${free}` };
        // The type is beside the reason wherever it is shown (the line, `type` in --json).
        return { notPriced: "no price rule for this resource type" };
    };

    const regionNotPriced =
        awsRegion !== undefined && !awsTable && graph.resources.some((r) => isBillable(r) && awsPricers[r.type])
            ? { region: awsRegion, pricedRegions: Object.keys(awsPrices) }
            : undefined;
    const lines: CostLine[] = [];
    const notPriced: NotPricedResource[] = [];
    for (const r of graph.resources.filter(isBillable)) {
        const priced = price(r);
        if ("notPriced" in priced) notPriced.push({ urn: r.urn, type: r.type, reason: priced.notPriced });
        else lines.push({ urn: r.urn, type: r.type, monthlyUsd: cents(priced.usd), basis: priced.basis });
    }
    return {
        monthlyUsd: cents(lines.reduce((sum, l) => sum + l.monthlyUsd, 0)),
        currency,
        priceDate,
        region: awsRegion ?? digitalOceanRegionOf(graph) ?? "local",
        ...(regionNotPriced ? { regionNotPriced } : {}),
        lines,
        notPriced,
        assumptions,
        assumptionsUsed: Object.keys(assumptions).filter((k) => used.has(k)),
    };
}
