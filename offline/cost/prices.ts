/**
 * The dated price table behind the plan's cost estimate: list prices in US dollars, on-demand,
 * before tax, discounts and free tiers. Data only; offline/cost/estimate.ts applies it.
 *
 * Every figure names the public pricing page it comes from and the date it was read. The
 * figures were recorded without live web access, from the published list prices as known on
 * `priceDate` and spot-checked against stored copies of those pages; re-read the pages (and
 * move `priceDate`) before relying on a figure for a budget.
 *
 * AWS prices differ by region, so they are keyed by region; a region without an entry is
 * reported as unpriced rather than guessed from another. DigitalOcean lists one price for all
 * of its regions.
 *
 * The priced instance classes, node types and droplet sizes are keys of the dated catalogs the
 * stack-config schema reads (components/database/instance-classes.ts, components/cache/
 * node-types.ts, components/host/droplet-sizes.ts): the compiler refuses an RDS class or a
 * node type that is not in its catalog, tests/unit/catalogs.test.ts a droplet size, and the
 * catalogs' date is this table's date.
 */
import type { ElastiCacheNodeType } from "../../components/cache/node-types";
import type { RdsPostgresInstanceClass } from "../../components/database/instance-classes";
import { catalogDate } from "../../components/shared/catalog";

export const priceDate = catalogDate;
export const currency = "USD";
/** AWS bills hourly resources for 730 hours a month (8,760 h / 12) in its calculator. */
export const awsHoursPerMonth = 730;

export interface Price {
    /** US dollars per `unit`. */
    usd: number;
    unit: string;
    /** The public pricing page the figure comes from. */
    source: string;
    /** When the figure was read (ISO date). */
    read: string;
}

const price = (usd: number, unit: string, source: string, read = priceDate): Price => ({ usd, unit, source, read });

// ---- AWS ----

const aws = {
    rdsPostgres: "https://aws.amazon.com/rds/postgresql/pricing/",
    elastiCache: "https://aws.amazon.com/elasticache/pricing/",
    fargate: "https://aws.amazon.com/fargate/pricing/",
    elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
    vpc: "https://aws.amazon.com/vpc/pricing/",
    privateLink: "https://aws.amazon.com/privatelink/pricing/",
    dataTransfer: "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer",
    s3: "https://aws.amazon.com/s3/pricing/",
    kms: "https://aws.amazon.com/kms/pricing/",
    secrets: "https://aws.amazon.com/secrets-manager/pricing/",
    cloudWatch: "https://aws.amazon.com/cloudwatch/pricing/",
    waf: "https://aws.amazon.com/waf/pricing/",
    route53: "https://aws.amazon.com/route53/pricing/",
    eventBridge: "https://aws.amazon.com/eventbridge/pricing/",
    ecr: "https://aws.amazon.com/ecr/pricing/",
};

export interface RdsInstancePrice {
    singleAz: Price;
    multiAz: Price;
}

export interface ElastiCacheNodePrice {
    /** Redis OSS and Memcached share one price per node type. */
    redis: Price;
    /** Node-based Valkey is listed 20% below Redis OSS. */
    valkey: Price;
}

export interface FargatePrice {
    vcpuHour: Price;
    gbHour: Price;
}

