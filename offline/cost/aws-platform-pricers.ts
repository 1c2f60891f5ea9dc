import type { RecordedResource } from "../recorder";
import { cronRunsPerMonth } from "../../components/backup-bucket/schedule-expression";
import { dollars, notPriced, num, plural, qty, str } from "./basis";
import { type AwsRegionPrices, awsHoursPerMonth as H } from "./prices";
import type { Priced, PricingContext } from "./types";

/** The AWS compute and operations families: Fargate (services and scheduled tasks), ECS, KMS, Secrets Manager, CloudWatch. */

const taskDefinitionType = "aws:ecs/taskDefinition:TaskDefinition";
const serviceType = "aws:ecs/service:Service";

/** The task definition `r` runs, found by dependency or by the family in its ARN. */
function taskDefinitionOf(r: RecordedResource, arn: string | undefined, ctx: PricingContext): RecordedResource | undefined {
    const family = /task-definition\/([^:]+)/.exec(arn ?? "")?.[1];
    return ctx.graph.ofType(taskDefinitionType).find((td) => ctx.graph.dependsOn(r, td) || (family !== undefined && td.inputs.family === family));
}

type FargateSize = { vcpu: number; gb: number; arch: string; hourly: number };

/** A Fargate task definition's size and its hourly price, or why it cannot be priced. */
function fargateTask(td: RecordedResource | undefined, p: AwsRegionPrices): FargateSize | { notPriced: string } {
    if (!td) return notPriced("its task definition is not in the plan");
    const platform = (td.inputs.runtimePlatform ?? {}) as { cpuArchitecture?: string; operatingSystemFamily?: string };
    if ((platform.operatingSystemFamily ?? "LINUX") !== "LINUX") return notPriced(`${platform.operatingSystemFamily} tasks are not in the price table`);
    const arch = platform.cpuArchitecture ?? "X86_64";
    const rates = p.fargate[arch];
    if (!rates) return notPriced(`Fargate ${arch} is not in the price table`);
    const vcpu = (num(td.inputs.cpu) ?? 256) / 1024;
    const gb = (num(td.inputs.memory) ?? 512) / 1024;
    return { vcpu, gb, arch, hourly: vcpu * rates.vcpuHour.usd + gb * rates.gbHour.usd };
}

const sizeBasis = (t: FargateSize, p: AwsRegionPrices): string =>
    `(${t.vcpu} vCPU × ${dollars(p.fargate[t.arch].vcpuHour)} + ${t.gb} GB × ${dollars(p.fargate[t.arch].gbHour)}), Linux/${t.arch}, 20 GB ephemeral storage included`;

export function priceFargateService(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const launchType = str(r.inputs.launchType);
    if (launchType !== "FARGATE") return notPriced(`launch type ${launchType ?? "(capacity providers)"}: only Fargate is in the price table`);
    const task = fargateTask(taskDefinitionOf(r, str(r.inputs.taskDefinition), ctx), p);
    if ("notPriced" in task) return task;
    const fromAssumption = ctx.assumptions.averageTasks !== undefined;
    const tasks = ctx.assumptions.averageTasks ?? num(r.inputs.desiredCount) ?? 1;
    return {
        usd: tasks * H * task.hourly,
        basis: `${plural(tasks, "task")} (${fromAssumption ? "averageTasks" : "desired count"}) × ${H} h × ${sizeBasis(task, p)}`,
    };
}

/**
 * How long one scheduled task runs. The graph cannot tell; a nightly pg_dump → restic of a
 * database of a few GB takes minutes, and at 0.25 vCPU the whole month costs cents either way.
 */
export const scheduledTaskRunMinutes = 15;

