import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SlipwayComponent } from "../shared/component";
import { physicalName } from "../shared/naming";
import { alarmSpecs, type AlarmSpec, type AlarmTargets } from "./alarms";
import { dashboardBody, dashboardConsoleUrl } from "./dashboard";
import { type MonitoringArgs, normalizeMonitoringArgs } from "./index";
import { topicKeyPolicy, topicPolicy } from "./policy";

/** What the alarms and the dashboard watch on the AWS target. */
export interface MonitoringTargets {
    /**
     * `arnSuffix` of the application load balancer (the `LoadBalancer` metric dimension).
     * @example
     * ```ts
     * { loadBalancerArnSuffix: web.loadBalancerArnSuffix }
     * ```
     */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /**
     * `arnSuffix` of the app's target group (the `TargetGroup` metric dimension).
     * @example
     * ```ts
     * { targetGroupArnSuffix: web.targetGroupArnSuffix }
     * ```
     */
    targetGroupArnSuffix: pulumi.Input<string>;
    /**
     * Name of the ECS cluster running the app.
     * @example
     * ```ts
     * { clusterName: web.clusterName }
     * ```
     */
    clusterName: pulumi.Input<string>;
    /**
     * Name of the app's ECS service.
     * @example
     * ```ts
     * { serviceName: web.serviceName }
     * ```
     */
    serviceName: pulumi.Input<string>;
    /**
     * Identifier of the RDS instance.
     * @example
     * ```ts
     * { dbInstanceId: database.instanceId }
     * ```
     */
    dbInstanceId: pulumi.Input<string>;
    /**
     * The database's `max_connections`, for the connections alarm (at
     * `thresholds.dbConnectionsPercentOfMax` of it). For the RDS default, derive it from the
     * instance memory with `postgresDefaultMaxConnections(memoryGiB)` from `./alarms`.
     * @default no connections alarm
     * @example
     * ```ts
     * { dbMaxConnections: postgresDefaultMaxConnections(4) }
     * ```
     */
    dbMaxConnections?: number;
    /**
     * Storage allocated to the database, in GB; the storage alarm fires below
     * `thresholds.dbFreeStoragePercent` of it.
     * @example
     * ```ts
     * { dbStorageGb: 50 }
     * ```
     */
    dbStorageGb: number;
    /**
     * The database's storage autoscaling ceiling, in GB. With it the storage alarm watches
     * autoscaling (free space below what it keeps free) instead of a share of `dbStorageGb`.
     * @default no autoscaling
     * @example
     * ```ts
     * { dbStorageGb: 100, dbMaxStorageGb: 500 }
     * ```
     */
    dbMaxStorageGb?: number;
    /**
     * The database's instance class. A burstable class (`db.t3.*`, `db.t4g.*`, which RDS runs
     * in unlimited mode) gets an alarm on surplus CPU credits being billed.
     * @default no credit alarm
     * @example
     * ```ts
     * { dbInstanceClass: "db.t4g.large" }
     * ```
     */
    dbInstanceClass?: string;
    /**
     * The cache's node type. A burstable type (`cache.t3.*`, `cache.t4g.*`, throttled when its
     * credits run out) gets a credit-balance alarm per node.
     * @default no credit alarm
     * @example
     * ```ts
     * { cacheNodeType: "cache.t4g.medium" }
     * ```
     */
    cacheNodeType?: string;
    /**
     * Ids of the NAT gateways, one port-allocation-error alarm each. Must hold exactly
     * `natGatewayCount` ids.
     * @default no NAT alarms
     * @example
     * ```ts
     * { natGatewayIds: network.natGatewayIds, natGatewayCount: 3 }
     * ```
     */
    natGatewayIds?: pulumi.Input<string[]>;
    /**
     * How many NAT gateways there are (resources cannot be counted from an Output).
     * @default 0
     * @example
     * ```ts
     * { natGatewayCount: 3 }
     * ```
     */
    natGatewayCount?: number;
    /**
     * Ids of the cache's member clusters (one node each), e.g. a replication group's
     * `memberClusters`, in any order (node n is the n-th id once sorted). Must hold exactly
     * `cacheNodeCount` ids.
     * @example
     * ```ts
     * { cacheClusterIds: cache.memberClusters, cacheNodeCount: 2 }
     * ```
     */
    cacheClusterIds: pulumi.Input<string[]>;
    /**
     * How many cache nodes there are: one alarm set is created per node, and resources cannot be
     * counted from an Output.
     * @example
     * ```ts
     * { cacheNodeCount: 2 }
     * ```
     */
    cacheNodeCount: number;
    /**
     * Name of the backup bucket. When set, S3 request metrics are turned on for it and an alarm
     * fires when no backup was written for a day.
     * @default no backup alarm
     * @example
     * ```ts
     * { backupBucketName: backups.bucketName }
     * ```
     */
    backupBucketName?: pulumi.Input<string>;
    /**
     * The key prefix a completed backup writes under (`AwsBackupBucket.completedBackupPrefix`):
     * the alarm then counts only those writes, so a run that fails after writing lock or data
     * files still counts as no backup.
     * @default every write to the bucket counts
     * @example
     * ```ts
     * { backupBucketName: backups.bucketName, backupWritePrefix: backups.completedBackupPrefix }
     * ```
     */
    backupWritePrefix?: pulumi.Input<string>;
}

