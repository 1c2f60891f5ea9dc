import type { AlarmTargets } from "./alarms";
import { isBurstableClass } from "./burstable";
import type { MonitoringThresholds } from "./index";

/**
 * The CloudWatch dashboard of the AWS target, as the JSON body `PutDashboard` takes
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 * Pure: it takes resolved values, so `aws.ts` renders it inside one `apply`.
 */

export interface DashboardInput {
    region: string;
    targets: AlarmTargets<string>;
    thresholds: Required<MonitoringThresholds>;
    /** ARNs of every alarm, for the status widget. */
    alarmArns: string[];
}

/** One line of a metric widget: namespace, metric name, dimension pairs, then options. */
type MetricLine = (string | Record<string, unknown>)[];

interface Widget {
    type: "metric" | "alarm" | "text";
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

const line = (namespace: string, metricName: string, dimensions: Record<string, string>, options: Record<string, unknown>): MetricLine => [
    namespace,
    metricName,
    ...Object.entries(dimensions).flat(),
    options,
];

/** The widgets in reading order; `layout` places them two per row. */
function widgets(input: DashboardInput): Omit<Widget, "x" | "y" | "width" | "height">[] {
    const { region, targets: t, thresholds: th } = input;
    const lb = { LoadBalancer: t.loadBalancer };
    const tg = { TargetGroup: t.targetGroup, LoadBalancer: t.loadBalancer };
    const svc = { ClusterName: t.clusterName, ServiceName: t.serviceName };
    const db = { DBInstanceIdentifier: t.dbInstanceId };
    const graph = (title: string, metrics: MetricLine[], extra: Record<string, unknown> = {}) => ({
        type: "metric" as const,
        properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra },
    });
    const limit = (label: string, value: number) => ({ annotations: { horizontal: [{ label, value }] } });
    const out = [
        graph("Requests and 5xx", [
            line("AWS/ApplicationELB", "RequestCount", lb, { stat: "Sum", label: "requests" }),
            line("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, { stat: "Sum", label: "5xx from the app", yAxis: "right" }),
            line("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, { stat: "Sum", label: "5xx from the load balancer", yAxis: "right" }),
        ]),
        graph(
            "Response time (seconds)",
            ["p50", "p95", "p99"].map((stat) => line("AWS/ApplicationELB", "TargetResponseTime", lb, { stat, label: stat })),
            limit("p95 alarm", th.latencyP95Ms / 1000),
        ),
        graph("Healthy / unhealthy app tasks", [
            line("AWS/ApplicationELB", "HealthyHostCount", tg, { stat: "Minimum", label: "healthy" }),
            line("AWS/ApplicationELB", "UnHealthyHostCount", tg, { stat: "Maximum", label: "unhealthy" }),
        ]),
        graph(
            "App service CPU and memory (%)",
            [
                line("AWS/ECS", "CPUUtilization", svc, { stat: "Average", label: "CPU" }),
                line("AWS/ECS", "MemoryUtilization", svc, { stat: "Average", label: "memory" }),
            ],
            { yAxis: { left: { min: 0, max: 100 } } },
        ),
        graph(
            "Database CPU (%) and connections",
            [
                line("AWS/RDS", "CPUUtilization", db, { stat: "Average", label: "CPU" }),
                line("AWS/RDS", "DatabaseConnections", db, { stat: "Maximum", label: "connections", yAxis: "right" }),
            ],
            { yAxis: { left: { min: 0, max: 100 } } },
        ),
        graph("Database free storage and memory (bytes)", [
            line("AWS/RDS", "FreeStorageSpace", db, { stat: "Minimum", label: "free storage" }),
            line("AWS/RDS", "FreeableMemory", db, { stat: "Minimum", label: "free memory", yAxis: "right" }),
        ]),
        graph(
            "Cache memory (%) and engine CPU (%)",
            t.cacheClusterIds.flatMap((id) => [
                line("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", { CacheClusterId: id }, { stat: "Maximum", label: `${id} memory` }),
                line("AWS/ElastiCache", "EngineCPUUtilization", { CacheClusterId: id }, { stat: "Average", label: `${id} engine CPU` }),
            ]),
            { yAxis: { left: { min: 0, max: 100 } }, ...limit("memory alarm", th.cacheMemoryPercent) },
        ),
        graph(
            "Cache evictions",
            t.cacheClusterIds.map((id) => line("AWS/ElastiCache", "Evictions", { CacheClusterId: id }, { stat: "Sum", label: id })),
            { period: 300 },
        ),
    ];
    out.push(
        graph("App tasks running and desired", [
            line("ECS/ContainerInsights", "RunningTaskCount", svc, { stat: "Minimum", label: "running" }),
            line("ECS/ContainerInsights", "DesiredTaskCount", svc, { stat: "Maximum", label: "desired" }),
        ]),
    );
    if (t.dbInstanceClass !== undefined && isBurstableClass(t.dbInstanceClass)) {
        out.push(
            graph(
                "Database CPU credits",
                [
                    line("AWS/RDS", "CPUCreditBalance", db, { stat: "Minimum", label: "balance" }),
                    line("AWS/RDS", "CPUSurplusCreditsCharged", db, { stat: "Sum", label: "surplus charged", yAxis: "right" }),
                ],
                { period: 300 },
            ),
        );
    }
    if (t.cacheNodeType !== undefined && isBurstableClass(t.cacheNodeType)) {
        out.push(
            graph(
                "Cache CPU credit balance",
                t.cacheClusterIds.map((id) => line("AWS/ElastiCache", "CPUCreditBalance", { CacheClusterId: id }, { stat: "Minimum", label: id })),
                { period: 300 },
            ),
        );
    }
    const nats = t.natGatewayIds ?? [];
    if (nats.length > 0) {
        out.push(
            graph(
                "NAT gateway port allocation errors",
                nats.map((id) => line("AWS/NATGateway", "ErrorPortAllocation", { NatGatewayId: id }, { stat: "Sum", label: id })),
                { period: 300 },
            ),
        );
    }
    if (t.backup) {
        out.push(
            graph(
                "Objects written to the backup bucket per day",
                [line("AWS/S3", "PutRequests", { BucketName: t.backup.bucketName, FilterId: t.backup.filterId }, { stat: "Sum", label: "uploads" })],
                { period: 86400, view: "bar" },
            ),
        );
    }
    return out;
}

/** Places widgets: the alarm status across the top, then two graphs per row. */
function layout(input: DashboardInput): Widget[] {
    const status: Widget = {
        type: "alarm",
        x: 0,
        y: 0,
        width: 24,
        height: 4,
        properties: { title: "Alarms", alarms: input.alarmArns, sortBy: "stateUpdatedTimestamp" },
    };
    const graphs = widgets(input).map((w, i) => ({ ...w, x: (i % 2) * 12, y: 4 + Math.floor(i / 2) * 6, width: 12, height: 6 }));
    return [status, ...graphs];
}

/** The dashboard body, as the JSON string `aws.cloudwatch.Dashboard` takes. */
export function dashboardBody(input: DashboardInput): string {
    return JSON.stringify({ widgets: layout(input) });
}

const consoleHosts: Record<string, (region: string) => string> = {
    aws: (region) => `${region}.console.aws.amazon.com`,
    "aws-cn": () => "console.amazonaws.cn",
    "aws-us-gov": () => "console.amazonaws-us-gov.com",
};

/** The console address of a dashboard. */
export function dashboardConsoleUrl(partition: string, region: string, dashboardName: string): string {
    const host = (consoleHosts[partition] ?? consoleHosts.aws)(region);
    return `https://${host}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}
