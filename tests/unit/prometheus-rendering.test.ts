import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/shared/errors";
import { parse } from "yaml";
import { alertDefinitions, type AlertRulesOptions, backupMetric, renderAlertRules, renderAlertRuleTests } from "../../components/monitoring/alert-rules";
import { expandAnnotation } from "../../components/monitoring/alert-template";
import { type MonitoringThresholds, normalizeMonitoringArgs } from "../../components/monitoring/index";
import { jobNames, type PrometheusYmlOptions, renderPrometheusYml } from "../../components/monitoring/prometheus-yml";

// Go's yaml.v2 reads these files: parse them back under YAML 1.1 rules, as it would.
const load = (text: string): any => parse(text, { version: "1.1" });

const promOptions = (over: Partial<PrometheusYmlOptions> = {}): PrometheusYmlOptions => ({
    ruleFiles: ["/etc/prometheus/rules/*.yml"],
    alertmanagers: ["alertmanager:9093"],
    prometheus: "prometheus:9090",
    nodeExporter: "node-exporter:9100",
    postgresExporter: "postgres-exporter:9187",
    redisExporter: "redis-exporter:9121",
    nginxExporter: "nginx-exporter:9113",
    appTargets: ["app-1:8080", "app-2:8080"],
    blackbox: { exporter: "blackbox-exporter:9115", httpUrls: ["https://example.com/health"], tlsAddresses: ["example.com:443"] },
    ...over,
});

const jobOf = (cfg: any, name: string): any => {
    const job = cfg.scrape_configs.find((j: any) => j.job_name === name);
    if (!job) throw new Error(`no job ${name}`);
    return job;
};

describe("renderPrometheusYml", () => {
    const cfg = load(renderPrometheusYml(promOptions({ externalLabels: { stack: "dev" } })));

    it("scrapes and evaluates every 15 seconds, loads the rules and alerts Alertmanager", () => {
        expect(cfg.global).toEqual({ scrape_interval: "15s", evaluation_interval: "15s", external_labels: { stack: "dev" } });
        expect(cfg.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
        expect(cfg.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: ["alertmanager:9093"] }] }]);
    });

    it("has one job per signal source, each at the address it was given", () => {
        expect(cfg.scrape_configs.map((j: any) => j.job_name)).toEqual([
            "prometheus",
            "alertmanager",
            "node",
            "postgres",
            "redis",
            "nginx",
            "app",
            "blackbox-http",
            "blackbox-tls",
        ]);
        const targets = (name: string) => jobOf(cfg, name).static_configs[0].targets;
        expect(targets(jobNames.prometheus)).toEqual(["prometheus:9090"]);
        expect(targets(jobNames.alertmanager)).toEqual(["alertmanager:9093"]);
        expect(targets(jobNames.node)).toEqual(["node-exporter:9100"]);
        expect(targets(jobNames.postgres)).toEqual(["postgres-exporter:9187"]);
        expect(targets(jobNames.redis)).toEqual(["redis-exporter:9121"]);
        expect(targets(jobNames.nginx)).toEqual(["nginx-exporter:9113"]);
        expect(targets(jobNames.app)).toEqual(["app-1:8080", "app-2:8080"]);
        expect(jobOf(cfg, jobNames.app).metrics_path).toBe("/metrics");
    });

    it("probes through the blackbox exporter with the relabel pattern", () => {
        const relabel = [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: "blackbox-exporter:9115" },
        ];
        const http = jobOf(cfg, jobNames.blackboxHttp);
        expect(http).toEqual({
            job_name: "blackbox-http",
            metrics_path: "/probe",
            params: { module: ["http_2xx"] },
            static_configs: [{ targets: ["https://example.com/health"] }],
            relabel_configs: relabel,
        });
        const tls = jobOf(cfg, jobNames.blackboxTls);
        expect(tls.params).toEqual({ module: ["tls_connect"] });
        expect(tls.static_configs[0].targets).toEqual(["example.com:443"]);
        expect(tls.relabel_configs).toEqual(relabel);
    });

    it("takes every address as an option (the live tier runs it on 127.0.0.1 ports)", () => {
        const local = load(
            renderPrometheusYml(
                promOptions({
                    ruleFiles: ["rules/*.yml"],
                    alertmanagers: ["127.0.0.1:9093"],
                    prometheus: "127.0.0.1:9090",
                    nodeExporter: "127.0.0.1:9100",
                    appTargets: ["127.0.0.1:8081"],
                    appMetricsPath: "/internal/metrics",
                    blackbox: { exporter: "127.0.0.1:9115", httpUrls: ["https://localhost:8443/health"], tlsAddresses: ["localhost:8443"] },
                    scrapeIntervalSeconds: 5,
                    evaluationIntervalSeconds: 10,
                }),
            ),
        );
        const text = JSON.stringify(local);
        for (const alias of ["prometheus:", "alertmanager:", "node-exporter:", "blackbox-exporter:", "/etc/"]) expect(text).not.toContain(alias);
        expect(local.global).toEqual({ scrape_interval: "5s", evaluation_interval: "10s" });
        expect(jobOf(local, "app").metrics_path).toBe("/internal/metrics");
        expect(jobOf(local, "blackbox-http").relabel_configs[2].replacement).toBe("127.0.0.1:9115");
    });

    it("writes no YAML anchors, even for a list used twice", () => {
        expect(renderPrometheusYml(promOptions())).not.toMatch(/[&*]a\d/);
    });

    it.each([
        [{ nodeExporter: "node-exporter" }, /prometheus\.yml: nodeExporter is "node-exporter"; expected host:port/],
        [{ appTargets: ["http://app:8080"] }, /appTargets is "http:\/\/app:8080"; expected host:port/],
        [{ ruleFiles: [] }, /ruleFiles is \[\]; expected at least one rule file/],
        [{ alertmanagers: [] }, /alertmanagers is \[\]; expected at least one Alertmanager address/],
        [{ scrapeIntervalSeconds: 0 }, /scrapeIntervalSeconds is 0; expected a whole number of seconds of at least 1/],
        [{ blackbox: { exporter: "bb:9115", httpUrls: ["example.com/health"], tlsAddresses: [] } }, /blackbox\.httpUrls is "example\.com\/health"; expected http\(s\) URLs/],
    ])("refuses %j", (over, message) => {
        expect(() => renderPrometheusYml(promOptions(over as Partial<PrometheusYmlOptions>))).toThrow(ComponentArgError);
        expect(() => renderPrometheusYml(promOptions(over as Partial<PrometheusYmlOptions>))).toThrow(message);
    });
});