export interface AwsMonitoringArgs extends MonitoringArgs {
    /**
     * The resources to watch.
     * @example
     * ```ts
     * { targets: { loadBalancerArnSuffix: web.loadBalancerArnSuffix, ..., cacheNodeCount: 2 } }
     * ```
     */
    targets: MonitoringTargets;
}

/** Id of the S3 request-metrics configuration on the backup bucket (the `FilterId` dimension). */
export const backupMetricsFilterId = "slipway-backup-writes";

/** Checks the parts of the targets that decide how many resources there are. */
export function validateMonitoringTargets(t: MonitoringTargets): void {
    if (!Number.isInteger(t.cacheNodeCount) || t.cacheNodeCount < 0) {
        throw new Error(`Monitoring targets.cacheNodeCount must be a whole number of at least 0; got ${t.cacheNodeCount}.`);
    }
    if (!Number.isFinite(t.dbStorageGb) || t.dbStorageGb <= 0) {
        throw new Error(`Monitoring targets.dbStorageGb must be the database's allocated storage in GB (above 0); got ${t.dbStorageGb}.`);
    }
    const nats = t.natGatewayCount ?? 0;
    if (!Number.isInteger(nats) || nats < 0) {
        throw new Error(`Monitoring targets.natGatewayCount must be a whole number of at least 0; got ${t.natGatewayCount}.`);
    }
    if (nats > 0 && t.natGatewayIds === undefined) {
        throw new Error(`Monitoring targets.natGatewayCount is ${nats} but natGatewayIds is not set; pass the network's natGatewayIds.`);
    }
    if (t.dbMaxStorageGb !== undefined && (!Number.isFinite(t.dbMaxStorageGb) || t.dbMaxStorageGb < t.dbStorageGb)) {
        throw new Error(`Monitoring targets.dbMaxStorageGb must be at least dbStorageGb (${t.dbStorageGb}); got ${t.dbMaxStorageGb}.`);
    }
    if (t.dbMaxConnections !== undefined && (!Number.isInteger(t.dbMaxConnections) || t.dbMaxConnections < 1)) {
        throw new Error(`Monitoring targets.dbMaxConnections must be a whole number of at least 1; got ${t.dbMaxConnections}.`);
    }
}

