import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmSpecs, type AlarmTargets, metricsOf, postgresDefaultMaxConnections } from "../../components/monitoring/alarms";
import { dashboardBody, dashboardConsoleUrl } from "../../components/monitoring/dashboard";
import { defaultThresholds, normalizeMonitoringArgs } from "../../components/monitoring/index";
import { topicKeyPolicy, topicPolicy } from "../../components/monitoring/policy";
import { expectArgError } from "../helpers/arg-error";

const targets = (over: Partial<AlarmTargets<string>> = {}): AlarmTargets<string> => ({
    loadBalancer: "app/lb/1",
    targetGroup: "targetgroup/tg/2",
    clusterName: "cluster",
    serviceName: "service",
    dbInstanceId: "db",
    dbMaxConnections: 1000,
    dbStorageGb: 100,
    cacheClusterIds: ["c-001", "c-002"],
    backup: { bucketName: "bucket", filterId: "writes" },
    ...over,
});

describe("normalizeMonitoringArgs", () => {
    it("applies the production defaults", () => {
        expect(normalizeMonitoringArgs()).toEqual({
            alarmEmails: [],
            protect: true,
            thresholds: {
                error5xxPercent: 5,
                latencyP95Ms: 500,
                cpuPercent: 80,
                memoryPercent: 90,
                dbConnectionsPercentOfMax: 80,
                dbFreeStoragePercent: 10,
                dbFreeMemoryMb: 256,
                cacheMemoryPercent: 80,
            },
        });
    });

    it("keeps defaults for unset thresholds and the given ones otherwise", () => {
        const n = normalizeMonitoringArgs({ thresholds: { latencyP95Ms: 250, cpuPercent: undefined }, protect: false });
        expect(n.thresholds.latencyP95Ms).toBe(250);
        expect(n.thresholds.cpuPercent).toBe(80);
        expect(n.protect).toBe(false);
        expect(defaultThresholds.latencyP95Ms).toBe(500);
    });

    it("lists each address once, whatever its case", () => {
        expect(normalizeMonitoringArgs({ alarmEmails: ["A@x.io", "a@X.io ", "b@x.io"] }).alarmEmails).toEqual(["A@x.io", "b@x.io"]);
    });

    it.each([
        [{ error5xxPercent: 0 }, { key: "thresholds.error5xxPercent", value: 0, allowed: "a percentage above 0 and at most 100" }],
        [{ cpuPercent: 120 }, { key: "thresholds.cpuPercent", value: 120, allowed: "a percentage above 0 and at most 100" }],
        [{ dbFreeStoragePercent: Number.NaN }, { key: "thresholds.dbFreeStoragePercent", value: Number.NaN, allowed: "a percentage above 0 and at most 100" }],
        [{ latencyP95Ms: -1 }, { key: "thresholds.latencyP95Ms", value: -1, allowed: "a positive number" }],
        [{ dbFreeMemoryMb: 0 }, { key: "thresholds.dbFreeMemoryMb", value: 0, allowed: "a positive number" }],
    ])("rejects %o", (thresholds, want) => {
        expectArgError(() => normalizeMonitoringArgs({ thresholds }), want);
    });
});

describe("alarmSpecs", () => {
    const specs = alarmSpecs(targets(), normalizeMonitoringArgs().thresholds);

    it("gives every alarm a unique, name-safe suffix", () => {
        const suffixes = specs.map((s) => s.suffix);
        expect(new Set(suffixes).size).toBe(suffixes.length);
        for (const s of suffixes) expect(s).toMatch(/^[a-z0-9-]+$/);
    });

    it("keeps datapoints within the evaluation window and one-minute-multiple periods", () => {
        for (const s of specs) {
            expect(s.datapointsToAlarm, s.suffix).toBeLessThanOrEqual(s.evaluationPeriods);
            expect(s.period % 60, s.suffix).toBe(0);
            // CloudWatch refuses windows longer than a day for these periods.
            expect(s.period * s.evaluationPeriods, s.suffix).toBeLessThanOrEqual(86400);
        }
    });

    it("reads percentiles only for latency", () => {
        const percentiles = specs.flatMap((s) => metricsOf(s).filter((m) => /^p\d/.test(m.stat)).map(() => s.suffix));
        expect(percentiles).toEqual(["alb-latency-p95"]);
    });

    it("treats a missing healthy-host count as an outage, and missing error counts as fine", () => {
        const by = Object.fromEntries(specs.map((s) => [s.suffix, s]));
        expect(by["alb-no-healthy-hosts"].treatMissingData).toBe("breaching");
        expect(by["alb-5xx-rate"].treatMissingData).toBe("notBreaching");
        expect(by["backup-missing"].treatMissingData).toBe("breaching");
    });

    it("scales the byte thresholds from the sizes given", () => {
        const by = Object.fromEntries(specs.map((s) => [s.suffix, s]));
        expect(by["rds-free-storage-low"].threshold).toBe(10 * 1024 ** 3);
        expect(by["rds-connections-high"].threshold).toBe(800);
    });

    it("has one alarm set per cache node plus the fixed ones, for any sizes (property)", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 6 }),
                fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
                fc.boolean(),
                fc.integer({ min: 1, max: 100 }),
                fc.integer({ min: 20, max: 65536 }),
                (nodes, maxConns, withBackup, percent, storage) => {
                    const ids = Array.from({ length: nodes }, (_, i) => `n-${i}`);
                    const t = targets({ cacheClusterIds: ids, dbMaxConnections: maxConns, dbStorageGb: storage, backup: withBackup ? { bucketName: "b", filterId: "f" } : undefined });
                    const th = normalizeMonitoringArgs({ thresholds: { cpuPercent: percent, dbFreeStoragePercent: percent } }).thresholds;
                    const s = alarmSpecs(t, th);
                    expect(s).toHaveLength(10 + 3 * nodes + (maxConns === undefined ? 0 : 1) + (withBackup ? 1 : 0));
                    ids.forEach((id, i) => {
                        const node = s.filter((x) => x.suffix.startsWith(`cache-${i + 1}-`));
                        expect(node).toHaveLength(3);
                        for (const x of node) expect(metricsOf(x)[0].dimensions).toEqual({ CacheClusterId: id });
                    });
                    for (const x of s) expect(x.threshold).toBeGreaterThanOrEqual(0);
                },
            ),
        );
    });
});