const ruleOptions = (thresholds: MonitoringThresholds = {}, over: Partial<AlertRulesOptions> = {}): AlertRulesOptions => ({
    thresholds: normalizeMonitoringArgs({ thresholds }).thresholds,
    dataMountpoint: "/mnt/slipway",
    ...over,
});

type Rule = { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> };
const rulesOf = (text: string): Rule[] => load(text).groups.flatMap((g: { rules: Rule[] }) => g.rules);
const rule = (rules: Rule[], alert: string, reason?: string): Rule => {
    const found = rules.filter((r) => r.alert === alert && (reason === undefined || r.labels.reason === reason));
    expect(found, alert).toHaveLength(1);
    return found[0];
};

describe("renderAlertRules", () => {
    const rules = rulesOf(renderAlertRules(ruleOptions()));

    it("groups the rules by area", () => {
        expect(load(renderAlertRules(ruleOptions())).groups.map((g: { name: string }) => g.name)).toEqual([
            "slipway-availability",
            "slipway-heartbeat",
            "slipway-host",
            "slipway-app",
            "slipway-postgres",
            "slipway-redis",
            "slipway-backup",
        ]);
    });

    it.each([
        ["InstanceDown", "up == 0", "2m", "critical"],
        ["EndpointDown", 'probe_success{job="blackbox-http"} == 0', "2m", "critical"],
        ["TlsCertificateExpiringSoon", '(probe_ssl_earliest_cert_expiry{job="blackbox-tls"} - time()) / 86400 < 14', "10m", "warning"],
        [
            "DiskSpaceLow",
            '100 * node_filesystem_avail_bytes{job="node",mountpoint="/mnt/slipway"} / node_filesystem_size_bytes{job="node",mountpoint="/mnt/slipway"} < 10',
            "5m",
            "critical",
        ],
        ["MemoryHigh", '100 * (1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}) > 90', "5m", "warning"],
        ["CpuHigh", '100 * (1 - avg by (job, instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m]))) > 80', "5m", "warning"],
        [
            "High5xxRate",
            '100 * sum by (job) (rate(http_requests_total{job="app",status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="app"}[5m])) > 5',
            "1m",
            "critical",
        ],
        ["LatencyP95High", 'histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{job="app"}[5m]))) > 0.5', "5m", "warning"],
        [
            "PostgresConnectionsNearMax",
            '100 * sum by (job, instance) (pg_stat_database_numbackends{job="postgres"}) / max by (job, instance) (pg_settings_max_connections{job="postgres"}) > 80',
            "5m",
            "warning",
        ],
        ["PostgresDown", 'pg_up{job="postgres"} == 0', "1m", "critical"],
        ["RedisMemoryHigh", '100 * redis_memory_used_bytes{job="redis"} / (redis_memory_max_bytes{job="redis"} > 0) > 80', "5m", "warning"],
        ["RedisDown", 'redis_up{job="redis"} == 0', "1m", "critical"],
        // The heartbeat for the dead man's switch: severity none, so no inhibit rule or human route takes it.
        ["Watchdog", 'up{job="prometheus"} == 1', "1m", "none"],
        // The only watch on renewal (Let's Encrypt sends no expiry emails since June 2025): 14 days, certbot renews at 30.
        ["TlsCertificateExpiringSoon", '(probe_ssl_earliest_cert_expiry{job="blackbox-tls"} - time()) / 86400 < 14', "10m", "warning"],
    ])("%s: %s for %s, %s", (alert, expr, forDuration, severity) => {
        const r = rule(rules, alert);
        expect(r.expr).toBe(expr);
        expect(r.for).toBe(forDuration);
        expect(r.labels).toEqual({ severity });
        expect(r.annotations.summary).toMatch(/\S/);
        expect(r.annotations.description).toMatch(/\{\{ \$(labels\.\w+|value \| printf "%\.\df") \}\}/);
    });

    it("BackupTooOld fires on a stale last-success time and on a metric that never shows up", () => {
        const stale = rule(rules, "BackupTooOld", "stale");
        expect(stale.expr).toBe(`(time() - ${backupMetric}) / 3600 > 26`);
        expect(stale.for).toBe("10m");
        expect(stale.labels).toEqual({ severity: "critical", reason: "stale" });
        const missing = rule(rules, "BackupTooOld", "missing");
        expect(missing.expr).toBe(`absent(${backupMetric})`);
        expect(missing.for).toBe("26h");
        expect(missing.labels).toEqual({ severity: "critical", reason: "missing" });
        expect(rules).toHaveLength(15);
    });

    it("computes the 5xx rate from the app's counter: stub_status has no status codes", () => {
        expect(rules.filter((r) => r.expr.includes("nginx_"))).toEqual([]);
    });

    it("takes every threshold from the options", () => {
        const custom = rulesOf(
            renderAlertRules(
                ruleOptions(
                    { cpuPercent: 70, memoryPercent: 85, error5xxPercent: 1, latencyP95Ms: 250, dbConnectionsPercentOfMax: 60, dbFreeStoragePercent: 20, cacheMemoryPercent: 75 },
                    { dataMountpoint: "/data", tlsExpiryDays: 21, backupMaxAgeHours: 49.5 },
                ),
            ),
        );
        expect(rule(custom, "CpuHigh").expr).toMatch(/\) > 70$/);
        expect(rule(custom, "MemoryHigh").expr).toMatch(/\) > 85$/);
        expect(rule(custom, "High5xxRate").expr).toMatch(/\) > 1$/);
        expect(rule(custom, "LatencyP95High").expr).toMatch(/\) > 0.25$/);
        expect(rule(custom, "PostgresConnectionsNearMax").expr).toMatch(/\) > 60$/);
        expect(rule(custom, "DiskSpaceLow").expr).toMatch(/mountpoint="\/data"\} < 20$/);
        expect(rule(custom, "RedisMemoryHigh").expr).toMatch(/ > 75$/);
        expect(rule(custom, "TlsCertificateExpiringSoon").expr).toMatch(/< 21$/);
        expect(rule(custom, "BackupTooOld", "stale").expr).toMatch(/> 49.5$/);
        // Prometheus has no fractional hours: 49.5h is written in minutes.
        expect(rule(custom, "BackupTooOld", "missing").for).toBe("2970m");
        expect(rule(custom, "CpuHigh").annotations.description).toContain("(alert above 70%)");
    });

    it.each([
        [{ dataMountpoint: "data" }, /alert rules: dataMountpoint is "data"; expected an absolute path/],
        [{ tlsExpiryDays: 0 }, /tlsExpiryDays is 0; expected a positive number of days/],
        [{ backupMaxAgeHours: 0.5 }, /backupMaxAgeHours is 0\.5; expected at least 1 hour/],
    ])("refuses %j", (over, message) => {
        expect(() => renderAlertRules(ruleOptions({}, over))).toThrow(ComponentArgError);
        expect(() => renderAlertRules(ruleOptions({}, over))).toThrow(message);
    });
});

