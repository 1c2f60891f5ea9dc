import { baselinePercent, cpuCredits } from "./burstable";
import type { MonitoringThresholds } from "./index";

/**
 * The CloudWatch alarms of the AWS target, as data. `T` is the type of a dimension value: plain
 * strings in tests and the dashboard, `pulumi.Input<string>` when `aws.ts` wires real resources,
 * so the same list drives both and cannot drift apart.
 */

/** One CloudWatch metric, with the statistic an alarm or graph reads it with. */
export interface MetricRef<T> {
    namespace: string;
    metricName: string;
    dimensions: Record<string, T>;
    /** "Average", "Sum", "Minimum", "Maximum", or a percentile such as "p95". */
    stat: string;
}

/** A single metric, or a metric-math expression over named metrics (ids m1, m2, …). */
export type AlarmMetric<T> =
    | { kind: "metric"; metric: MetricRef<T> }
    | { kind: "math"; expression: string; label: string; metrics: Record<string, MetricRef<T>> };

export type ComparisonOperator =
    | "GreaterThanThreshold"
    | "GreaterThanOrEqualToThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";

export type TreatMissingData = "breaching" | "notBreaching" | "missing" | "ignore";

export interface AlarmSpec<T> {
    /** Stable identifier: part of the alarm's name and of its logical name (never rename). */
    suffix: string;
    description: string;
    metric: AlarmMetric<T>;
    /** Seconds per datapoint. */
    period: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    threshold: number;
    comparison: ComparisonOperator;
    treatMissingData: TreatMissingData;
    /** Also notify when the alarm has no data: for signals whose silence itself means trouble. */
    notifyOnInsufficientData: boolean;
}