export interface AwsRegionPrices {
    /** RDS for PostgreSQL instance-hours by instance class. */
    rdsPostgresHour: Record<string, RdsInstancePrice>;
    /**
     * Surplus CPU credits of RDS T classes (db.t3, db.t4g), which RDS runs in unlimited mode:
     * billed per vCPU-hour when the 24-hour average CPU is above the class's baseline.
     */
    rdsSurplusCreditVcpuHour: Price;
    /** RDS storage GB-month by storage type; Multi-AZ stores (and bills) a second copy. */
    rdsStorageGbMonth: Record<string, RdsInstancePrice>;
    elastiCacheNodeHour: Record<string, ElastiCacheNodePrice>;
    /** Fargate Linux by CPU architecture (`runtimePlatform.cpuArchitecture`). */
    fargate: Record<string, FargatePrice>;
    albHour: Price;
    albLcuHour: Price;
    natGatewayHour: Price;
    natGatewayGb: Price;
    publicIpv4Hour: Price;
    interfaceEndpointAzHour: Price;
    /** To the internet, first 10 TB/month tier. */
    dataTransferOutGb: Price;
    /** S3 storage GB-month by storage class (first 50 TB tier for Standard). */
    s3GbMonth: Record<string, Price>;
    /** Minimum storage duration (days) by class: deleting earlier bills the remainder. */
    s3MinimumDays: Record<string, number>;
    s3PutPer1000: Price;
    s3GetPer1000: Price;
    kmsKeyMonth: Price;
    kmsPer10kRequests: Price;
    secretMonth: Price;
    secretsPer10kCalls: Price;
    alarmMetricMonth: Price;
    highResolutionAlarmMetricMonth: Price;
    dashboardMonth: Price;
    customMetricMonth: Price;
    logsIngestGb: Price;
    /** Vended logs (VPC flow logs) delivered to CloudWatch Logs, first 10 TB tier. */
    vendedLogsIngestGb: Price;
    logsStorageGbMonth: Price;
    /** EventBridge Scheduler invocations (the first 14 million a month are free: a free tier, not counted). */
    schedulerPerMillionInvocations: Price;
    ecrStorageGbMonth: Price;
    wafWebAclMonth: Price;
    wafRuleMonth: Price;
    wafPerMillionRequests: Price;
    route53HostedZoneMonth: Price;
    /** A health check on an AWS endpoint (a resource of the same account, e.g. a load balancer). */
    route53HealthCheckMonth: Price;
    /** Each optional feature of such a check (HTTPS, string matching, 10-second interval, latency). */
    route53HealthCheckOptionMonth: Price;
}

const rds = (singleAz: number, multiAz: number, unit = "instance-hour", source = aws.rdsPostgres): RdsInstancePrice => ({
    singleAz: price(singleAz, unit, source),
    multiAz: price(multiAz, unit, source),
});
const cacheNode = (redis: number, valkey: number): ElastiCacheNodePrice => ({
    redis: price(redis, "node-hour", aws.elastiCache),
    valkey: price(valkey, "node-hour", aws.elastiCache),
});

/** Prices of some of a catalog's values: a key outside the catalog does not compile. */
type PricedIn<K extends string, V> = { [P in K]?: V };