interface TestGroup {
    interval: string;
    input_series: { series: string; values: string }[];
    alert_rule_test: { eval_time: string; alertname: string; exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[] }[];
}

describe("renderAlertRuleTests", () => {
    const opts = ruleOptions();
    const doc = load(renderAlertRuleTests({ ...opts, ruleFiles: ["../rules/slipway.yml"] }));
    const tests: TestGroup[] = doc.tests;
    const rules = rulesOf(renderAlertRules(opts));

    it("points promtool at the rules file and evaluates every minute", () => {
        expect(doc.rule_files).toEqual(["../rules/slipway.yml"]);
        expect(doc.evaluation_interval).toBe("1m");
    });

    it("has, for every rule, a group that must fire it and one that must leave it quiet", () => {
        for (const r of rules) {
            const own = tests.filter((t) => t.alert_rule_test[0].alertname === r.alert);
            const firing = own.filter((t) => t.alert_rule_test[0].exp_alerts.some((a) => Object.entries(r.labels).every(([k, v]) => a.exp_labels[k] === v)));
            const quiet = own.filter((t) => t.alert_rule_test[0].exp_alerts.length === 0);
            expect(firing.length, `${r.alert} ${JSON.stringify(r.labels)} firing`).toBeGreaterThanOrEqual(1);
            expect(quiet.length, `${r.alert} quiet`).toBeGreaterThanOrEqual(1);
        }
        expect(tests).toHaveLength(2 * rules.length);
    });

    it("expects exact labels and fully expanded annotations", () => {
        for (const t of tests) {
            for (const a of t.alert_rule_test[0].exp_alerts) {
                expect(a.exp_labels.severity).toMatch(/^(critical|warning|none)$/);
                expect(a.exp_labels.alertname).toBeUndefined();
                expect(a.exp_annotations.summary).not.toContain("{{");
                expect(a.exp_annotations.description).not.toContain("{{");
            }
        }
        const cpu = tests.find((t) => t.alert_rule_test[0].alertname === "CpuHigh" && t.alert_rule_test[0].exp_alerts.length === 1)!;
        expect(cpu.alert_rule_test[0]).toEqual({
            eval_time: "15m",
            alertname: "CpuHigh",
            exp_alerts: [
                {
                    exp_labels: { job: "node", instance: "node-exporter:9100", severity: "warning" },
                    exp_annotations: {
                        summary: "CPU on node-exporter:9100 is saturated",
                        description: "The host's CPUs have been 90% busy for 5 minutes (alert above 80%).",
                    },
                },
            ],
        });
        // 90% busy: the idle counter of the one CPU grows by 6 s a minute.
        expect(cpu.input_series).toEqual([{ series: 'node_cpu_seconds_total{job="node",instance="node-exporter:9100",cpu="0",mode="idle"}', values: "0+6x20" }]);
    });

    it("quotes values promtool must read as strings (0x10 is a number in YAML)", () => {
        const text = renderAlertRuleTests({ ...opts, ruleFiles: ["r.yml"] });
        expect(text).toContain('values: "0x10"');
        const instanceDown = tests.find((t) => t.alert_rule_test[0].alertname === "InstanceDown")!;
        expect(instanceDown.input_series[0].values).toBe("0x10");
    });

    it("includes the absent-metric case for BackupTooOld, with only the rule's labels", () => {
        const missing = tests.find((t) => t.alert_rule_test[0].exp_alerts.some((a) => a.exp_labels.reason === "missing"))!;
        expect(missing.input_series.map((s) => s.series)).not.toContainEqual(expect.stringContaining(backupMetric));
        expect(missing.alert_rule_test[0].eval_time).toBe("27h");
        expect(missing.alert_rule_test[0].exp_alerts[0].exp_labels).toEqual({ severity: "critical", reason: "missing" });
    });

    it("needs the rules file", () => {
        expect(() => renderAlertRuleTests({ ...opts, ruleFiles: [] })).toThrow(/alert rule tests: ruleFiles is \[\]; expected the rules file under test/);
    });
});