describe("postgresDefaultMaxConnections", () => {
    it("follows the RDS formula and its cap", () => {
        expect(postgresDefaultMaxConnections(4)).toBe(450);
        expect(postgresDefaultMaxConnections(1)).toBe(112);
        expect(postgresDefaultMaxConnections(256)).toBe(5000);
    });
});

describe("dashboardBody", () => {
    const input = {
        region: "eu-central-1",
        targets: targets(),
        thresholds: normalizeMonitoringArgs().thresholds,
        alarmArns: ["arn:aws:cloudwatch:eu-central-1:1:alarm:a", "arn:aws:cloudwatch:eu-central-1:1:alarm:b"],
    };
    const body = JSON.parse(dashboardBody(input));

    it("starts with the alarm status across the full width", () => {
        expect(body.widgets[0]).toMatchObject({ type: "alarm", x: 0, y: 0, width: 24, properties: { alarms: input.alarmArns } });
    });

    it("lays the graphs out on the 24-column grid without overlap", () => {
        const cells = new Set<string>();
        for (const w of body.widgets) {
            expect(w.x + w.width).toBeLessThanOrEqual(24);
            for (let x = w.x; x < w.x + w.width; x++) {
                for (let y = w.y; y < w.y + w.height; y++) {
                    const cell = `${x},${y}`;
                    expect(cells.has(cell), cell).toBe(false);
                    cells.add(cell);
                }
            }
        }
    });

    it("graphs the region given and every alarm metric, latency at p50/p95/p99", () => {
        const metricWidgets = body.widgets.filter((w: { type: string }) => w.type === "metric");
        for (const w of metricWidgets) expect(w.properties.region).toBe("eu-central-1");
        const text = JSON.stringify(metricWidgets);
        for (const spec of alarmSpecs(input.targets, input.thresholds)) {
            for (const m of metricsOf(spec)) expect(text, m.metricName).toContain(`"${m.namespace}","${m.metricName}"`);
        }
        const latency = metricWidgets.find((w: { properties: { title: string } }) => w.properties.title.startsWith("Response time"));
        expect(latency.properties.metrics.map((l: unknown[]) => (l.at(-1) as { stat: string }).stat)).toEqual(["p50", "p95", "p99"]);
    });

    it("shows the backup widget only with a backup bucket", () => {
        const without = JSON.parse(dashboardBody({ ...input, targets: targets({ backup: undefined }) }));
        expect(JSON.stringify(without)).not.toContain("PutRequests");
        expect(JSON.stringify(body)).toContain("PutRequests");
    });

    it("links to the console of the partition", () => {
        expect(dashboardConsoleUrl("aws", "us-west-2", "web")).toBe("https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards/dashboard/web");
        expect(dashboardConsoleUrl("aws-cn", "cn-north-1", "web")).toMatch(/^https:\/\/console\.amazonaws\.cn\//);
        expect(dashboardConsoleUrl("aws-us-gov", "us-gov-west-1", "web")).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\//);
    });
});

describe("topic policies", () => {
    const ctx = { partition: "aws", accountId: "111122223333" };

    it("lets publishers use the key without conditions their requests cannot carry", () => {
        const p = JSON.parse(topicKeyPolicy(ctx));
        const publishers = p.Statement.find((s: { Sid: string }) => s.Sid === "AlarmPublishersUseKey");
        expect(publishers.Principal.Service).toEqual(["cloudwatch.amazonaws.com", "events.amazonaws.com", "events.rds.amazonaws.com"]);
        expect(publishers.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
        expect(publishers.Condition).toBeUndefined();
        expect(p.Statement[0].Principal.AWS).toBe("arn:aws:iam::111122223333:root");
    });

    it("restricts publishing to the account's own services", () => {
        const p = JSON.parse(topicPolicy({ ...ctx, topicArn: "arn:aws:sns:us-east-1:111122223333:t" }));
        expect(p.Statement).toEqual([
            expect.objectContaining({
                Effect: "Allow",
                Action: "sns:Publish",
                Resource: "arn:aws:sns:us-east-1:111122223333:t",
                Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
            }),
        ]);
    });
});