/** What the alarms watch, as CloudWatch dimension values (plain strings or Outputs). */
export interface AlarmTargets<T> {
    /** ALB `arnSuffix` (the `LoadBalancer` dimension). */
    loadBalancer: T;
    /** Target group `arnSuffix` (the `TargetGroup` dimension). */
    targetGroup: T;
    clusterName: T;
    serviceName: T;
    dbInstanceId: T;
    /** The database's `max_connections`; without it there is no connections alarm. */
    dbMaxConnections?: number;
    /** Storage allocated to the database, in GiB. */
    dbStorageGb: number;
    /** The storage autoscaling ceiling, in GiB; unset or equal to `dbStorageGb` when autoscaling is off. */
    dbMaxStorageGb?: number;
    /** The RDS instance class: a burstable one (`db.t*`) gets a surplus-credit alarm. */
    dbInstanceClass?: string;
    /** One id per member cache cluster (one node each): one alarm set per node. */
    cacheClusterIds: T[];
    /** The cache node type: a burstable one (`cache.t*`) gets a credit-balance alarm per node. */
    cacheNodeType?: string;
    /** One id per NAT gateway: one port-allocation alarm each. */
    natGatewayIds?: T[];
    /** The backup bucket and the id of its request-metrics configuration. */
    backup?: { bucketName: T; filterId: T };
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * The default `max_connections` of RDS for PostgreSQL for an instance with this much memory:
 * `LEAST(DBInstanceClassMemory / 9531392, 5000)`. RDS reserves some memory for the OS, so the
 * real value is a little lower; an alarm at 80% of this estimate stays meaningful.
 *
 * @example postgresDefaultMaxConnections(4) // 450 (db.t4g.medium)
 */
export function postgresDefaultMaxConnections(memoryGiB: number): number {
    return Math.min(Math.floor((memoryGiB * GiB) / 9531392), 5000);
}

/** Every metric an alarm reads (for the dashboard, and for tests). */
export function metricsOf<T>(spec: AlarmSpec<T>): MetricRef<T>[] {
    return spec.metric.kind === "metric" ? [spec.metric.metric] : Object.values(spec.metric.metrics);
}

const one = <T>(metric: MetricRef<T>): AlarmMetric<T> => ({ kind: "metric", metric });

/** RDS storage autoscaling grows the allocation when free space is at most this share of it. */
const AUTOSCALING_TRIGGER_PERCENT = 10;

/**
 * The free-storage alarm. Without autoscaling: below `dbFreeStoragePercent` of the allocation.
 *
 * With autoscaling the allocation moves and CloudWatch publishes free space only (no allocated
 * or used size), so a threshold relative to the ceiling cannot work: RDS grows the volume when
 * free space is at most 10% of the allocation for 5 minutes (at most every 6 hours, up to
 * `maxStorageGb`; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html),
 * so free space normally sits between 10% and 20% of an allocation that only ever grows from
 * `storageGb`. A threshold of 10% of the 500 GB ceiling would fire at every allocation below
 * 250 GB. What the metric can tell is that autoscaling stopped keeping up: free space under the
 * 10% it keeps at the smallest allocation, for longer than a scaling takes. That happens at the
 * ceiling (then `maxStorageGb − threshold` is used), in the 6-hour cooldown under fast growth,
 * or when a modification fails. An earlier warning of the ceiling is RDS's own event
 * (RDS-EVENT-0225, storage approaching the maximum threshold), not a metric.
 */
function storageAlarm<T>(targets: AlarmTargets<T>, thresholds: Required<MonitoringThresholds>, db: Record<string, T>): AlarmSpec<T> {
    const base = { metric: one<T>({ namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: db, stat: "Minimum" }), period: 300 };
    const common = { suffix: "rds-free-storage-low", comparison: "LessThanThreshold" as const, treatMissingData: "missing" as const, notifyOnInsufficientData: false };
    // FreeStorageSpace is in bytes. A gap is not evidence of a full disk: keep the last state.
    const bytes = (percent: number) => Math.round((targets.dbStorageGb * GiB * percent) / 100);
    const ceiling = targets.dbMaxStorageGb;
    if (ceiling === undefined || ceiling <= targets.dbStorageGb) {
        return {
            ...common,
            ...base,
            description: `Database free storage below ${thresholds.dbFreeStoragePercent}% of the ${targets.dbStorageGb} GiB allocated (no storage autoscaling).`,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            threshold: bytes(thresholds.dbFreeStoragePercent),
        };
    }
    // A higher percentage would sit inside the band autoscaling keeps free at the first allocation.
    const percent = Math.min(thresholds.dbFreeStoragePercent, AUTOSCALING_TRIGGER_PERCENT);
    const gib = Math.round(((targets.dbStorageGb * percent) / 100) * 10) / 10;
    return {
        ...common,
        ...base,
        description:
            `Database free storage below ${gib} GiB for 30 minutes: storage autoscaling (${targets.dbStorageGb} GiB up to ${ceiling} GiB, ` +
            `keeping at least ${AUTOSCALING_TRIGGER_PERCENT}% free) is not keeping up or has reached its ${ceiling} GiB ceiling. Raise maxStorageGb or free space.`,
        // Six 5-minute datapoints: autoscaling acts after 5 minutes below its trigger, so a
        // normal scaling at the first allocation clears before this fires.
        evaluationPeriods: 6,
        datapointsToAlarm: 6,
        threshold: bytes(percent),
    };
}

/**
 * The CPU-credit alarms of a burstable database or cache node, none for other classes.
 * RDS runs T classes unlimited: the signal is money, `CPUSurplusCreditsCharged` (surplus credits
 * not paid back within 24 hours, billed per vCPU-hour). ElastiCache T nodes are throttled to
 * their baseline when the balance is spent: the signal is `CPUCreditBalance` running low.
 */
function creditAlarms<T>(targets: AlarmTargets<T>, db: Record<string, T>): AlarmSpec<T>[] {
    const specs: AlarmSpec<T>[] = [];
    const dbCredits = targets.dbInstanceClass === undefined ? undefined : cpuCredits(targets.dbInstanceClass);
    if (dbCredits) {
        // Reported as 0 while nothing is charged; a gap charges nothing.
        specs.push(
            anyInFiveMinutes(
                "rds-cpu-surplus-credits",
                `The ${targets.dbInstanceClass} database is being billed for surplus CPU credits: over the last 24 hours it used more than its ` +
                    `${baselinePercent(dbCredits)}% CPU baseline. Move to a larger or non-burstable class if this repeats.`,
                one({ namespace: "AWS/RDS", metricName: "CPUSurplusCreditsCharged", dimensions: db, stat: "Sum" }),
            ),
        );
    }
    const nodeCredits = targets.cacheNodeType === undefined ? undefined : cpuCredits(targets.cacheNodeType);
    if (nodeCredits) {
        // Two hours of earnings: at full use of every vCPU that is at least half an hour before
        // the node is throttled, and well below the 24 hours of earnings a quiet node holds. A
        // node created with an empty balance reads low until it has earned that much, then clears.
        const low = 2 * nodeCredits.creditsPerHour;
        targets.cacheClusterIds.forEach((id, i) => {
            specs.push({
                suffix: `cache-${i + 1}-cpu-credits-low`,
                description:
                    `Cache node ${i + 1} (${targets.cacheNodeType}) has had fewer than ${low} CPU credits for 15 minutes: once they are spent it is ` +
                    `throttled to its ${baselinePercent(nodeCredits)}% baseline. Move to a larger or non-burstable node type.`,
                metric: one({ namespace: "AWS/ElastiCache", metricName: "CPUCreditBalance", dimensions: { CacheClusterId: id }, stat: "Minimum" }),
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: low,
                comparison: "LessThanThreshold",
                // Keep the last state over a gap; the engine-CPU alarm reports a silent node.
                treatMissingData: "missing",
                notifyOnInsufficientData: false,
            });
        });
    }
    return specs;
}

/** The alarm set for these targets and thresholds, in a stable order. */
export function alarmSpecs<T>(targets: AlarmTargets<T>, thresholds: Required<MonitoringThresholds>): AlarmSpec<T>[] {
    const lb = { LoadBalancer: targets.loadBalancer };
    const tg = { TargetGroup: targets.targetGroup, LoadBalancer: targets.loadBalancer };
    const svc = { ClusterName: targets.clusterName, ServiceName: targets.serviceName };
    const db = { DBInstanceIdentifier: targets.dbInstanceId };
    const alb = (metricName: string, stat: string, dimensions: Record<string, T> = lb): MetricRef<T> => ({
        namespace: "AWS/ApplicationELB",
        metricName,
        dimensions,
        stat,
    });
    const specs: AlarmSpec<T>[] = [
        {
            suffix: "alb-5xx-rate",
            description: `More than ${thresholds.error5xxPercent}% of requests failed with a 5xx (app or load balancer) in 3 of the last 5 minutes.`,
            metric: {
                kind: "math",
                // RequestCount only counts requests for which the load balancer chose a target
                // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
                // a 503 for an empty target group is in HTTPCode_ELB_5XX_Count and not in it, so
                // dividing by RequestCount alone reads a minute of nothing but ELB 5xx as 0%.
                // The denominator adds the ELB 5xx back. CloudWatch does not split them by "a
                // target was chosen" (502/504 come after one was, and may be counted twice), so
                // the rate errs low by at most the ELB 5xx share, never high, and a minute of
                // only ELB 5xx reads 100%. FILL turns "none this minute" (no datapoint) into 0;
                // IF avoids dividing by zero when there was no traffic at all.
                expression: "IF(FILL(m3, 0) + FILL(m2, 0) > 0, 100 * (FILL(m1, 0) + FILL(m2, 0)) / (FILL(m3, 0) + FILL(m2, 0)), 0)",
                label: "5xx rate (%)",
                metrics: {
                    m1: alb("HTTPCode_Target_5XX_Count", "Sum"),
                    m2: alb("HTTPCode_ELB_5XX_Count", "Sum"),
                    m3: alb("RequestCount", "Sum"),
                },
            },
            period: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            threshold: thresholds.error5xxPercent,
            comparison: "GreaterThanThreshold",
            // The expression yields 0 without traffic; a gap means CloudWatch lag, not errors.
            treatMissingData: "notBreaching",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "alb-latency-p95",
            description: `95th-percentile response time of the app above ${thresholds.latencyP95Ms} ms in 3 of the last 5 minutes.`,
            metric: one(alb("TargetResponseTime", "p95")),
            period: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            // TargetResponseTime is in seconds.
            threshold: thresholds.latencyP95Ms / 1000,
            comparison: "GreaterThanThreshold",
            // No requests, no latency datapoints: that is not slowness.
            treatMissingData: "notBreaching",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "alb-unhealthy-hosts",
            description: "At least one app task failed its load balancer health check for 3 minutes in a row.",
            metric: one(alb("UnHealthyHostCount", "Maximum", tg)),
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: 0,
            comparison: "GreaterThanThreshold",
            // A missing count is not an unhealthy host; a vanished target group is caught by the
            // healthy-host alarm below.
            treatMissingData: "notBreaching",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "alb-no-healthy-hosts",
            description: "OUTAGE: no app task is healthy behind the load balancer; every request fails.",
            metric: one(alb("HealthyHostCount", "Minimum", tg)),
            period: 60,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            threshold: 1,
            comparison: "LessThanThreshold",
            // The ALB reports this every minute while the target group is attached; silence means
            // the targets are gone, which is an outage too.
            treatMissingData: "breaching",
            // Breaching already covers silence; the alarm never sits in INSUFFICIENT_DATA.
            notifyOnInsufficientData: false,
        },
        {
            suffix: "ecs-cpu-high",
            description: `App service CPU above ${thresholds.cpuPercent}% for 15 minutes: autoscaling is not keeping up (or is at its maximum).`,
            metric: one({ namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: svc, stat: "Average" }),
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: thresholds.cpuPercent,
            comparison: "GreaterThanThreshold",
            // No running task means no datapoint; the healthy-host alarm reports that case.
            treatMissingData: "notBreaching",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "ecs-memory-high",
            description: `App service memory above ${thresholds.memoryPercent}% of the task limit for 15 minutes: tasks risk being killed (OOM).`,
            metric: one({ namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: svc, stat: "Average" }),
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: thresholds.memoryPercent,
            comparison: "GreaterThanThreshold",
            // As for CPU: no task, no datapoint, and the outage alarm covers it.
            treatMissingData: "notBreaching",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "ecs-tasks-below-desired",
            description: "Fewer app tasks running than the service wants for 10 minutes: tasks fail to start (image, secrets, capacity) or keep exiting.",
            metric: {
                kind: "math",
                // Container Insights (on for the cluster, its metrics already paid for) reports
                // both counts per service every minute. A minute without a running count is
                // zero tasks; a minute without a desired count is no evidence either way.
                expression: "m2 - FILL(m1, 0)",
                label: "desired minus running tasks",
                metrics: {
                    m1: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: svc, stat: "Minimum" },
                    m2: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions: svc, stat: "Maximum" },
                },
            },
            period: 60,
            // A rolling deploy (minimum healthy 100%) and a scale-out start tasks within a few
            // minutes; ten in a row below desired is a service that cannot keep its tasks.
            evaluationPeriods: 10,
            datapointsToAlarm: 10,
            threshold: 0,
            comparison: "GreaterThanThreshold",
            treatMissingData: "missing",
            notifyOnInsufficientData: false,
        },
        {
            suffix: "rds-cpu-high",
            description: `Database CPU above ${thresholds.cpuPercent}% for 15 minutes.`,
            metric: one({ namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: db, stat: "Average" }),
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: thresholds.cpuPercent,
            comparison: "GreaterThanThreshold",
            // RDS reports every minute; keeping the last state over a short gap (failover) and
            // notifying when the instance goes quiet altogether tells us it stopped reporting.
            treatMissingData: "missing",
            notifyOnInsufficientData: true,
        },
        storageAlarm(targets, thresholds, db),
    ];
    if (targets.dbMaxConnections !== undefined) {
        const limit = Math.floor((targets.dbMaxConnections * thresholds.dbConnectionsPercentOfMax) / 100);
        specs.push({
            suffix: "rds-connections-high",
            description: `Database connections above ${limit} (${thresholds.dbConnectionsPercentOfMax}% of max_connections ${targets.dbMaxConnections}) for 10 minutes: new connections will soon be refused.`,
            metric: one({ namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: db, stat: "Maximum" }),
            period: 300,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            threshold: limit,
            comparison: "GreaterThanThreshold",
            // Keep the last state over a gap; the CPU alarm reports an instance gone quiet.
            treatMissingData: "missing",
            notifyOnInsufficientData: false,
        });
    }
    specs.push({
        suffix: "rds-freeable-memory-low",
        description: `Database free memory below ${thresholds.dbFreeMemoryMb} MB for 15 minutes: it is about to swap.`,
        metric: one({ namespace: "AWS/RDS", metricName: "FreeableMemory", dimensions: db, stat: "Minimum" }),
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // FreeableMemory is in bytes.
        threshold: thresholds.dbFreeMemoryMb * MiB,
        comparison: "LessThanThreshold",
        // Keep the last state over a gap; the CPU alarm reports an instance gone quiet.
        treatMissingData: "missing",
        notifyOnInsufficientData: false,
    });
    targets.cacheClusterIds.forEach((id, i) => {
        const node = { CacheClusterId: id };
        const cache = (metricName: string, stat: string): MetricRef<T> => ({ namespace: "AWS/ElastiCache", metricName, dimensions: node, stat });
        // Index-based suffixes: the node ids are only known after deploy, and member clusters are
        // numbered (-001, -002, …) the same way.
        const n = i + 1;
        specs.push(
            {
                suffix: `cache-${n}-memory-high`,
                description: `Cache node ${n} uses more than ${thresholds.cacheMemoryPercent}% of its memory for 10 minutes; evictions follow.`,
                metric: one(cache("DatabaseMemoryUsagePercentage", "Maximum")),
                period: 300,
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                threshold: thresholds.cacheMemoryPercent,
                comparison: "GreaterThanThreshold",
                // Keep the last state over a gap; the engine-CPU alarm reports a silent node.
                treatMissingData: "missing",
                notifyOnInsufficientData: false,
            },
            {
                suffix: `cache-${n}-evictions`,
                description: `Cache node ${n} evicted keys in each of the last 15 minutes: it is too small for the working set.`,
                metric: one(cache("Evictions", "Sum")),
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: 0,
                comparison: "GreaterThanThreshold",
                // Evictions are reported as 0 when there are none; a gap is not an eviction.
                treatMissingData: "notBreaching",
                notifyOnInsufficientData: false,
            },
            {
                suffix: `cache-${n}-engine-cpu-high`,
                description: `Cache node ${n} engine CPU above ${thresholds.cpuPercent}% for 15 minutes (Redis/Valkey runs commands on one thread).`,
                metric: one(cache("EngineCPUUtilization", "Average")),
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: thresholds.cpuPercent,
                comparison: "GreaterThanThreshold",
                // A node that stops reporting has failed or been replaced: say so.
                treatMissingData: "missing",
                notifyOnInsufficientData: true,
            },
        );
    });
    specs.push(...creditAlarms(targets, db));
    (targets.natGatewayIds ?? []).forEach((id, i) => {
        // Every failed allocation is a failed connection; a gap is no traffic, not an error.
        specs.push(
            anyInFiveMinutes(
                `nat-${i + 1}-port-allocation-errors`,
                `NAT gateway ${i + 1} could not allocate a source port: outbound connections from the private subnets are failing (too many to one destination).`,
                one({ namespace: "AWS/NATGateway", metricName: "ErrorPortAllocation", dimensions: { NatGatewayId: id }, stat: "Sum" }),
            ),
        );
    });
    if (targets.backup) {
        specs.push({
            suffix: "backup-missing",
            description: "No object was written to the backup bucket in the last 24 hours: the backup job is not running or failing.",
            metric: one({
                namespace: "AWS/S3",
                metricName: "PutRequests",
                dimensions: { BucketName: targets.backup.bucketName, FilterId: targets.backup.filterId },
                stat: "Sum",
            }),
            period: 86400,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: 1,
            comparison: "LessThanThreshold",
            // S3 request metrics only exist for minutes with requests: silence is the failure.
            treatMissingData: "breaching",
            notifyOnInsufficientData: false,
        });
    }
    return specs;
}

