import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsMonitoring, type AwsMonitoringArgs, backupMetricsFilterId, type MonitoringTargets } from "../../components/monitoring/aws";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { expectParentedAndPrefixed } from "../helpers/children";
import { evalMetricMath } from "../helpers/metric-math";
import { recordResources, resolve } from "../helpers/record";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const KEY = "aws:kms/key:Key";

const targets = (over: Partial<MonitoringTargets> = {}): MonitoringTargets => ({
    // Outputs where the stack passes Outputs, to prove they are wired without `apply` resources.
    loadBalancerArnSuffix: pulumi.output("app/web-lb/abc123"),
    targetGroupArnSuffix: pulumi.output("targetgroup/web-tg/def456"),
    clusterName: pulumi.output("web-cluster"),
    serviceName: pulumi.output("web-service"),
    dbInstanceId: pulumi.output("web-db"),
    dbMaxConnections: 400,
    dbStorageGb: 50,
    // Unordered on purpose: a replication group reports its members as a set.
    cacheClusterIds: pulumi.output(["web-cache-002", "web-cache-001"]),
    cacheNodeCount: 2,
    natGatewayIds: pulumi.output(["nat-0aaa", "nat-0bbb"]),
    natGatewayCount: 2,
    backupBucketName: pulumi.output("web-backups-123456789012-abcdef"),
    ...over,
});

const build = (args: Partial<AwsMonitoringArgs> = {}, region = "us-east-1") =>
    recordResources(() => new AwsMonitoring("mon", { alarmEmails: ["ops@example.com"], targets: targets(), ...args }), { region });

const alarmsOf = (graph: Graph): Map<string, RecordedResource> =>
    new Map(graph.ofType(ALARM).map((a) => [a.name.replace(/^mon-alarm-/, ""), a]));

type Dims = Record<string, string>;
interface MetricUse {
    namespace: string;
    metricName: string;
    dimensions: Dims;
}

const sameDims = (a: Dims, b: Dims): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Every metric a recorded alarm reads, from its inputs as the engine sees them. */
function alarmMetrics(alarm: RecordedResource): MetricUse[] {
    const i = alarm.inputs as Record<string, unknown>;
    if (i.metricQueries) {
        return (i.metricQueries as { metric?: MetricUse }[]).filter((q) => q.metric).map((q) => q.metric as MetricUse);
    }
    return [{ namespace: i.namespace as string, metricName: i.metricName as string, dimensions: i.dimensions as Dims }];
}