const usEast1: AwsRegionPrices = {
    rdsPostgresHour: {
        "db.t4g.micro": rds(0.016, 0.032),
        "db.t4g.small": rds(0.032, 0.064),
        "db.t4g.medium": rds(0.065, 0.13),
        "db.t4g.large": rds(0.129, 0.258),
        "db.t4g.xlarge": rds(0.258, 0.516),
        "db.t4g.2xlarge": rds(0.517, 1.034),
        "db.t3.micro": rds(0.018, 0.036),
        "db.t3.small": rds(0.036, 0.072),
        "db.t3.medium": rds(0.072, 0.144),
        "db.t3.large": rds(0.145, 0.29),
        "db.t3.xlarge": rds(0.29, 0.58),
        "db.t3.2xlarge": rds(0.58, 1.16),
        "db.m6g.large": rds(0.159, 0.318),
        "db.m6g.xlarge": rds(0.318, 0.636),
        "db.r6g.large": rds(0.225, 0.45),
        "db.r6g.xlarge": rds(0.45, 0.9),
    } satisfies PricedIn<RdsPostgresInstanceClass, RdsInstancePrice>,
    rdsSurplusCreditVcpuHour: price(0.075, "vCPU-hour of surplus CPU credits (T classes, unlimited mode)", aws.rdsPostgres),
    rdsStorageGbMonth: {
        gp3: rds(0.115, 0.23, "GB-month"),
        gp2: rds(0.115, 0.23, "GB-month"),
    },
    elastiCacheNodeHour: {
        "cache.t4g.micro": cacheNode(0.016, 0.0128),
        "cache.t4g.small": cacheNode(0.032, 0.0256),
        "cache.t4g.medium": cacheNode(0.065, 0.052),
        "cache.t3.micro": cacheNode(0.017, 0.0136),
        "cache.t3.small": cacheNode(0.034, 0.0272),
        "cache.t3.medium": cacheNode(0.068, 0.0544),
        "cache.m6g.large": cacheNode(0.149, 0.1192),
        "cache.r6g.large": cacheNode(0.206, 0.1648),
    } satisfies PricedIn<ElastiCacheNodeType, ElastiCacheNodePrice>,
    fargate: {
        X86_64: { vcpuHour: price(0.04048, "vCPU-hour", aws.fargate), gbHour: price(0.004445, "GB-hour", aws.fargate) },
        ARM64: { vcpuHour: price(0.03238, "vCPU-hour", aws.fargate), gbHour: price(0.00356, "GB-hour", aws.fargate) },
    },
    albHour: price(0.0225, "ALB-hour", aws.elb),
    albLcuHour: price(0.008, "LCU-hour", aws.elb),
    natGatewayHour: price(0.045, "NAT gateway-hour", aws.vpc),
    natGatewayGb: price(0.045, "GB processed", aws.vpc),
    publicIpv4Hour: price(0.005, "public IPv4 address-hour", aws.vpc),
    interfaceEndpointAzHour: price(0.01, "endpoint-AZ-hour", aws.privateLink),
    dataTransferOutGb: price(0.09, "GB out to the internet", aws.dataTransfer),
    s3GbMonth: {
        STANDARD: price(0.023, "GB-month", aws.s3),
        STANDARD_IA: price(0.0125, "GB-month", aws.s3),
        GLACIER_IR: price(0.004, "GB-month", aws.s3),
        GLACIER: price(0.0036, "GB-month", aws.s3),
        DEEP_ARCHIVE: price(0.00099, "GB-month", aws.s3),
    },
    s3MinimumDays: { STANDARD: 0, STANDARD_IA: 30, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 },
    s3PutPer1000: price(0.005, "1,000 PUT/COPY/POST/LIST requests", aws.s3),
    s3GetPer1000: price(0.0004, "1,000 GET requests", aws.s3),
    kmsKeyMonth: price(1, "key-month", aws.kms),
    kmsPer10kRequests: price(0.03, "10,000 requests", aws.kms),
    secretMonth: price(0.4, "secret-month", aws.secrets),
    secretsPer10kCalls: price(0.05, "10,000 API calls", aws.secrets),
    alarmMetricMonth: price(0.1, "alarm metric-month (standard resolution)", aws.cloudWatch),
    highResolutionAlarmMetricMonth: price(0.3, "alarm metric-month (high resolution)", aws.cloudWatch),
    dashboardMonth: price(3, "dashboard-month", aws.cloudWatch),
    customMetricMonth: price(0.3, "metric-month (first 10,000)", aws.cloudWatch),
    logsIngestGb: price(0.5, "GB ingested", aws.cloudWatch),
    vendedLogsIngestGb: price(0.5, "GB of vended logs delivered to CloudWatch Logs", aws.cloudWatch),
    logsStorageGbMonth: price(0.03, "GB-month archived", aws.cloudWatch),
    schedulerPerMillionInvocations: price(1, "million scheduled invocations", aws.eventBridge),
    ecrStorageGbMonth: price(0.1, "GB-month of private repository storage", aws.ecr),
    wafWebAclMonth: price(5, "web ACL-month", aws.waf),
    wafRuleMonth: price(1, "rule-month", aws.waf),
    wafPerMillionRequests: price(0.6, "million requests", aws.waf),
    route53HostedZoneMonth: price(0.5, "hosted zone-month", aws.route53),
    route53HealthCheckMonth: price(0.5, "health check-month (AWS endpoint)", aws.route53),
    route53HealthCheckOptionMonth: price(1, "optional feature-month (AWS endpoint)", aws.route53),
};