/**
 * The outside watch: Route 53 health checkers probe `https://<domain><path>` from several
 * regions, and `HealthCheckStatus` is 0 once Route 53 judges the endpoint unhealthy (fewer than
 * 18% of checkers see it healthy). The metric exists in us-east-1 only
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html), so
 * the alarm built from this spec must be created there. Two minutes below 1 pages: the checkers
 * already needed 3 failures in a row (30-second interval) to call it unhealthy. No data means the
 * check is gone or disabled: nothing watches from outside any more, which is itself an alarm.
 */
export function healthCheckAlarmSpec<T>(healthCheckId: T, target: string): AlarmSpec<T> {
    return {
        suffix: "site-down",
        description: `Route 53 health checkers, probing from several regions over the internet, get no healthy answer from ${target}: the site is down for its users, whatever the alarms inside the stack say.`,
        metric: one({ namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: healthCheckId }, stat: "Minimum" }),
        period: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: 1,
        comparison: "LessThanThreshold",
        treatMissingData: "breaching",
        notifyOnInsufficientData: false,
    };
}

/**
 * The alarm forwarder failing (a webhook down, a revoked URL, a secret it cannot read): Lambda
 * has retried twice by then. It notifies the same topic, so the email subscribers hear of it
 * even when the webhooks cannot.
 */
export function forwarderErrorsAlarmSpec<T>(functionName: T, suffix: string): AlarmSpec<T> {
    // No invocation, no error: a quiet forwarder is a quiet stack.
    return anyInFiveMinutes(
        suffix,
        "The alarm forwarder failed to post to the Slack or webhook receiver: alerts are reaching email only.",
        one({ namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: functionName }, stat: "Sum" }),
    );
}

/**
 * An alarm on any occurrence: the metric's 5-minute sum above 0, once. For counts where a
 * single event is already worth a person's attention, and where no data means no events.
 */
function anyInFiveMinutes<T>(suffix: string, description: string, metric: AlarmSpec<T>["metric"]): AlarmSpec<T> {
    return {
        suffix,
        description,
        metric,
        period: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 0,
        comparison: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        notifyOnInsufficientData: false,
    };
}