/** A logical-name fragment for an email address (lowercase letters, digits and hyphens). */
const emailSlug = (email: string): string => email.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** The `MetricAlarm` arguments for one spec; every state change notifies the topic. */
function metricAlarmArgs(spec: AlarmSpec<pulumi.Input<string>>, alarmName: string, topicArn: pulumi.Output<string>): aws.cloudwatch.MetricAlarmArgs {
    const base: aws.cloudwatch.MetricAlarmArgs = {
        name: alarmName,
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        actionsEnabled: true,
        alarmActions: [topicArn],
        okActions: [topicArn],
        insufficientDataActions: spec.notifyOnInsufficientData ? [topicArn] : undefined,
    };
    if (spec.metric.kind === "metric") {
        const m = spec.metric.metric;
        const percentile = /^p\d/.test(m.stat);
        return {
            ...base,
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: m.dimensions,
            period: spec.period,
            ...(percentile ? { extendedStatistic: m.stat } : { statistic: m.stat }),
        };
    }
    const queries = Object.entries(spec.metric.metrics).map(([id, m]) => ({
        id,
        returnData: false,
        metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period: spec.period },
    }));
    return {
        ...base,
        metricQueries: [...queries, { id: "e1", expression: spec.metric.expression, label: spec.metric.label, returnData: true }],
    };
}

/**
 * Alerting for the AWS target: an encrypted SNS topic with email subscriptions, CloudWatch alarms
 * on the load balancer, the ECS service, the database, each cache node and (optionally) the
 * backup bucket, and one dashboard with the same signals.
 *
 * ## Cost
 * - CloudWatch alarms: $0.10 per metric per month; the 5xx-rate alarm reads 3 metrics and the
 *   running-vs-desired tasks alarm 2 (Container Insights metrics, already billed with the
 *   cluster). About $3/month for a two-node cache and three NAT gateways, plus one metric per
 *   credit alarm of a burstable database or cache node.
 * - The dashboard: $3/month (the first three per account are free).
 * - The topic's KMS key: $1/month plus requests. Email delivery: the first 1,000 are free.
 * - With `backupBucketName`: S3 request metrics on the bucket are billed as custom metrics,
 *   a few dollars a month.
 */
export class AwsMonitoring extends SlipwayComponent {
    /** ARN of the alarm topic; other components may publish to it. */
    public readonly topicArn: pulumi.Output<string>;
    /** Name of the CloudWatch dashboard. */
    public readonly dashboardName: pulumi.Output<string>;
    /** Console address of the dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** Names of every alarm. */
    public readonly alarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: AwsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("Monitoring", name, opts);
        const a = normalizeMonitoringArgs(args);
        const t = args.targets;
        validateMonitoringTargets(t);

        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        // One readable, length-safe prefix for the topic, the alarms and the dashboard, so the
        // console lists them together.
        const prefix = physicalName(name, 48);

