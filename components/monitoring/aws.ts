import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SlipwayComponent } from "../shared/component";
import { physicalName } from "../shared/naming";
import { type AwsLookups, accountContext } from "../shared/aws-context";
import { alarmSpecs, type AlarmSpec, type AlarmTargets, forwarderErrorsAlarmSpec, healthCheckAlarmSpec } from "./alarms";
import { dashboardBody, dashboardConsoleUrl } from "./dashboard";
import { type MonitoringArgs, normalizeMonitoringArgs } from "./index";
import { type ForwarderSecret, forwarderRuntime, forwarderSource, forwarderTimeoutSeconds } from "./notify-forwarder";
import { forwarderRolePolicy, forwarderTrustPolicy, rdsEventCategories, topicKeyPolicy, topicPolicy } from "./policy";
import { withComponent, argError, ComponentArgError } from "../shared/errors";

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

/** The outside watch of the site: a Route 53 health check and an alarm on it. */
export interface HealthCheckArgs {
    /**
     * The site's DNS name; `https://<domain><path>` is probed on port 443 (with SNI).
     * @example
     * ```ts
     * { domain: "app.example.com" }
     * ```
     */
    domain: string;
    /**
     * The health endpoint.
     * @default "/health"
     * @example
     * ```ts
     * { path: "/healthz" }
     * ```
     */
    path?: string;
    /**
     * A string the first 5,120 bytes of a healthy answer contain (`HTTPS_STR_MATCH`), so a 200
     * from anything but the app (a parking page, a default backend) counts as down. An optional
     * Route 53 feature: $1/month more.
     * @default status code only (2xx or 3xx)
     * @example
     * ```ts
     * { searchString: "ok" }
     * ```
     */
    searchString?: string;
    /**
     * The region the component's own provider deploys to. Route 53 publishes health-check
     * metrics in us-east-1 only, and an alarm only notifies topics of its own region, so outside
     * us-east-1 the alarm and a second topic with the same receivers (email addresses confirm it
     * separately) are created through `usEast1Provider`.
     * @example
     * ```ts
     * { region: "eu-west-1", usEast1Provider: new aws.Provider("aws-us-east-1", { region: "us-east-1" }) }
     * ```
     */
    region: string;
    /**
     * An AWS provider for us-east-1; required when `region` is another one.
     * @default none (region must be us-east-1)
     * @example
     * ```ts
     * { usEast1Provider: new aws.Provider("aws-us-east-1", { region: "us-east-1" }) }
     * ```
     */
    usEast1Provider?: aws.Provider;
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
    /**
     * A Slack incoming webhook that gets every alarm and recovery, through the alarm forwarder
     * (a Lambda function; see `./notify-forwarder`). It is a credential: pass a secret. With
     * `webhookUrl` the same forwarder also posts Alertmanager's webhook JSON there.
     * @default no Slack
     * @example
     * ```ts
     * { slack: { webhookUrl: config.requireSecret("alertSlackWebhookUrl") } }
     * ```
     */
    slack?: { webhookUrl: pulumi.Input<string> };
    /**
     * Watch the site from outside: a Route 53 health check on `https://<domain>/health` with an
     * alarm that notifies the receivers when it fails. Off when unset.
     * @default no outside check
     * @example
     * ```ts
     * { healthCheck: { domain: "app.example.com", region: "us-east-1" } }
     * ```
     */
    healthCheck?: HealthCheckArgs;
}

/** Id of the S3 request-metrics configuration on the backup bucket (the `FilterId` dimension). */
export const backupMetricsFilterId = "slipway-backup-writes";

/** Checks the parts of the targets that decide how many resources there are. */
export function validateMonitoringTargets(t: MonitoringTargets): void {
    if (!Number.isInteger(t.cacheNodeCount) || t.cacheNodeCount < 0) {
        throw argError("targets.cacheNodeCount", t.cacheNodeCount, "a whole number of at least 0");
    }
    if (!Number.isFinite(t.dbStorageGb) || t.dbStorageGb <= 0) {
        throw argError("targets.dbStorageGb", t.dbStorageGb, "the database's allocated storage in GB (above 0)");
    }
    const nats = t.natGatewayCount ?? 0;
    if (!Number.isInteger(nats) || nats < 0) {
        throw argError("targets.natGatewayCount", t.natGatewayCount, "a whole number of at least 0");
    }
    if (nats > 0 && t.natGatewayIds === undefined) {
        throw argError("targets.natGatewayIds", undefined, `the network's natGatewayIds (natGatewayCount is ${nats})`);
    }
    if (t.dbMaxStorageGb !== undefined && (!Number.isFinite(t.dbMaxStorageGb) || t.dbMaxStorageGb < t.dbStorageGb)) {
        throw argError("targets.dbMaxStorageGb", t.dbMaxStorageGb, `at least dbStorageGb (${t.dbStorageGb})`);
    }
    if (t.dbMaxConnections !== undefined && (!Number.isInteger(t.dbMaxConnections) || t.dbMaxConnections < 1)) {
        throw argError("targets.dbMaxConnections", t.dbMaxConnections, "a whole number of at least 1");
    }
}