/** A schedule that starts Fargate tasks: the invocations, and each run's Fargate time. */
export function priceScheduledTask(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const target = (r.inputs.target ?? {}) as { ecsParameters?: { taskDefinitionArn?: string; launchType?: string; taskCount?: number } };
    const runs = cronRunsPerMonth(str(r.inputs.scheduleExpression) ?? "");
    if (runs === undefined) return notPriced(`schedule expression ${JSON.stringify(r.inputs.scheduleExpression)}: only cron(…) with numbers, ranges, lists and steps is counted`);
    const invocations = { usd: (runs / 1e6) * p.schedulerPerMillionInvocations.usd, basis: `${qty(runs)} invocations × ${dollars(p.schedulerPerMillionInvocations)} per million` };
    const ecs = target.ecsParameters;
    if (!ecs) return invocations;
    if (ecs.launchType !== "FARGATE") return notPriced(`launch type ${ecs.launchType ?? "(capacity providers)"}: only Fargate is in the price table`);
    const task = fargateTask(taskDefinitionOf(r, str(ecs.taskDefinitionArn), ctx), p);
    if ("notPriced" in task) return task;
    const tasks = num(ecs.taskCount) ?? 1;
    const hours = (runs * tasks * scheduledTaskRunMinutes) / 60;
    return {
        usd: invocations.usd + hours * task.hourly,
        basis: `${invocations.basis} + ${qty(runs)} runs × ${plural(tasks, "task")} × ${scheduledTaskRunMinutes} min (assumed) × ${sizeBasis(task, p)}`,
    };
}

export function priceEcsCluster(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const settings = (r.inputs.settings ?? []) as { name?: string; value?: string }[];
    const insights = settings.find((s) => s.name === "containerInsights")?.value ?? "disabled";
    if (insights === "disabled") return { usd: 0, basis: "no charge: ECS clusters have no charge (https://aws.amazon.com/ecs/pricing/)" };
    if (insights !== "enabled") return notPriced(`Container Insights "${insights}" (per-observation pricing) is not in the price table`);
    const { containerInsightsMetrics: metrics, serviceLogsGb: gb } = ctx.assumptions;
    return {
        usd: metrics * p.customMetricMonth.usd + gb * p.logsIngestGb.usd,
        basis: `Container Insights: ${metrics} metrics × ${dollars(p.customMetricMonth)} + ${gb} GB performance events (serviceLogsGb) × ${dollars(p.logsIngestGb)}`,
    };
}

export function priceKmsKey(_r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const thousands = ctx.assumptions.kmsRequestsThousands;
    return {
        usd: p.kmsKeyMonth.usd + (thousands / 10) * p.kmsPer10kRequests.usd,
        basis: `key ${dollars(p.kmsKeyMonth)} + ${thousands} thousand requests × ${dollars(p.kmsPer10kRequests)} per 10,000 (+$1/month after each of the first two yearly rotations)`,
    };
}

export function priceSecret(_r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const thousands = ctx.assumptions.secretsApiCallsThousands;
    return {
        usd: p.secretMonth.usd + (thousands / 10) * p.secretsPer10kCalls.usd,
        basis: `secret ${dollars(p.secretMonth)} + ${thousands} thousand API calls × ${dollars(p.secretsPer10kCalls)} per 10,000`,
    };
}

/** A metric alarm bills each metric it reads; metric-math expressions themselves are free. */
export function priceMetricAlarm(r: RecordedResource, p: AwsRegionPrices): Priced {
    const queries = (r.inputs.metricQueries ?? []) as { metric?: { period?: number } }[];
    const metricQueries = queries.filter((q) => q.metric);
    const metrics = queries.length > 0 ? metricQueries.length : 1;
    const periods = queries.length > 0 ? metricQueries.map((q) => num(q.metric?.period) ?? 60) : [num(r.inputs.period) ?? 60];
    const highResolution = Math.min(...periods) < 60;
    const rate = highResolution ? p.highResolutionAlarmMetricMonth : p.alarmMetricMonth;
    return { usd: metrics * rate.usd, basis: `${plural(metrics, "metric")} × ${dollars(rate)} (${highResolution ? "high" : "standard"} resolution)` };
}

export function priceDashboard(_r: RecordedResource, p: AwsRegionPrices): Priced {
    return { usd: p.dashboardMonth.usd, basis: `dashboard ${dollars(p.dashboardMonth)}` };
}

/** S3 request metrics are billed as CloudWatch metrics: 16 per filter, each only in hours with requests. */
const s3RequestMetrics = 16;