        const key = new aws.kms.Key(
            this.childName("alarms-key"),
            {
                description: `Encrypts the alarm topic of ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([partition, account]).apply(([p, id]) => topicKeyPolicy({ partition: p, accountId: id })),
            },
            this.childOpts({ protect: a.protect }),
        );
        const topic = new aws.sns.Topic(
            this.childName("alarms"),
            { name: `${prefix}-alarms`, displayName: `${name} alarms`, kmsMasterKeyId: key.arn },
            this.childOpts(),
        );
        new aws.sns.TopicPolicy(
            this.childName("alarms-policy"),
            {
                arn: topic.arn,
                policy: pulumi.all([partition, account, topic.arn]).apply(([p, id, arn]) => topicPolicy({ partition: p, accountId: id, topicArn: arn })),
            },
            this.childOpts(),
        );
        // Named after the address, not its position: removing one address must not recreate
        // (and make re-confirm) the subscriptions listed after it.
        const slugs = new Set<string>();
        for (const email of a.alarmEmails) {
            const slug = emailSlug(email);
            if (slugs.has(slug)) {
                throw new Error(`Monitoring alarmEmails: "${email}" is too similar to another address; list each address once.`);
            }
            slugs.add(slug);
            new aws.sns.TopicSubscription(this.childName(`email-${slug}`), { topic: topic.arn, protocol: "email", endpoint: email }, this.childOpts());
        }

        let backup: AlarmTargets<pulumi.Input<string>>["backup"];
        if (t.backupBucketName !== undefined) {
            const metrics = new aws.s3.BucketMetric(
                this.childName("backup-writes"),
                { bucket: t.backupBucketName, name: backupMetricsFilterId, ...(t.backupWritePrefix !== undefined ? { filter: { prefix: t.backupWritePrefix } } : {}) },
                this.childOpts(),
            );
            // The alarm reads the id from the resource, so it is created after the metrics exist.
            backup = { bucketName: t.backupBucketName, filterId: metrics.name };
        }

        const cacheIds = pulumi.output(t.cacheClusterIds).apply((ids) => {
            if (ids.length !== t.cacheNodeCount) {
                throw new Error(`Monitoring targets.cacheNodeCount is ${t.cacheNodeCount} but cacheClusterIds has ${ids.length} ids; make them agree.`);
            }
            // A replication group reports its member clusters as an unordered set; sorting keeps
            // node n on the same cluster (…-00n) across refreshes, so alarms do not shuffle.
            return [...ids].sort();
        });
        const natCount = t.natGatewayCount ?? 0;
        const natIds = pulumi.output(t.natGatewayIds ?? []).apply((ids) => {
            if (ids.length !== natCount) {
                throw new Error(`Monitoring targets.natGatewayCount is ${natCount} but natGatewayIds has ${ids.length} ids; make them agree.`);
            }
            // In zone order (the network's order), so alarm n stays on the NAT of zone n.
            return ids;
        });
        const targets: AlarmTargets<pulumi.Input<string>> = {
            loadBalancer: t.loadBalancerArnSuffix,
            targetGroup: t.targetGroupArnSuffix,
            clusterName: t.clusterName,
            serviceName: t.serviceName,
            dbInstanceId: t.dbInstanceId,
            dbMaxConnections: t.dbMaxConnections,
            dbStorageGb: t.dbStorageGb,
            dbMaxStorageGb: t.dbMaxStorageGb,
            dbInstanceClass: t.dbInstanceClass,
            cacheClusterIds: Array.from({ length: t.cacheNodeCount }, (_, i) => cacheIds.apply((ids) => ids[i])),
            cacheNodeType: t.cacheNodeType,
            natGatewayIds: Array.from({ length: natCount }, (_, i) => natIds.apply((ids) => ids[i])),
            backup,
        };
        const alarms = alarmSpecs(targets, a.thresholds).map(
            (spec) =>
                new aws.cloudwatch.MetricAlarm(
                    this.childName(`alarm-${spec.suffix}`),
                    metricAlarmArgs(spec, `${prefix}-${spec.suffix}`, topic.arn),
                    this.childOpts(),
                ),
        );

        const body = pulumi
            .all([
                region,
                pulumi.all([t.loadBalancerArnSuffix, t.targetGroupArnSuffix, t.clusterName, t.serviceName, t.dbInstanceId]),
                cacheIds,
                natIds,
                pulumi.all(backup ? [backup.bucketName, backup.filterId] : []),
                pulumi.all(alarms.map((x) => x.arn)),
            ])
            .apply(([r, [lb, tg, cluster, service, db], ids, nats, [bucketName, filterId], alarmArns]) =>
                dashboardBody({
                    region: r,
                    thresholds: a.thresholds,
                    alarmArns,
                    targets: {
                        loadBalancer: lb,
                        targetGroup: tg,
                        clusterName: cluster,
                        serviceName: service,
                        dbInstanceId: db,
                        dbMaxConnections: t.dbMaxConnections,
                        dbStorageGb: t.dbStorageGb,
                        dbMaxStorageGb: t.dbMaxStorageGb,
                        dbInstanceClass: t.dbInstanceClass,
                        cacheClusterIds: ids,
                        cacheNodeType: t.cacheNodeType,
                        natGatewayIds: nats,
                        backup: bucketName !== undefined && filterId !== undefined ? { bucketName, filterId } : undefined,
                    },
                }),
            );
        const dashboard = new aws.cloudwatch.Dashboard(this.childName("dashboard"), { dashboardName: prefix, dashboardBody: body }, this.childOpts());

        this.topicArn = topic.arn;
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.all([partition, region, dashboard.dashboardName]).apply(([p, r, n]) => dashboardConsoleUrl(p, r, n));
        this.alarmNames = pulumi.all(alarms.map((x) => x.name));
        this.registerOutputs({
            topicArn: this.topicArn,
            dashboardName: this.dashboardName,
            dashboardUrl: this.dashboardUrl,
            alarmNames: this.alarmNames,
        });
    }
}
