import type { RecordedResource } from "../recorder";
import { dollars, notPriced, plural, qty, str } from "./basis";
import { type AwsRegionPrices, awsHoursPerMonth as H } from "./prices";
import type { Priced, PricingContext } from "./types";

/** The AWS edge and network families: load balancer, NAT, public IPv4, endpoints, WAF, DNS. */

export function priceLoadBalancer(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const type = str(r.inputs.loadBalancerType) ?? "application";
    if (type !== "application") return notPriced(`${type} load balancers are not in the price table`);
    const { albLcus, dataTransferOutGb } = ctx.assumptions;
    const base = `ALB ${H} h × ${dollars(p.albHour)} + ${albLcus} LCU × ${H} h × ${dollars(p.albLcuHour)}`;
    const lb = H * p.albHour.usd + albLcus * H * p.albLcuHour.usd;
    if (r.inputs.internal === true) return { usd: lb, basis: `${base} (internal: no public IPv4, no internet transfer)` };
    // An internet-facing ALB holds one public IPv4 address per subnet (AZ), billed like any other.
    const azs = ((r.inputs.subnets ?? r.inputs.subnetMappings ?? []) as unknown[]).length || 2;
    return {
        usd: lb + azs * H * p.publicIpv4Hour.usd + dataTransferOutGb * p.dataTransferOutGb.usd,
        basis:
            `${base} + ${plural(azs, "public IPv4 address", "public IPv4 addresses")} (one per AZ) × ${H} h × ${dollars(p.publicIpv4Hour)} + ` +
            `${dataTransferOutGb} GB out to the internet × ${dollars(p.dataTransferOutGb)}`,
    };
}

export function priceNatGateway(_r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const gateways = ctx.graph.ofType("aws:ec2/natGateway:NatGateway").length;
    const total = ctx.assumptions.natProcessedGb;
    const gb = total / gateways;
    return {
        usd: H * p.natGatewayHour.usd + gb * p.natGatewayGb.usd,
        basis: `${H} h × ${dollars(p.natGatewayHour)} + ${qty(gb)} GB processed (natProcessedGb ${total} ÷ ${gateways}) × ${dollars(p.natGatewayGb)}`,
    };
}

export function priceElasticIp(_r: RecordedResource, p: AwsRegionPrices): Priced {
    return { usd: H * p.publicIpv4Hour.usd, basis: `public IPv4 address ${H} h × ${dollars(p.publicIpv4Hour)}` };
}

export function priceVpcEndpoint(r: RecordedResource, p: AwsRegionPrices): Priced {
    const type = str(r.inputs.vpcEndpointType) ?? "Gateway";
    if (type === "Gateway") return { usd: 0, basis: "no charge: gateway endpoints (S3, DynamoDB) have no charge (https://aws.amazon.com/vpc/pricing/)" };
    if (type !== "Interface") return notPriced(`${type} endpoints are not in the price table`);
    const azs = ((r.inputs.subnetIds ?? []) as unknown[]).length || 1;
    return {
        usd: azs * H * p.interfaceEndpointAzHour.usd,
        basis: `${plural(azs, "AZ")} × ${H} h × ${dollars(p.interfaceEndpointAzHour)} (data processed at $0.01/GB not estimated)`,
    };
}

/** Managed rule groups that carry a subscription and per-request fee of their own. */
const paidRuleGroups = ["AWSManagedRulesBotControlRuleSet", "AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet"];

export function priceWebAcl(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const rules = (r.inputs.rules ?? []) as { statement?: { managedRuleGroupStatement?: { name?: string } } }[];
    const paid = rules.map((rule) => rule.statement?.managedRuleGroupStatement?.name).find((n) => n && paidRuleGroups.includes(n));
    if (paid) return notPriced(`the paid managed rule group ${paid} is not in the price table`);
    const requests = ctx.assumptions.requestsMillions;
    return {
        usd: p.wafWebAclMonth.usd + rules.length * p.wafRuleMonth.usd + requests * p.wafPerMillionRequests.usd,
        basis: `web ACL ${dollars(p.wafWebAclMonth)} + ${plural(rules.length, "rule")} × ${dollars(p.wafRuleMonth)} + ${requests} M requests × ${dollars(p.wafPerMillionRequests)}`,
    };
}

export function priceHostedZone(_r: RecordedResource, p: AwsRegionPrices): Priced {
    return { usd: p.route53HostedZoneMonth.usd, basis: `hosted zone ${dollars(p.route53HostedZoneMonth)} (alias queries to AWS resources free)` };
}

/**
 * Route 53 health checks are billed per check per month (global, not per region), plus each
 * optional feature: HTTPS, string matching, the 10-second interval, latency graphs. A check on a
 * domain aliased to the stack's own load balancer is an AWS endpoint; a non-AWS one is listed at
 * $0.75 and $2 per feature.
 */
export function priceHealthCheck(r: RecordedResource, p: AwsRegionPrices): Priced {
    const type = str(r.inputs.type) ?? "";
    if (!["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"].includes(type)) return notPriced(`${type || "untyped"} health checks are not in the price table`);
    const options = [
        type.startsWith("HTTPS") && "HTTPS",
        type.endsWith("_STR_MATCH") && "string matching",
        Number(r.inputs.requestInterval ?? 30) === 10 && "10-second interval",
        r.inputs.measureLatency === true && "latency graphs",
    ].filter((o): o is string => typeof o === "string");
    return {
        usd: p.route53HealthCheckMonth.usd + options.length * p.route53HealthCheckOptionMonth.usd,
        basis:
            `health check ${dollars(p.route53HealthCheckMonth)} (AWS endpoint)` +
            (options.length > 0 ? ` + ${plural(options.length, "optional feature")} (${options.join(", ")}) × ${dollars(p.route53HealthCheckOptionMonth)}` : ""),
    };
}