describe("alertDefinitions test cases", () => {
    // Percent thresholds as the stack may set them (decimals allowed), and the Docker-only knobs.
    const percent = fc.double({ min: 0.1, max: 100, noNaN: true }).map((v) => Math.round(v * 10) / 10);
    const thresholds = fc.record({
        cpuPercent: percent,
        memoryPercent: percent,
        error5xxPercent: percent,
        dbConnectionsPercentOfMax: percent,
        dbFreeStoragePercent: percent,
        cacheMemoryPercent: percent,
        latencyP95Ms: fc.integer({ min: 10, max: 60_000 }),
    });
    type PercentKey = "cpuPercent" | "memoryPercent" | "error5xxPercent" | "dbConnectionsPercentOfMax" | "cacheMemoryPercent";
    const above: Record<string, PercentKey> = {
        CpuHigh: "cpuPercent",
        MemoryHigh: "memoryPercent",
        High5xxRate: "error5xxPercent",
        PostgresConnectionsNearMax: "dbConnectionsPercentOfMax",
        RedisMemoryHigh: "cacheMemoryPercent",
    };

    it("fire beyond and stay quiet within any thresholds", () => {
        fc.assert(
            fc.property(thresholds, fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 96 }), (t, tlsDays, backupHours) => {
                const defs = alertDefinitions(ruleOptions(t, { tlsExpiryDays: tlsDays, backupMaxAgeHours: backupHours }));
                for (const d of defs) {
                    expect(d.quiet.alerts).toEqual([]);
                    const key = above[d.rule.alert];
                    const value = d.firing?.alerts[0]?.value;
                    if (key) {
                        // Nothing is above 100%: then, and only then, there is no firing case.
                        expect(d.firing === undefined).toBe(t[key] >= 100);
                        if (value !== undefined) expect(value).toBeGreaterThan(t[key]);
                    } else {
                        expect(d.firing).toBeDefined();
                    }
                    if (d.rule.alert === "DiskSpaceLow") expect(value).toBeLessThan(t.dbFreeStoragePercent);
                    if (d.rule.alert === "LatencyP95High") expect(value).toBeGreaterThan(t.latencyP95Ms / 1000);
                    if (d.rule.alert === "TlsCertificateExpiringSoon") expect(value).toBeLessThan(tlsDays);
                    if (d.rule.labels.reason === "stale") expect(value).toBeGreaterThan(backupHours);
                    // Printed values have no more decimals than their format shows: rounding never decides.
                    const decimals = /printf "%\.(\d)f"/.exec(d.rule.annotations.description)?.[1];
                    if (value !== undefined && decimals !== undefined) expect(Number(value.toFixed(Number(decimals)))).toBeCloseTo(value, 9);
                }
            }),
            { numRuns: 200 },
        );
    });
});

describe("expandAnnotation", () => {
    it("expands label references and printf of the value", () => {
        expect(expandAnnotation('{{ $labels.instance }} at {{ $value | printf "%.1f" }}%', { instance: "a:1" }, 12)).toBe("a:1 at 12.0%");
        expect(expandAnnotation('{{ $value | printf "%.2f" }}s', {}, 0.76)).toBe("0.76s");
        expect(expandAnnotation("no templates", {})).toBe("no templates");
    });

    it("refuses what it cannot predict", () => {
        expect(() => expandAnnotation("{{ $labels.job }}", {})).toThrow(/reads label job/);
        expect(() => expandAnnotation('{{ $value | printf "%.1f" }}', {})).toThrow(/must give it/);
        expect(() => expandAnnotation("{{ $value | humanize }}", {}, 1)).toThrow(/not supported/);
    });
});