describe("AwsMonitoring with every target", () => {
    let graph: Graph;
    let mon: AwsMonitoring;
    let alarms: Map<string, RecordedResource>;
    let topicArn: string;

    beforeAll(async () => {
        const r = await build({ alarmEmails: ["ops@example.com", " OPS@example.com", "dev@example.com"] });
        graph = r.graph;
        mon = r.result;
        alarms = alarmsOf(graph);
        topicArn = (await resolve(mon.topicArn)).value;
    });

    it("parents every child to the component and prefixes its name", () => {
        const children = expectParentedAndPrefixed(graph, "slipway:components:Monitoring", "mon");
        expect(children.length).toBeGreaterThan(20);
    });

    it("encrypts the topic with its own protected key, rotation on", () => {
        const key = graph.one(KEY);
        const topic = graph.one(TOPIC);
        expect(key.inputs.enableKeyRotation).toBe(true);
        expect(key.protect).toBe(true);
        expect(topic.inputs.kmsMasterKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
        expect(graph.dependsOn(topic, key)).toBe(true);
        // Only the key holds state worth protecting.
        expect(graph.resources.filter((r) => r.protect).map((r) => r.type)).toEqual([KEY]);
    });

    it("lets CloudWatch (and EventBridge) use the key, and the account administer it", () => {
        const policy = JSON.parse(graph.one(KEY).inputs.policy as string);
        const publishers = policy.Statement.find((s: { Principal: { Service?: string[] } }) =>
            s.Principal.Service?.includes("cloudwatch.amazonaws.com"),
        );
        expect(publishers.Effect).toBe("Allow");
        expect(publishers.Principal.Service).toContain("events.amazonaws.com");
        expect(publishers.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
        expect(publishers.Action).not.toContain("kms:*");
        const admin = policy.Statement.find((s: { Principal: { AWS?: string } }) => s.Principal.AWS === "arn:aws:iam::123456789012:root");
        expect(admin.Action).toBe("kms:*");
    });

    it("lets only this account's CloudWatch publish to the topic", () => {
        const tp = graph.one("aws:sns/topicPolicy:TopicPolicy");
        expect(tp.inputs.arn).toBe(topicArn);
        const policy = JSON.parse(tp.inputs.policy as string);
        expect(policy.Statement).toHaveLength(1);
        const [s] = policy.Statement;
        expect(s).toMatchObject({ Effect: "Allow", Action: "sns:Publish", Resource: topicArn });
        expect(s.Principal.Service).toContain("cloudwatch.amazonaws.com");
        expect(s.Condition.StringEquals["aws:SourceAccount"]).toBe("123456789012");
    });

    it("subscribes each distinct address once, by email", () => {
        const subs = graph.ofType("aws:sns/topicSubscription:TopicSubscription");
        expect(subs.map((s) => s.inputs.endpoint).sort()).toEqual(["dev@example.com", "ops@example.com"]);
        for (const s of subs) expect(s.inputs).toMatchObject({ protocol: "email", topic: topicArn });
        expect(subs.map((s) => s.name).sort()).toEqual(["mon-email-dev-example-com", "mon-email-ops-example-com"]);
    });

    it("creates the expected alarm set", () => {
        expect([...alarms.keys()].sort()).toEqual(
            [
                "alb-5xx-rate",
                "alb-latency-p95",
                "alb-unhealthy-hosts",
                "alb-no-healthy-hosts",
                "ecs-cpu-high",
                "ecs-memory-high",
                "ecs-tasks-below-desired",
                "rds-cpu-high",
                "rds-free-storage-low",
                "rds-connections-high",
                "rds-freeable-memory-low",
                ...[1, 2].flatMap((n) => [`cache-${n}-memory-high`, `cache-${n}-evictions`, `cache-${n}-engine-cpu-high`]),
                "nat-1-port-allocation-errors",
                "nat-2-port-allocation-errors",
                "backup-missing",
            ].sort(),
        );
    });

    it("notifies the topic on alarm and on recovery from every alarm", () => {
        for (const [suffix, a] of alarms) {
            expect(a.inputs.alarmActions, suffix).toEqual([topicArn]);
            expect(a.inputs.okActions, suffix).toEqual([topicArn]);
            expect(a.inputs.actionsEnabled, suffix).toBe(true);
            // One shared, physical prefix: the console lists the alarms together.
            expect(a.inputs.name, suffix).toBe(`${graph.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardName}-${suffix}`);
        }
    });

    it("notifies on missing data only where silence itself is trouble", () => {
        const withInsufficient = [...alarms].filter(([, a]) => a.inputs.insufficientDataActions !== undefined);
        expect(withInsufficient.map(([s]) => s).sort()).toEqual(["cache-1-engine-cpu-high", "cache-2-engine-cpu-high", "rds-cpu-high"]);
        for (const [, a] of withInsufficient) expect(a.inputs.insufficientDataActions).toEqual([topicArn]);
    });

    it("computes the 5xx rate with metric math that cannot divide by zero", () => {
        const a = alarms.get("alb-5xx-rate")!;
        expect(a.inputs.metricName).toBeUndefined();
        const queries = a.inputs.metricQueries as { id: string; expression?: string; returnData: boolean; metric?: MetricUse & { stat: string } }[];
        const byId = Object.fromEntries(queries.map((q) => [q.id, q]));
        expect(byId.m1.metric).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum" });
        expect(byId.m2.metric).toMatchObject({ metricName: "HTTPCode_ELB_5XX_Count", stat: "Sum" });
        expect(byId.m3.metric).toMatchObject({ metricName: "RequestCount", stat: "Sum", dimensions: { LoadBalancer: "app/web-lb/abc123" } });
        expect(queries.filter((q) => q.returnData).map((q) => q.id)).toEqual(["e1"]);
        expect(a.inputs).toMatchObject({ threshold: 5, comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching" });
    });

    it("reads a minute of only load-balancer 5xx (no target, so no RequestCount) as a full outage", () => {
        const expression = (alarms.get("alb-5xx-rate")!.inputs.metricQueries as { id: string; expression?: string }[]).find((q) => q.id === "e1")!.expression!;
        // m1 target 5xx, m2 ELB 5xx, m3 RequestCount; undefined is a minute without a datapoint.
        const rate = (m1: number | undefined, m2: number | undefined, m3: number | undefined) => evalMetricMath(expression, { m1, m2, m3 });
        // Every target deregistered: the ALB answers 503 itself and RequestCount reports nothing.
        expect(rate(undefined, 40, undefined)).toBe(100);
        expect(rate(undefined, 40, 0)).toBe(100);
        // Mixed: 30 ELB 5xx beside 970 routed requests is 3%, not hidden and not inflated.
        expect(rate(undefined, 30, 970)).toBeCloseTo(3, 6);
        expect(rate(20, undefined, 1000)).toBeCloseTo(2, 6);
        // No traffic at all: 0, not a division by zero.
        expect(rate(undefined, undefined, undefined)).toBe(0);
    });

    it("alarms on p95 target latency in seconds", () => {
        const a = alarms.get("alb-latency-p95")!;
        expect(a.inputs).toMatchObject({ metricName: "TargetResponseTime", extendedStatistic: "p95", threshold: 0.5, period: 60 });
        expect(a.inputs.statistic).toBeUndefined();
    });

    it("alarms on unhealthy hosts for 3 minutes, and treats a silent healthy count as an outage", () => {
        expect(alarms.get("alb-unhealthy-hosts")!.inputs).toMatchObject({
            metricName: "UnHealthyHostCount",
            dimensions: { TargetGroup: "targetgroup/web-tg/def456", LoadBalancer: "app/web-lb/abc123" },
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
        });
        expect(alarms.get("alb-no-healthy-hosts")!.inputs).toMatchObject({
            metricName: "HealthyHostCount",
            statistic: "Minimum",
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
        });
    });

    it("alarms on ECS service CPU and memory", () => {
        const dims = { ClusterName: "web-cluster", ServiceName: "web-service" };
        expect(alarms.get("ecs-cpu-high")!.inputs).toMatchObject({ namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: dims, threshold: 80 });
        expect(alarms.get("ecs-memory-high")!.inputs).toMatchObject({ namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: dims, threshold: 90 });
    });

    it("alarms on RDS CPU, storage, connections and memory", () => {
        const dims = { DBInstanceIdentifier: "web-db" };
        expect(alarms.get("rds-cpu-high")!.inputs).toMatchObject({ namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: dims, threshold: 80 });
        expect(alarms.get("rds-free-storage-low")!.inputs).toMatchObject({
            metricName: "FreeStorageSpace",
            comparisonOperator: "LessThanThreshold",
            threshold: Math.round(50 * 1024 ** 3 * 0.1),
        });
        expect(alarms.get("rds-free-storage-low")!.inputs.alarmDescription).toContain("no storage autoscaling");
        expect(alarms.get("rds-connections-high")!.inputs).toMatchObject({ metricName: "DatabaseConnections", threshold: 320 });
        expect(alarms.get("rds-freeable-memory-low")!.inputs).toMatchObject({ metricName: "FreeableMemory", threshold: 256 * 1024 ** 2 });
    });

    it("alarms when fewer tasks run than the service wants, from Container Insights", () => {
        const a = alarms.get("ecs-tasks-below-desired")!;
        const queries = a.inputs.metricQueries as { id: string; expression?: string; metric?: MetricUse & { stat: string } }[];
        const byId = Object.fromEntries(queries.map((q) => [q.id, q]));
        const dims = { ClusterName: "web-cluster", ServiceName: "web-service" };
        expect(byId.m1.metric).toMatchObject({ namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: dims });
        expect(byId.m2.metric).toMatchObject({ namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", dimensions: dims });
        expect(a.inputs).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 10, datapointsToAlarm: 10 });
        const gap = (running: number | undefined, desired: number | undefined) => evalMetricMath(byId.e1.expression!, { m1: running, m2: desired });
        // Every task gone: Container Insights reports no running count, the desired count stays.
        expect(gap(undefined, 3)! > 0).toBe(true);
        expect(gap(2, 3)! > 0).toBe(true);
        // A rolling deploy runs more than desired; that is fine.
        expect(gap(6, 3)! > 0).toBe(false);
    });

    it("alarms on port-allocation errors of each NAT gateway, in zone order", () => {
        for (const [n, id] of [[1, "nat-0aaa"], [2, "nat-0bbb"]] as const) {
            expect(alarms.get(`nat-${n}-port-allocation-errors`)!.inputs).toMatchObject({
                namespace: "AWS/NATGateway",
                metricName: "ErrorPortAllocation",
                dimensions: { NatGatewayId: id },
                statistic: "Sum",
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
            });
        }
    });

    it("gives each cache node its own alarm set on its own cluster id", () => {
        for (const [n, id] of [[1, "web-cache-001"], [2, "web-cache-002"]] as const) {
            const memory = alarms.get(`cache-${n}-memory-high`)!.inputs;
            expect(memory).toMatchObject({ namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage", dimensions: { CacheClusterId: id }, threshold: 80 });
            expect(alarms.get(`cache-${n}-evictions`)!.inputs).toMatchObject({
                metricName: "Evictions",
                statistic: "Sum",
                threshold: 0,
                dimensions: { CacheClusterId: id },
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
            });
            expect(alarms.get(`cache-${n}-engine-cpu-high`)!.inputs).toMatchObject({ metricName: "EngineCPUUtilization", dimensions: { CacheClusterId: id }, threshold: 80 });
        }
    });

    it("turns on request metrics for the backup bucket and alarms when a day passes without a write", () => {
        const metrics = graph.one("aws:s3/bucketMetric:BucketMetric");
        expect(metrics.inputs).toEqual({ bucket: "web-backups-123456789012-abcdef", name: backupMetricsFilterId });
        const a = alarms.get("backup-missing")!;
        expect(a.inputs).toMatchObject({
            namespace: "AWS/S3",
            metricName: "PutRequests",
            dimensions: { BucketName: "web-backups-123456789012-abcdef", FilterId: backupMetricsFilterId },
            period: 86400,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
        });
        expect(graph.dependsOn(a, metrics)).toBe(true);
    });

    it("builds a dashboard that parses and graphs every metric an alarm reads", () => {
        const body = JSON.parse(graph.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string);
        const lines: MetricUse[] = body.widgets
            .filter((w: { type: string }) => w.type === "metric")
            .flatMap((w: { properties: { metrics: (string | object)[][] } }) => w.properties.metrics)
            .map((l: (string | object)[]) => {
                const parts = l.filter((p): p is string => typeof p === "string");
                const dims: Dims = {};
                for (let i = 2; i < parts.length; i += 2) dims[parts[i]] = parts[i + 1];
                return { namespace: parts[0], metricName: parts[1], dimensions: dims };
            });
        const uses = [...alarms.values()].flatMap(alarmMetrics);
        expect(uses.length).toBeGreaterThanOrEqual(alarms.size);
        for (const use of uses) {
            expect(
                lines.some((l) => l.namespace === use.namespace && l.metricName === use.metricName && sameDims(l.dimensions, use.dimensions)),
                `${use.namespace} ${use.metricName} ${JSON.stringify(use.dimensions)}`,
            ).toBe(true);
        }
    });

    it("shows the state of every alarm on the dashboard", () => {
        const body = JSON.parse(graph.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string);
        const status = body.widgets.find((w: { type: string }) => w.type === "alarm");
        const arns = [...alarms.values()].map((a) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.inputs.name}`);
        expect([...status.properties.alarms].sort()).toEqual(arns.sort());
    });

    it("exposes the topic, the dashboard and the alarm names", async () => {
        const dashboard = graph.one("aws:cloudwatch/dashboard:Dashboard");
        expect(topicArn).toBe(`arn:aws:sns:us-east-1:123456789012:${graph.one(TOPIC).inputs.name}`);
        expect((await resolve(mon.dashboardName)).value).toBe(dashboard.inputs.dashboardName);
        expect((await resolve(mon.dashboardUrl)).value).toBe(
            `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/${dashboard.inputs.dashboardName}`,
        );
        const names = (await resolve(mon.alarmNames)).value;
        expect([...names].sort()).toEqual([...alarms.values()].map((a) => a.inputs.name).sort());
        const outputs = graph.one("slipway:components:Monitoring").outputs!;
        expect(Object.keys(outputs).sort()).toEqual(["alarmNames", "dashboardName", "dashboardUrl", "topicArn"]);
        expect(outputs.topicArn).toBe(topicArn);
    });
});

describe("AwsMonitoring options", () => {
    it("graphs the stack's region", async () => {
        const { graph, result } = await build({}, "eu-west-1");
        const body = JSON.parse(graph.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string);
        const regions = new Set(body.widgets.filter((w: { type: string }) => w.type === "metric").map((w: { properties: { region: string } }) => w.properties.region));
        expect([...regions]).toEqual(["eu-west-1"]);
        expect((await resolve(result.dashboardUrl)).value).toContain("https://eu-west-1.console.aws.amazon.com/");
    });

    it("applies threshold overrides", async () => {
        const { graph } = await build({ thresholds: { latencyP95Ms: 300, error5xxPercent: 1, cpuPercent: 70, dbConnectionsPercentOfMax: 50 } });
        const alarms = alarmsOf(graph);
        expect(alarms.get("alb-latency-p95")!.inputs.threshold).toBe(0.3);
        expect(alarms.get("alb-5xx-rate")!.inputs.threshold).toBe(1);
        expect(alarms.get("rds-cpu-high")!.inputs.threshold).toBe(70);
        expect(alarms.get("cache-1-engine-cpu-high")!.inputs.threshold).toBe(70);
        expect(alarms.get("rds-connections-high")!.inputs.threshold).toBe(200);
        // Unset values keep their defaults.
        expect(alarms.get("ecs-memory-high")!.inputs.threshold).toBe(90);
    });

    it("leaves out the alarms whose inputs are not given", async () => {
        const { graph } = await build({
            alarmEmails: [],
            targets: targets({ dbMaxConnections: undefined, backupBucketName: undefined, cacheClusterIds: [], cacheNodeCount: 0, natGatewayIds: undefined, natGatewayCount: undefined }),
        });
        const suffixes = [...alarmsOf(graph).keys()];
        expect(suffixes).toHaveLength(10);
        expect(suffixes.some((s) => s.startsWith("cache-") || s.startsWith("nat-") || s === "backup-missing" || s === "rds-connections-high")).toBe(false);
        expect(graph.ofType("aws:s3/bucketMetric:BucketMetric")).toHaveLength(0);
        expect(graph.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
    });

    it("watches CPU credits of burstable classes only: surplus billed on RDS, balance per cache node", async () => {
        const burstable = alarmsOf((await build({ targets: targets({ dbInstanceClass: "db.t4g.large", cacheNodeType: "cache.t4g.medium" }) })).graph);
        expect(burstable.get("rds-cpu-surplus-credits")!.inputs).toMatchObject({
            namespace: "AWS/RDS",
            metricName: "CPUSurplusCreditsCharged",
            dimensions: { DBInstanceIdentifier: "web-db" },
            statistic: "Sum",
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [expect.stringMatching(/^arn:aws:sns:/)],
        });
        expect(burstable.get("rds-cpu-surplus-credits")!.inputs.alarmDescription).toContain("30% CPU baseline");
        for (const [n, id] of [[1, "web-cache-001"], [2, "web-cache-002"]] as const) {
            expect(burstable.get(`cache-${n}-cpu-credits-low`)!.inputs).toMatchObject({
                namespace: "AWS/ElastiCache",
                metricName: "CPUCreditBalance",
                dimensions: { CacheClusterId: id },
                statistic: "Minimum",
                // cache.t4g.medium earns 24 credits an hour: two hours of them.
                threshold: 48,
                comparisonOperator: "LessThanThreshold",
            });
        }
        const fixed = alarmsOf((await build({ targets: targets({ dbInstanceClass: "db.m7g.large", cacheNodeType: "cache.r7g.large" }) })).graph);
        expect([...fixed.keys()].filter((k) => k.includes("credit"))).toEqual([]);
        await expect(build({ targets: targets({ dbInstanceClass: "db.t4g.9xlarge" }) })).rejects.toThrow(/instanceClass is "db\.t4g\.9xlarge"; expected a t2, t3, t3a or t4g size .*CPU credit rate/);
    });

    it("with storage autoscaling, alarms when autoscaling stops keeping free space, not at a share of the first allocation", async () => {
        const a = alarmsOf((await build({ targets: targets({ dbStorageGb: 100, dbMaxStorageGb: 500 }) })).graph).get("rds-free-storage-low")!;
        // Autoscaling keeps at least 10% of the allocation free and only grows it from 100 GiB:
        // the alarm sits at that floor and outlasts the 5 minutes autoscaling waits before acting.
        expect(a.inputs.threshold).toBeLessThanOrEqual(100 * 1024 ** 3 * 0.1);
        expect((a.inputs.period as number) * (a.inputs.evaluationPeriods as number)).toBeGreaterThanOrEqual(30 * 60);
        expect(a.inputs.datapointsToAlarm).toBe(a.inputs.evaluationPeriods);
        expect(a.inputs.alarmDescription).toMatch(/storage autoscaling \(100 GiB up to 500 GiB.*500 GiB ceiling/);
        // A threshold above the autoscaling trigger would fire at every normal allocation: capped.
        const high = alarmsOf((await build({ thresholds: { dbFreeStoragePercent: 25 }, targets: targets({ dbStorageGb: 100, dbMaxStorageGb: 500 }) })).graph);
        expect(high.get("rds-free-storage-low")!.inputs.threshold).toBe(10 * 1024 ** 3);
    });

    it("unprotects the key only when asked", async () => {
        const { graph } = await build({ protect: false });
        expect(graph.one(KEY).protect).toBe(false);
    });

    it("rejects a target set it cannot count", async () => {
        await expect(build({ targets: targets({ cacheNodeCount: 1.5 }) })).rejects.toThrow(/Monitoring mon: targets\.cacheNodeCount is 1\.5; expected a whole number of at least 0/);
        await expect(build({ targets: targets({ dbStorageGb: 0 }) })).rejects.toThrow(/targets\.dbStorageGb is 0; expected the database's allocated storage in GB/);
        await expect(build({ targets: targets({ natGatewayIds: undefined }) })).rejects.toThrow(/targets\.natGatewayIds is missing; expected the network's natGatewayIds \(natGatewayCount is 2\)/);
        await expect(build({ targets: targets({ dbStorageGb: 100, dbMaxStorageGb: 50 }) })).rejects.toThrow(/targets\.dbMaxStorageGb is 50; expected at least dbStorageGb \(100\)/);
    });
});