/** Who one alarm channel notifies. */
interface Receivers {
    name: string;
    /** Physical-name prefix of the topic, the function and the alarms. */
    prefix: string;
    emails: string[];
    webhooks: { slackWebhookUrl?: pulumi.Input<string>; webhookUrl?: pulumi.Input<string> };
    /** Whether a webhook is set (the forwarder is created). */
    forwarding: boolean;
    protect: boolean;
}

interface ChannelArgs extends Receivers {
    /** Prepended to every child's logical name ("" for the main channel, whose names never change). */
    logicalPrefix: string;
    /** The provider of another region's channel. */
    provider?: aws.Provider;
}

/** The health check's settings with defaults applied, checked. */
export function normalizeHealthCheck(h: HealthCheckArgs): { domain: string; path: string; searchString?: string; target: string } {
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(h.domain)) {
        throw argError("healthCheck.domain", h.domain, "a DNS name such as app.example.com");
    }
    if (h.region !== "us-east-1" && h.usEast1Provider === undefined) {
        throw argError(
            "healthCheck.usEast1Provider",
            undefined,
            `a us-east-1 provider when the component deploys to ${h.region}: Route 53 health-check metrics, and so the alarm on them and the topic it notifies, exist in us-east-1 only`,
        );
    }
    const path = h.path ?? "/health";
    // Route 53 takes at most 255 characters of path (ResourcePath) and of search string.
    if (!/^\/\S{0,254}$/.test(path)) throw argError("healthCheck.path", path, "an absolute URL path of at most 255 characters such as /health");
    if (h.searchString !== undefined && (h.searchString.length < 1 || h.searchString.length > 255)) {
        throw argError("healthCheck.searchString", h.searchString, "1 to 255 characters");
    }
    return { domain: h.domain.toLowerCase(), path, searchString: h.searchString, target: `https://${h.domain.toLowerCase()}${path}` };
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
    /** Id of the Route 53 health check, when `healthCheck` is set. */
    public readonly healthCheckId: pulumi.Output<string> | undefined;
    /** Name of the CloudWatch dashboard. */
    public readonly dashboardName: pulumi.Output<string>;
    /** Console address of the dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** Names of every alarm. */
    public readonly alarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: AwsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const a = withComponent("Monitoring", name, () => {
            validateMonitoringTargets(args.targets);
            if (args.healthCheck) normalizeHealthCheck(args.healthCheck);
            return normalizeMonitoringArgs(args);
        });
        super("Monitoring", name, opts);
        const t = args.targets;

        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        // One readable, length-safe prefix for the topic, the alarms and the dashboard, so the
        // console lists them together.
        const prefix = physicalName(name, 48);
        const webhooks = { slackWebhookUrl: args.slack?.webhookUrl, webhookUrl: args.webhookUrl };
        const forwarding = webhooks.slackWebhookUrl !== undefined || webhooks.webhookUrl !== undefined;
        if (a.alarmEmails.length === 0 && !forwarding) {
            pulumi.log.warn(`Monitoring ${name}: no alarmEmails, slack or webhookUrl: the alarms notify a topic nobody is subscribed to.`, this);
        }

        const receivers = { name, prefix, emails: a.alarmEmails, webhooks, forwarding, protect: a.protect };
        const main = this.createChannel({ ...receivers, logicalPrefix: "" });

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
                throw new ComponentArgError({ component: "Monitoring", resourceName: name, key: "targets.cacheNodeCount", value: t.cacheNodeCount, allowed: `the number of cacheClusterIds (${ids.length})` });
            }
            // A replication group reports its member clusters as an unordered set; sorting keeps
            // node n on the same cluster (…-00n) across refreshes, so alarms do not shuffle.
            return [...ids].sort();
        });
        const natCount = t.natGatewayCount ?? 0;
        const natIds = pulumi.output(t.natGatewayIds ?? []).apply((ids) => {
            if (ids.length !== natCount) {
                throw new ComponentArgError({ component: "Monitoring", resourceName: name, key: "targets.natGatewayCount", value: natCount, allowed: `the number of natGatewayIds (${ids.length})` });
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
                    metricAlarmArgs(spec, `${prefix}-${spec.suffix}`, main.topicArn),
                    this.childOpts(),
                ),
        );

        if (main.functionName) alarms.push(this.alarm(forwarderErrorsAlarmSpec(main.functionName, "notify-errors"), prefix, main.topicArn));
        this.createDatabaseEvents(prefix, t.dbInstanceId, main);
        const outside = args.healthCheck ? this.createHealthCheck(args.healthCheck, receivers, main.topicArn) : undefined;

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

        this.topicArn = main.topicArn;
        this.healthCheckId = outside?.healthCheckId;
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.all([partition, region, dashboard.dashboardName]).apply(([p, r, n]) => dashboardConsoleUrl(p, r, n));
        this.alarmNames = pulumi.all([...alarms, ...(outside ? [outside.alarm] : [])].map((x) => x.name));
        this.registerOutputs({
            topicArn: this.topicArn,
            healthCheckId: this.healthCheckId,
            dashboardName: this.dashboardName,
            dashboardUrl: this.dashboardUrl,
            alarmNames: this.alarmNames,
        });
    }

    /**
     * RDS's own events for the database, on the alarm topic. Some conditions have no metric: the
     * storage autoscaling ceiling coming near (RDS-EVENT-0225) or reached, a failed or started
     * Multi-AZ failover, an instance failure. Created after the topic policy that admits
     * `events.rds.amazonaws.com`, or RDS's first notifications would be refused.
     */
    private createDatabaseEvents(prefix: string, dbInstanceId: pulumi.Input<string>, channel: { topicArn: pulumi.Output<string>; topicPolicy: aws.sns.TopicPolicy }): aws.rds.EventSubscription {
        return new aws.rds.EventSubscription(
            this.childName("rds-events"),
            { name: `${prefix}-rds-events`, snsTopic: channel.topicArn, sourceType: "db-instance", sourceIds: [dbInstanceId], eventCategories: [...rdsEventCategories], enabled: true },
            this.childOpts({ dependsOn: [channel.topicPolicy] }),
        );
    }

    /** One alarm of this component from its spec, notifying `topicArn`. */
    private alarm(spec: AlarmSpec<pulumi.Input<string>>, prefix: string, topicArn: pulumi.Output<string>, extra?: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
        return new aws.cloudwatch.MetricAlarm(this.childName(`alarm-${spec.suffix}`), metricAlarmArgs(spec, `${prefix}-${spec.suffix}`, topicArn), this.childOpts(extra));
    }

    /**
     * An alarm channel in one region: the KMS key, the encrypted topic and its policy, an email
     * subscription per address and, with a webhook, the forwarder. `logicalPrefix` keeps the
     * second (us-east-1) channel's children apart; the main channel's names never change.
     */
    private createChannel(c: ChannelArgs): { topicArn: pulumi.Output<string>; topicPolicy: aws.sns.TopicPolicy; functionName?: pulumi.Output<string> } {
        const n = (suffix: string) => this.childName(`${c.logicalPrefix}${suffix}`);
        const o = (extra?: pulumi.CustomResourceOptions) => this.childOpts({ ...extra, ...(c.provider ? { provider: c.provider } : {}) });
        // Looked up through the channel's provider: its region is the one its policies name.
        const invoke = { parent: this, ...(c.provider ? { provider: c.provider } : {}) };
        const lookups: AwsLookups = { partition: aws.getPartitionOutput({}, invoke), caller: aws.getCallerIdentityOutput({}, invoke), region: aws.getRegionOutput({}, invoke) };
        const ctx = accountContext(lookups);
        // The function's name fixes its log group's (`/aws/lambda/<name>`), which the key policy
        // names before the function exists. Lambda names are regional: both channels use one.
        const functionName = `${c.prefix}-notify`;
        const logGroupName = `/aws/lambda/${functionName}`;

        const key = new aws.kms.Key(
            n("alarms-key"),
            {
                description: `Encrypts the alarm topic of ${c.name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: c.forwarding
                    ? ctx.apply((x) => topicKeyPolicy(x, { ctx: x, logGroupName }))
                    : pulumi.all([lookups.partition.partition, lookups.caller.accountId]).apply(([p, id]) => topicKeyPolicy({ partition: p, accountId: id })),
            },
            o({ protect: c.protect }),
        );
        const topic = new aws.sns.Topic(n("alarms"), { name: `${c.prefix}-alarms`, displayName: `${c.name} alarms`, kmsMasterKeyId: key.arn }, o());
        const topicPolicyResource = new aws.sns.TopicPolicy(
            n("alarms-policy"),
            {
                arn: topic.arn,
                policy: pulumi.all([lookups.partition.partition, lookups.caller.accountId, topic.arn]).apply(([p, id, arn]) => topicPolicy({ partition: p, accountId: id, topicArn: arn })),
            },
            o(),
        );
        // Named after the address, not its position: removing one address must not recreate
        // (and make re-confirm) the subscriptions listed after it.
        const slugs = new Set<string>();
        for (const email of c.emails) {
            const slug = emailSlug(email);
            if (slugs.has(slug)) {
                throw argError("alarmEmails", email, "each address once (this one is too similar to another)");
            }
            slugs.add(slug);
            new aws.sns.TopicSubscription(n(`email-${slug}`), { topic: topic.arn, protocol: "email", endpoint: email }, o());
        }
        if (!c.forwarding) return { topicArn: topic.arn, topicPolicy: topicPolicyResource };

        // ---- the forwarder: SNS -> Lambda -> Slack / webhook (see ./notify-forwarder for why) ----
        const logGroup = new aws.cloudwatch.LogGroup(n("notify-logs"), { name: logGroupName, retentionInDays: 30, kmsKeyId: key.arn }, o());
        // Auto-named: a deleted secret's name stays reserved for its recovery window.
        const secret = new aws.secretsmanager.Secret(n("notify-secret"), { description: `Alarm webhook URLs of ${c.name}`, kmsKeyId: key.arn, recoveryWindowInDays: 7 }, o());
        const secretValue = new aws.secretsmanager.SecretVersion(
            n("notify-secret-value"),
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi.all([c.webhooks.slackWebhookUrl, c.webhooks.webhookUrl]).apply(([slackWebhookUrl, webhookUrl]) => JSON.stringify({ slackWebhookUrl, webhookUrl } satisfies ForwarderSecret)),
                ),
            },
            o(),
        );
        const role = new aws.iam.Role(
            n("notify-role"),
            { name: physicalName(`${c.name}-${c.logicalPrefix}notify`, 64), description: `Runs the alarm forwarder of ${c.name}`, assumeRolePolicy: forwarderTrustPolicy() },
            o(),
        );
        const rolePolicy = new aws.iam.RolePolicy(
            n("notify-policy"),
            { role: role.id, policy: pulumi.all([ctx, secret.arn, key.arn]).apply(([x, secretArn, keyArn]) => forwarderRolePolicy(x, { logGroupName, secretArn, keyArn })) },
            o(),
        );
        const fn = new aws.lambda.Function(
            n("notify"),
            {
                name: functionName,
                description: `Posts the alarms of ${c.name} to its Slack / webhook receivers`,
                role: role.arn,
                runtime: forwarderRuntime,
                handler: "index.handler",
                architectures: ["arm64"],
                memorySize: 128,
                timeout: forwarderTimeoutSeconds,
                code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset(forwarderSource) }),
                // The ARN only: the URLs stay in the secret (environment variables show in the console).
                environment: { variables: { SECRET_ARN: secret.arn } },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            },
            // The role must be able to read the secret before the first alarm invokes it.
            o({ dependsOn: [rolePolicy, secretValue] }),
        );
        const permission = new aws.lambda.Permission(
            n("notify-invoke"),
            // Only this topic may invoke it (AWS's documented SNS permission: principal + SourceArn).
            { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topic.arn },
            o(),
        );
        // A Lambda subscription in the topic's account needs no confirmation; SNS decrypts the
        // message with the topic key before it invokes the function.
        new aws.sns.TopicSubscription(n("notify-subscription"), { topic: topic.arn, protocol: "lambda", endpoint: fn.arn }, o({ dependsOn: [permission] }));
        return { topicArn: topic.arn, topicPolicy: topicPolicyResource, functionName: fn.name };
    }

    /**
     * The outside watch: a Route 53 health check on the site and an alarm on it, in us-east-1
     * (where Route 53 publishes the metric), notifying a topic there — the main one when the
     * stack is in us-east-1, otherwise a second channel with the same receivers.
     */
    private createHealthCheck(h: HealthCheckArgs, c: Receivers, mainTopicArn: pulumi.Output<string>) {
        const n = normalizeHealthCheck(h);
        const check = new aws.route53.HealthCheck(
            this.childName("health"),
            {
                fqdn: n.domain,
                port: 443,
                type: n.searchString === undefined ? "HTTPS" : "HTTPS_STR_MATCH",
                resourcePath: n.path,
                searchString: n.searchString,
                enableSni: true,
                requestInterval: 30,
                failureThreshold: 3,
                tags: { Name: `${n.target}` },
            },
            this.childOpts(),
        );
        const spec = healthCheckAlarmSpec<pulumi.Input<string>>(check.id, n.target);
        // In us-east-1 the main topic takes the alarm (normalizeHealthCheck refused any other region).
        if (!h.usEast1Provider) return { healthCheckId: check.id, alarm: this.alarm(spec, c.prefix, mainTopicArn) };
        const east = this.createChannel({ ...c, logicalPrefix: "use1-", provider: h.usEast1Provider });
        const alarm = this.alarm(spec, c.prefix, east.topicArn, { provider: h.usEast1Provider });
        if (east.functionName) this.alarm(forwarderErrorsAlarmSpec(east.functionName, "use1-notify-errors"), c.prefix, east.topicArn, { provider: h.usEast1Provider });
        return { healthCheckId: check.id, alarm };
    }
}