/** AWS on-demand prices by region. Add a region by copying its figures from the same pages. */
export const awsPrices: Readonly<Record<string, AwsRegionPrices>> = { "us-east-1": usEast1 };

// ---- DigitalOcean ----

const digitalOcean = {
    droplets: "https://www.digitalocean.com/pricing/droplets",
    bandwidth: "https://docs.digitalocean.com/products/droplets/details/pricing/",
    backups: "https://docs.digitalocean.com/products/backups/details/pricing/",
    volumes: "https://docs.digitalocean.com/products/volumes/details/pricing/",
    reservedIps: "https://docs.digitalocean.com/products/networking/reserved-ips/details/pricing/",
    uptime: "https://docs.digitalocean.com/products/uptime/details/pricing/",
    spaces: "https://www.digitalocean.com/pricing/spaces-object-storage",
};

export interface DropletPrice {
    month: Price;
    /** Outbound transfer the size adds to the team's monthly pool. */
    includedTransferGb: number;
}

export interface DigitalOceanPrices {
    /** Basic droplets by size slug, monthly cap (672 h × the hourly rate). */
    droplets: Record<string, DropletPrice>;
    transferOverageGb: Price;
    /** Backups add a share of the droplet's price, by backup plan. */
    backupShare: Record<"weekly" | "daily", Price>;
    volumeGbMonth: Price;
    /** Reserved IPs cost nothing while assigned to a droplet. */
    reservedIpUnassignedMonth: Price;
    uptimeCheckMonth: Price;
    spacesSubscriptionMonth: Price;
    spacesIncludedStorageGb: number;
    spacesIncludedTransferGb: number;
    spacesStorageOverageGb: Price;
}

const droplet = (usd: number, includedTransferGb: number): DropletPrice => ({
    month: price(usd, "droplet-month", digitalOcean.droplets),
    includedTransferGb,
});

export const digitalOceanPrices: DigitalOceanPrices = {
    droplets: {
        "s-1vcpu-512mb-10gb": droplet(4, 500),
        "s-1vcpu-1gb": droplet(6, 1000),
        "s-1vcpu-2gb": droplet(12, 2000),
        "s-2vcpu-2gb": droplet(18, 3000),
        "s-2vcpu-4gb": droplet(24, 4000),
        "s-4vcpu-8gb": droplet(48, 5000),
        "s-8vcpu-16gb": droplet(96, 6000),
        "s-2vcpu-4gb-amd": droplet(28, 4000),
        "s-4vcpu-8gb-amd": droplet(56, 5000),
        "s-2vcpu-4gb-intel": droplet(28, 4000),
        "s-4vcpu-8gb-intel": droplet(56, 5000),
    },
    transferOverageGb: price(0.01, "GB over the pooled allowance", digitalOcean.bandwidth),
    backupShare: {
        weekly: price(0.2, "share of the droplet's monthly price", digitalOcean.backups),
        daily: price(0.3, "share of the droplet's monthly price", digitalOcean.backups),
    },
    volumeGbMonth: price(0.1, "GB-month", digitalOcean.volumes),
    reservedIpUnassignedMonth: price(5, "unassigned reserved IP-month", digitalOcean.reservedIps),
    uptimeCheckMonth: price(1, "uptime check-month (alerts on it have no charge)", digitalOcean.uptime),
    spacesSubscriptionMonth: price(5, "subscription-month (250 GB stored and 1 TB out included)", digitalOcean.spaces),
    spacesIncludedStorageGb: 250,
    spacesIncludedTransferGb: 1024,
    spacesStorageOverageGb: price(0.02, "GB-month over 250 GB", digitalOcean.spaces),
};