export function priceS3RequestMetrics(_r: RecordedResource, p: AwsRegionPrices): Priced {
    return {
        usd: s3RequestMetrics * p.customMetricMonth.usd,
        basis: `${s3RequestMetrics} S3 request metrics × ${dollars(p.customMetricMonth)} (an upper bound: each is billed only in hours with requests)`,
    };
}

type LogKind = { gb: number; key: string; ingest: AwsRegionPrices["logsIngestGb"]; note?: string };

/** What writes to a log group decides its volume assumption and its ingestion rate. */
function logGroupKind(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): LogKind | undefined {
    const name = str(r.inputs.name);
    if (name === undefined) return undefined;
    const { graph, assumptions } = ctx;
    const flowLog = graph
        .ofType("aws:ec2/flowLog:FlowLog")
        .find((f) => (str(f.inputs.logDestination) ?? "").replace(/:\*$/, "").endsWith(`:log-group:${name}`) || f.inputs.logGroupName === name);
    if (flowLog) {
        // flowLogsGb is sized for 600-second records (assumptions.ts); 60-second records of
        // the same traffic are about twice the volume, so the basis says which one this is.
        const seconds = num(flowLog.inputs.maxAggregationInterval) ?? 600;
        return { gb: assumptions.flowLogsGb, key: "flowLogsGb", ingest: p.vendedLogsIngestGb, note: `${seconds} s records` };
    }
    // WAF logs are vended logs too; only a web ACL's logging configuration writes to them.
    const wafLogged = graph
        .ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
        .some((c) => ((c.inputs.logDestinationConfigs ?? []) as unknown[]).some((d) => (str(d) ?? "").replace(/:\*$/, "").endsWith(`:log-group:${name}`)));
    if (wafLogged) return { gb: assumptions.wafLogsGb, key: "wafLogsGb", ingest: p.vendedLogsIngestGb, note: "blocked and counted requests" };
    const writers = graph.ofType(taskDefinitionType).filter((td) => {
        const containers = JSON.parse(str(td.inputs.containerDefinitions) ?? "[]") as { logConfiguration?: { options?: Record<string, string> } }[];
        return containers.some((c) => c.logConfiguration?.options?.["awslogs-group"] === name);
    });
    // A service's tasks log every request; a scheduled job logs a few lines a run, like the
    // AWS services' own log groups.
    const runByService = writers.some((td) => graph.ofType(serviceType).some((svc) => graph.dependsOn(svc, td)));
    if (runByService) return { gb: assumptions.appLogsGb, key: "appLogsGb", ingest: p.logsIngestGb };
    if (writers.length > 0) return { gb: assumptions.serviceLogsGb, key: "serviceLogsGb", ingest: p.logsIngestGb };
    if (name.startsWith("/aws/")) return { gb: assumptions.serviceLogsGb, key: "serviceLogsGb", ingest: p.logsIngestGb };
    return undefined;
}

export function priceLogGroup(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const kind = logGroupKind(r, p, ctx);
    if (!kind) return notPriced("a log group of unknown use: no ingestion assumption for it");
    const retention = num(r.inputs.retentionInDays);
    // Steady state: a month's ingestion kept for the retention period (never-expiring groups: a year's worth).
    const months = retention ? (retention * 12) / 365 : 12;
    const stored = kind.gb * months;
    return {
        usd: kind.gb * kind.ingest.usd + stored * p.logsStorageGbMonth.usd,
        basis:
            `${kind.gb} GB/month ingested (${kind.key}${kind.note ? `, ${kind.note}` : ""}) × ${dollars(kind.ingest)} + ${qty(stored)} GB stored ` +
            `(${retention ? `${retention} days` : "never expires: 12 months"}, uncompressed upper bound) × ${dollars(p.logsStorageGbMonth)}`,
    };
}

/** A private ECR repository: its stored images (pulls within the region are free; through a NAT gateway they are priced there). */
export function priceEcrRepository(_r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const gb = ctx.assumptions.imageStorageGb;
    return { usd: gb * p.ecrStorageGbMonth.usd, basis: `${gb} GB stored (imageStorageGb) × ${dollars(p.ecrStorageGbMonth)}` };
}
