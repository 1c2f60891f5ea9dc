import { watchdogAlertName } from "./alertmanager-yml";
import { expandAnnotation } from "./alert-template";
import type { MonitoringThresholds } from "./index";
import { jobNames } from "./prometheus-yml";
import { pitrMetrics } from "../backup-bucket/pitr";
import { renderedBy, toYaml } from "./yaml-text";
import { argError } from "../shared/errors";

export interface AlertRulesOptions {
    /** The neutral thresholds, defaults applied (`normalizeMonitoringArgs(...).thresholds`). */
    thresholds: Required<MonitoringThresholds>;
    /** Mount point of the disk holding the data, as node_exporter labels it (`mountpoint`). */
    dataMountpoint: string;
    /** Warn when the public certificate expires in fewer days than this. @default 14 */
    tlsExpiryDays?: number;
    /** Alert when the last successful backup is older than this many hours. @default 26 */
    backupMaxAgeHours?: number;
    /**
     * Point-in-time recovery's alerts: WAL archiving lagging (nothing shipped for 5 minutes, a
     * segment waiting more than 5, PostgreSQL failing to archive, or no report at all) and the
     * last base backup older than `backupMaxAgeHours`. @default false
     */
    pointInTimeRecovery?: boolean;
    /**
     * Alert name → a shorter `for` (a Prometheus duration such as `5s`) for every rule of that
     * name. For drills that must see a real fault fire an alert in seconds, not minutes; the
     * shipped stacks never set it. Only shortening is allowed, so each rule's promtool cases
     * (which evaluate after the rule's own `for`) keep holding.
     */
    forOverrides?: Record<string, string>;
}

/** One Prometheus alerting rule, as written in the rules file. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    /** `severity` routes and inhibits; other labels tell apart rules sharing an alert name. */
    labels: { severity: "critical" | "warning" | "none"; [name: string]: string };
    annotations: { summary: string; description: string };
}

/** A series for `promtool test rules`: metric, labels and values in promtool's notation. */
export interface InputSeries {
    metric: string;
    labels: Record<string, string>;
    values: string;
}

/** A `promtool test rules` case: input series, when to look, and what must be firing then. */
export interface RuleCase {
    interval: string;
    series: InputSeries[];
    evalTime: string;
    /** The alerts firing at `evalTime`: their labels (besides `severity`) and the value templates see. */
    alerts: { labels: Record<string, string>; value?: number }[];
}

/** A rule, the group it belongs to, and the cases that prove it fires and stays quiet. */
export interface AlertDefinition {
    group: string;
    rule: AlertRule;
    /** Undefined when the threshold cannot be crossed (e.g. "above 100%"). */
    firing?: RuleCase;
    quiet: RuleCase;
}

/** The metric the backup job writes (node_exporter's textfile collector exposes it). */
export const backupMetric = "slipway_backup_last_success_timestamp_seconds";

const q = (s: string): string => JSON.stringify(s);
/** `metric{k="v",…,k=~"re",…}`: equality matchers, then regex matchers. */
const sel = (metric: string, equal: Record<string, string>, regex: Record<string, string> = {}): string =>
    `${metric}{${[...Object.entries(equal).map(([k, v]) => `${k}=${q(v)}`), ...Object.entries(regex).map(([k, v]) => `${k}=~${q(v)}`)].join(",")}}`;

/** A Prometheus duration for a number of hours (whole minutes; Prometheus has no "1.5h"). */
const hoursDuration = (hours: number): string => (Number.isInteger(hours) ? `${hours}h` : `${Math.round(hours * 60)}m`);

/** An integer strictly above `t`, about halfway to `max`; undefined when none is. */
function integerAbove(t: number, max = 100): number | undefined {
    if (t >= max) return undefined;
    const v = Math.floor((t + max) / 2);
    return v > t ? v : max;
}
/** An integer at or below half of `t` (t > 0), so comfortably under it. */
const integerBelow = (t: number): number => Math.floor(t / 2);

const counter = (perMinute: number, samples: number): string => `0+${perMinute}x${samples}`;
const constant = (v: number, samples: number): string => `${v}x${samples}`;

// Labels of the test series: plausible exporter addresses; any values would do.
const nodeLabels = { job: jobNames.node, instance: "node-exporter:9100" };
const appLabels = { job: jobNames.app, instance: "app-1:8080" };
const pgLabels = { job: jobNames.postgres, instance: "postgres-exporter:9187" };
const redisLabels = { job: jobNames.redis, instance: "redis-exporter:9121" };
const httpProbe = { job: jobNames.blackboxHttp, instance: "https://example.com/health" };
const tlsProbe = { job: jobNames.blackboxTls, instance: "example.com:443" };

function check(o: AlertRulesOptions): { tlsDays: number; backupHours: number } {
    const tlsDays = o.tlsExpiryDays ?? 14;
    const backupHours = o.backupMaxAgeHours ?? 26;
    if (!Number.isFinite(tlsDays) || tlsDays <= 0) throw argError("tlsExpiryDays", tlsDays, "a positive number of days", { where: "alert rules" });
    if (!Number.isFinite(backupHours) || backupHours < 1) throw argError("backupMaxAgeHours", backupHours, "at least 1 hour", { where: "alert rules" });
    if (!o.dataMountpoint.startsWith("/")) throw argError("dataMountpoint", o.dataMountpoint, "an absolute path", { where: "alert rules" });
    return { tlsDays, backupHours };
}

/** Cases for an "is it up" gauge: down throughout fires; one failed minute does not. */
const upDown = (metric: string, labels: Record<string, string>): Pick<AlertDefinition, "firing" | "quiet"> => ({
    firing: { interval: "1m", series: [{ metric, labels, values: constant(0, 10) }], evalTime: "5m", alerts: [{ labels }] },
    // Down at 2m only: shorter than any `for` of these rules, so a blip, not an outage.
    quiet: { interval: "1m", series: [{ metric, labels, values: "1 1 0 1x7" }], evalTime: "5m", alerts: [] },
});

const durationUnitMs: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 604_800e3, y: 31_536_000e3 };
const durationPartRe = /(\d+)(ms|s|m|h|d|w|y)/g;

/** Milliseconds in a Prometheus duration (`1h30m`, `5s`), or undefined when it is not one. */
export function durationMs(d: string): number | undefined {
    if (!/^((\d+)(ms|s|m|h|d|w|y))+$/.test(d)) return undefined;
    let ms = 0;
    for (const [, n, unit] of d.matchAll(durationPartRe)) ms += Number(n) * durationUnitMs[unit];
    return ms;
}

/** Applies `forOverrides` to the rules: names must exist, durations must be valid and no longer. */
function withForOverrides(defs: AlertDefinition[], overrides: Record<string, string>): AlertDefinition[] {
    for (const [alert, d] of Object.entries(overrides)) {
        const own = defs.filter((x) => x.rule.alert === alert);
        if (own.length === 0) throw argError("forOverrides", alert, `names of alerts: ${[...new Set(defs.map((x) => x.rule.alert))].join(", ")}`, { where: "alert rules" });
        const ms = durationMs(d);
        if (ms === undefined) throw argError(`forOverrides.${alert}`, d, "a Prometheus duration such as 5s or 1m", { where: "alert rules" });
        for (const x of own) {
            if (ms > (durationMs(x.rule.for) ?? 0)) throw argError(`forOverrides.${alert}`, d, `at most the rule's own ${x.rule.for}: an override may only shorten it`, { where: "alert rules" });
        }
    }
    return defs.map((x) => (overrides[x.rule.alert] === undefined ? x : { ...x, rule: { ...x.rule, for: overrides[x.rule.alert] } }));
}

/** Every Slipway alert, with its test cases. Thresholds come from `o.thresholds`. */
export function alertDefinitions(o: AlertRulesOptions): AlertDefinition[] {
    const defs = ruleDefinitions(o);
    return o.forOverrides ? withForOverrides(defs, o.forOverrides) : defs;
}

/** The rules with their own `for` durations. */
function ruleDefinitions(o: AlertRulesOptions): AlertDefinition[] {
    const { tlsDays, backupHours } = check(o);
    const t = o.thresholds;
    const mount = o.dataMountpoint;
    const defs: AlertDefinition[] = [];

    // --- Availability: scrape targets, the public endpoint, its certificate.
    const instanceDown: Omit<AlertRule, "expr"> = {
        alert: "InstanceDown",
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
            summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
            description: "Prometheus has not been able to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 2 minutes.",
        },
    };
    defs.push({ group: "slipway-availability", rule: { ...instanceDown, expr: "up == 0" }, ...upDown("up", nodeLabels) });

    const endpointDown: Omit<AlertRule, "expr"> = {
        alert: "EndpointDown",
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
            summary: "{{ $labels.instance }} is failing its health probe",
            description: "The blackbox probe of {{ $labels.instance }} has failed for 2 minutes: users cannot reach the app.",
        },
    };
    defs.push({
        group: "slipway-availability",
        rule: { ...endpointDown, expr: `${sel("probe_success", { job: jobNames.blackboxHttp })} == 0` },
        ...upDown("probe_success", httpProbe),
    });

    // The heartbeat: firing for as long as Prometheus scrapes itself, evaluates rules and
    // reaches Alertmanager, which routes it to the dead man's switch only (alertmanager-yml.ts)
    // — the switch pages when the pings stop, e.g. because this whole host is down. Severity
    // "none": no inhibit rule or human route matches it.
    const promSelf = { job: jobNames.prometheus, instance: "prometheus:9090" };
    defs.push({
        group: "slipway-heartbeat",
        rule: {
            alert: watchdogAlertName,
            expr: `${sel("up", { job: jobNames.prometheus })} == 1`,
            // A minute: not firing for Prometheus' first scrape of a restart, yet the switch's
            // grace period (minutes) is far longer.
            for: "1m",
            labels: { severity: "none" },
            annotations: {
                summary: "The alerting pipeline is alive",
                description: "Always firing while Prometheus scrapes itself ({{ $labels.instance }}) and reaches Alertmanager; it goes to the dead man's switch only, which alerts when it stops.",
            },
        },
        firing: { interval: "1m", series: [{ metric: "up", labels: promSelf, values: constant(1, 10) }], evalTime: "5m", alerts: [{ labels: promSelf }] },
        quiet: { interval: "1m", series: [{ metric: "up", labels: promSelf, values: constant(0, 10) }], evalTime: "5m", alerts: [] },
    });

    // Days left at 30m; the constant expiry puts the certificate `days` days out at that moment.
    const expiryAt30m = (days: number): number => 1800 + days * 86400;
    const tlsFire = Math.floor(tlsDays / 2);
    defs.push({
        group: "slipway-availability",
        rule: {
            alert: "TlsCertificateExpiringSoon",
            expr: `(${sel("probe_ssl_earliest_cert_expiry", { job: jobNames.blackboxTls })} - time()) / 86400 < ${tlsDays}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "The TLS certificate of {{ $labels.instance }} expires soon",
                description: `The certificate served at {{ $labels.instance }} expires in {{ $value | printf "%.1f" }} days (alert below ${tlsDays}). certbot renews 30 days before expiry, so renewal has been failing for weeks: read the certbot container's log. Let's Encrypt no longer emails expiry notices (since June 2025): this alert is the only warning.`,
            },
        },
        firing: {
            interval: "1m",
            series: [{ metric: "probe_ssl_earliest_cert_expiry", labels: tlsProbe, values: constant(expiryAt30m(tlsFire), 40) }],
            evalTime: "30m",
            alerts: [{ labels: tlsProbe, value: tlsFire }],
        },
        quiet: {
            interval: "1m",
            series: [{ metric: "probe_ssl_earliest_cert_expiry", labels: tlsProbe, values: constant(expiryAt30m(Math.ceil(tlsDays * 2) + 1), 40) }],
            evalTime: "30m",
            alerts: [],
        },
    });

    // --- Host: the data disk, memory and CPU, from node_exporter.
    const node = { job: jobNames.node, mountpoint: mount };
    const fsLabels = { ...nodeLabels, device: "/dev/sda", fstype: "ext4", mountpoint: mount };
    const disk = (freePercent: number): InputSeries[] => [
        // 100 GB volume; avail in whole 100 MB steps so the percentage is exact.
        { metric: "node_filesystem_size_bytes", labels: fsLabels, values: constant(100e9, 20) },
        { metric: "node_filesystem_avail_bytes", labels: fsLabels, values: constant(Math.round(freePercent * 10) * 1e8, 20) },
    ];
    const diskFire = Math.floor(t.dbFreeStoragePercent * 5) / 10;
    defs.push({
        group: "slipway-host",
        rule: {
            alert: "DiskSpaceLow",
            expr: `100 * ${sel("node_filesystem_avail_bytes", node)} / ${sel("node_filesystem_size_bytes", node)} < ${t.dbFreeStoragePercent}`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Data disk {{ $labels.mountpoint }} on {{ $labels.instance }} is almost full",
                description: `Only {{ $value | printf "%.1f" }}% of {{ $labels.mountpoint }} is free (alert below ${t.dbFreeStoragePercent}%); PostgreSQL stops writing when it fills up.`,
            },
        },
        firing: { interval: "1m", series: disk(diskFire), evalTime: "10m", alerts: [{ labels: fsLabels, value: diskFire }] },
        quiet: { interval: "1m", series: disk(Math.min(100, Math.ceil((t.dbFreeStoragePercent + 100) * 5) / 10)), evalTime: "10m", alerts: [] },
    });

    const memory = (usedPercent: number): InputSeries[] => [
        { metric: "node_memory_MemTotal_bytes", labels: nodeLabels, values: constant(8e9, 20) },
        { metric: "node_memory_MemAvailable_bytes", labels: nodeLabels, values: constant((100 - usedPercent) * 8e7, 20) },
    ];
    const memFire = integerAbove(t.memoryPercent);
    const nodeJob = { job: jobNames.node };
    defs.push({
        group: "slipway-host",
        rule: {
            alert: "MemoryHigh",
            expr: `100 * (1 - ${sel("node_memory_MemAvailable_bytes", nodeJob)} / ${sel("node_memory_MemTotal_bytes", nodeJob)}) > ${t.memoryPercent}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Memory on {{ $labels.instance }} is nearly exhausted",
                description: `{{ $value | printf "%.0f" }}% of the host's memory is in use (alert above ${t.memoryPercent}%); containers will be killed at their limits.`,
            },
        },
        firing: memFire === undefined ? undefined : { interval: "1m", series: memory(memFire), evalTime: "10m", alerts: [{ labels: nodeLabels, value: memFire }] },
        quiet: { interval: "1m", series: memory(integerBelow(t.memoryPercent)), evalTime: "10m", alerts: [] },
    });

    // One CPU; the idle counter grows by the idle share of each minute's 60 seconds.
    const cpu = (busyPercent: number): InputSeries[] => [
        { metric: "node_cpu_seconds_total", labels: { ...nodeLabels, cpu: "0", mode: "idle" }, values: counter(((100 - busyPercent) * 60) / 100, 20) },
    ];
    const cpuFire = integerAbove(t.cpuPercent);
    defs.push({
        group: "slipway-host",
        rule: {
            alert: "CpuHigh",
            expr: `100 * (1 - avg by (job, instance) (rate(${sel("node_cpu_seconds_total", { job: jobNames.node, mode: "idle" })}[5m]))) > ${t.cpuPercent}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "CPU on {{ $labels.instance }} is saturated",
                description: `The host's CPUs have been {{ $value | printf "%.0f" }}% busy for 5 minutes (alert above ${t.cpuPercent}%).`,
            },
        },
        firing: cpuFire === undefined ? undefined : { interval: "1m", series: cpu(cpuFire), evalTime: "15m", alerts: [{ labels: nodeLabels, value: cpuFire }] },
        quiet: { interval: "1m", series: cpu(integerBelow(t.cpuPercent)), evalTime: "15m", alerts: [] },
    });

    // --- The app. nginx-prometheus-exporter on OSS nginx only sees stub_status (connections and
    // a request total, no status codes), so the error rate and latency come from the app's own
    // http_requests_total{method,route,status} and http_request_duration_seconds histogram.
    // Errors nginx produces itself (a 502 when every replica is gone) are covered by
    // EndpointDown and InstanceDown instead.
    const appJob = { job: jobNames.app };
    const requests = (errorPercent: number): InputSeries[] => [
        // 100 requests a minute, `errorPercent` of them 5xx.
        { metric: "http_requests_total", labels: { ...appLabels, method: "GET", route: "/", status: "200" }, values: counter(100 - errorPercent, 20) },
        { metric: "http_requests_total", labels: { ...appLabels, method: "GET", route: "/", status: "500" }, values: counter(errorPercent, 20) },
    ];
    const errFire = integerAbove(t.error5xxPercent);
    defs.push({
        group: "slipway-app",
        rule: {
            alert: "High5xxRate",
            expr: `100 * sum by (job) (rate(${sel("http_requests_total", appJob, { status: "5.." })}[5m])) / sum by (job) (rate(${sel("http_requests_total", appJob)}[5m])) > ${t.error5xxPercent}`,
            for: "1m",
            labels: { severity: "critical" },
            annotations: {
                summary: "The app is failing requests",
                description: `{{ $value | printf "%.1f" }}% of the requests the {{ $labels.job }} replicas answered in the last 5 minutes were 5xx errors (alert above ${t.error5xxPercent}%).`,
            },
        },
        firing: errFire === undefined ? undefined : { interval: "1m", series: requests(errFire), evalTime: "10m", alerts: [{ labels: appJob, value: errFire }] },
        quiet: { interval: "1m", series: requests(integerBelow(t.error5xxPercent)), evalTime: "10m", alerts: [] },
    });

    // All requests in one bucket (0, le]: the interpolated p95 is 0.95 × le.
    const latencySeconds = t.latencyP95Ms / 1000;
    const durations = (le: number): InputSeries[] =>
        [String(le), "+Inf"].map((bound) => ({
            metric: "http_request_duration_seconds_bucket",
            labels: { ...appLabels, method: "GET", route: "/", status: "200", le: bound },
            values: counter(60, 20),
        }));
    // le = 0.2 × m, so the p95 (0.19 × m) has two decimals; m leaves at least 0.19 s of margin.
    const m = Math.floor(latencySeconds / 0.19) + 2;
    defs.push({
        group: "slipway-app",
        rule: {
            alert: "LatencyP95High",
            expr: `histogram_quantile(0.95, sum by (job, le) (rate(${sel("http_request_duration_seconds_bucket", appJob)}[5m]))) > ${latencySeconds}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "The app is slow",
                description: `95% of the {{ $labels.job }} requests took up to {{ $value | printf "%.2f" }}s over the last 5 minutes (alert above ${latencySeconds}s).`,
            },
        },
        firing: { interval: "1m", series: durations((2 * m) / 10), evalTime: "15m", alerts: [{ labels: appJob, value: (19 * m) / 100 }] },
        quiet: { interval: "1m", series: durations(latencySeconds), evalTime: "15m", alerts: [] },
    });

    // --- PostgreSQL, from postgres_exporter.
    const pgJob = { job: jobNames.postgres };
    const backends = (percentOf100: number): InputSeries[] => [
        { metric: "pg_settings_max_connections", labels: pgLabels, values: constant(100, 20) },
        { metric: "pg_stat_database_numbackends", labels: { ...pgLabels, datid: "16384", datname: "app" }, values: constant(percentOf100 - Math.min(2, percentOf100), 20) },
        { metric: "pg_stat_database_numbackends", labels: { ...pgLabels, datid: "5", datname: "postgres" }, values: constant(Math.min(2, percentOf100), 20) },
    ];
    const pgFire = integerAbove(t.dbConnectionsPercentOfMax);
    defs.push({
        group: "slipway-postgres",
        rule: {
            alert: "PostgresConnectionsNearMax",
            expr: `100 * sum by (job, instance) (${sel("pg_stat_database_numbackends", pgJob)}) / max by (job, instance) (${sel("pg_settings_max_connections", pgJob)}) > ${t.dbConnectionsPercentOfMax}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "PostgreSQL is running out of connections",
                description: `{{ $value | printf "%.0f" }}% of max_connections are in use on {{ $labels.instance }} (alert above ${t.dbConnectionsPercentOfMax}%); new connections will be refused at 100%.`,
            },
        },
        firing: pgFire === undefined ? undefined : { interval: "1m", series: backends(pgFire), evalTime: "10m", alerts: [{ labels: pgLabels, value: pgFire }] },
        quiet: { interval: "1m", series: backends(integerBelow(t.dbConnectionsPercentOfMax)), evalTime: "10m", alerts: [] },
    });

    const postgresDown: Omit<AlertRule, "expr"> = {
        alert: "PostgresDown",
        for: "1m",
        labels: { severity: "critical" },
        annotations: {
            summary: "PostgreSQL is down",
            description: "postgres_exporter at {{ $labels.instance }} cannot connect to PostgreSQL.",
        },
    };
    defs.push({ group: "slipway-postgres", rule: { ...postgresDown, expr: `${sel("pg_up", pgJob)} == 0` }, ...upDown("pg_up", pgLabels) });

    // --- Redis, from redis_exporter.
    const redisJob = { job: jobNames.redis };
    const redisMemory = (usedPercent: number, labels: Record<string, string> = redisLabels, maxBytes = 1e9): InputSeries[] => [
        { metric: "redis_memory_max_bytes", labels, values: constant(maxBytes, 20) },
        { metric: "redis_memory_used_bytes", labels, values: constant(usedPercent * 1e7, 20) },
    ];
    const redisFire = integerAbove(t.cacheMemoryPercent);
    defs.push({
        group: "slipway-redis",
        rule: {
            alert: "RedisMemoryHigh",
            // `maxmemory 0` means no limit: the ratio is meaningless there, so those series drop out.
            expr: `100 * ${sel("redis_memory_used_bytes", redisJob)} / (${sel("redis_memory_max_bytes", redisJob)} > 0) > ${t.cacheMemoryPercent}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Redis is close to its maxmemory",
                description: `Redis at {{ $labels.instance }} uses {{ $value | printf "%.0f" }}% of maxmemory (alert above ${t.cacheMemoryPercent}%); keys are evicted at 100%.`,
            },
        },
        firing: redisFire === undefined ? undefined : { interval: "1m", series: redisMemory(redisFire), evalTime: "10m", alerts: [{ labels: redisLabels, value: redisFire }] },
        quiet: {
            interval: "1m",
            series: [
                ...redisMemory(integerBelow(t.cacheMemoryPercent)),
                // A Redis without maxmemory, using a lot: no limit, so no alert.
                ...redisMemory(100, { ...redisLabels, instance: "redis-exporter-2:9121" }, 0),
            ],
            evalTime: "10m",
            alerts: [],
        },
    });

    const redisDown: Omit<AlertRule, "expr"> = {
        alert: "RedisDown",
        for: "1m",
        labels: { severity: "critical" },
        annotations: {
            summary: "Redis is down",
            description: "redis_exporter at {{ $labels.instance }} cannot reach Redis.",
        },
    };
    defs.push({ group: "slipway-redis", rule: { ...redisDown, expr: `${sel("redis_up", redisJob)} == 0` }, ...upDown("redis_up", redisLabels) });

    // --- Backups: the backup job records its last success; both a stale value and no value at
    // all (the job never succeeded, or stopped reporting) alert.
    const evalHours = Math.ceil(backupHours) + 1;
    const samples = evalHours * 12 + 6; // every 5 minutes, a little past the evaluation
    // Backups every `step` hours (daily when the limit allows), never older than the limit.
    const step = backupHours > 24 ? 24 : Math.max(1, Math.floor((backupHours * 12) / 2)) / 12;
    const perStep = Math.round(step * 12);
    const regular: string[] = [];
    for (let i = 0; i * perStep < samples; i++) {
        regular.push(`${i * perStep * 300}x${Math.min(perStep, samples - i * perStep) - 1}`);
    }
    // Two rules, one alert name; `reason` keeps their label sets (and so their alerts) apart.
    const backupTooOld = { alert: "BackupTooOld", severity: "critical" as const };
    defs.push({
        group: "slipway-backup",
        rule: {
            alert: backupTooOld.alert,
            expr: `(time() - ${backupMetric}) / 3600 > ${backupHours}`,
            for: "10m",
            labels: { severity: backupTooOld.severity, reason: "stale" },
            annotations: {
                summary: "The last successful backup is too old",
                description: `The last successful database backup reported by {{ $labels.instance }} finished {{ $value | printf "%.1f" }} hours ago (alert above ${backupHours} hours); check the backup job's log.`,
            },
        },
        firing: {
            interval: "5m",
            series: [{ metric: backupMetric, labels: nodeLabels, values: constant(0, samples) }],
            evalTime: `${evalHours}h`,
            alerts: [{ labels: nodeLabels, value: evalHours }],
        },
        quiet: { interval: "5m", series: [{ metric: backupMetric, labels: nodeLabels, values: regular.join(" ") }], evalTime: `${evalHours}h`, alerts: [] },
    });
    defs.push({
        group: "slipway-backup",
        rule: {
            alert: backupTooOld.alert,
            expr: `absent(${backupMetric})`,
            for: hoursDuration(backupHours),
            labels: { severity: backupTooOld.severity, reason: "missing" },
            annotations: {
                summary: "No successful backup has been reported",
                description: `No backup job has reported a successful backup for ${backupHours} hours: it never succeeded, or node_exporter no longer reads its metric file.`,
            },
        },
        firing: {
            interval: "5m",
            series: [{ metric: "up", labels: nodeLabels, values: constant(1, samples) }],
            evalTime: `${evalHours}h`,
            alerts: [{ labels: {} }],
        },
        quiet: { interval: "5m", series: [{ metric: backupMetric, labels: nodeLabels, values: regular.join(" ") }], evalTime: `${evalHours}h`, alerts: [] },
    });
    if (o.pointInTimeRecovery) defs.push(...pitrDefinitions(backupHours, samples, evalHours, regular));
    return defs;
}

/** The RPO the archiving alert holds: a write older than this that is not in the repository alerts. */
export const pitrMaxLagSeconds = 300;

/** WAL archiving and base backups of point-in-time recovery (the backup job's pitr.sh reports both). */
function pitrDefinitions(backupHours: number, samples: number, evalHours: number, regular: string[]): AlertDefinition[] {
    const m = pitrMetrics;
    const lag = { alert: "WalArchivingLagging", severity: "critical" as const };
    const lagMinutes = pitrMaxLagSeconds / 60;
    const why = `writes made since may be lost with the host, beyond the ${lagMinutes}-minute recovery point`;
    // Minute by minute for 20 minutes: a healthy job pushes every minute and leaves nothing old behind.
    const healthyPush = { metric: m.pushLastSuccess, labels: nodeLabels, values: "0+60x20" };
    const defs: AlertDefinition[] = [
        {
            group: "slipway-pitr",
            rule: {
                ...lag,
                expr: `time() - ${m.pushLastSuccess} > ${pitrMaxLagSeconds}`,
                for: "1m",
                labels: { severity: lag.severity, reason: "stale" },
                annotations: {
                    summary: "WAL is not reaching the backup store",
                    description: `The backup job on {{ $labels.instance }} last shipped WAL without an error {{ $value | printf "%.0f" }} s ago: ${why}. Check docker logs of the backup container (pitr.sh push).`,
                },
            },
            firing: { interval: "1m", series: [{ ...healthyPush, values: "0+60x5 300x15" }], evalTime: "15m", alerts: [{ labels: nodeLabels, value: 600 }] },
            quiet: { interval: "1m", series: [healthyPush], evalTime: "15m", alerts: [] },
        },
        {
            group: "slipway-pitr",
            rule: {
                ...lag,
                expr: `${m.spoolOldestAge} > ${pitrMaxLagSeconds}`,
                for: "1m",
                labels: { severity: lag.severity, reason: "backlog" },
                annotations: {
                    summary: "WAL is piling up on the host",
                    description: `The oldest WAL file waiting in the spool on {{ $labels.instance }} is {{ $value | printf "%.0f" }} s old: ${why}. The push keeps failing or cannot keep up.`,
                },
            },
            firing: { interval: "1m", series: [healthyPush, { metric: m.spoolOldestAge, labels: nodeLabels, values: "0x5 60+60x15" }], evalTime: "15m", alerts: [{ labels: nodeLabels, value: 600 }] },
            quiet: { interval: "1m", series: [healthyPush, { metric: m.spoolOldestAge, labels: nodeLabels, values: "0 50 0 30 0x16" }], evalTime: "15m", alerts: [] },
        },
        {
            group: "slipway-pitr",
            rule: {
                ...lag,
                expr: `${m.archiverFailing} == 1`,
                for: "5m",
                labels: { severity: lag.severity, reason: "failing" },
                annotations: {
                    summary: "PostgreSQL cannot archive its WAL",
                    description: "PostgreSQL's last attempts to archive a WAL file into the spool failed ({{ $labels.instance }}): the spool directory is missing, unwritable or full. WAL accumulates in pg_wal until it succeeds.",
                },
            },
            firing: { interval: "1m", series: [healthyPush, { metric: m.archiverFailing, labels: nodeLabels, values: "0x3 1x12" }], evalTime: "15m", alerts: [{ labels: nodeLabels }] },
            quiet: { interval: "1m", series: [healthyPush, { metric: m.archiverFailing, labels: nodeLabels, values: "0x5 1 0x9" }], evalTime: "15m", alerts: [] },
        },
        {
            group: "slipway-pitr",
            rule: {
                ...lag,
                expr: `absent(${m.pushLastSuccess})`,
                for: "15m",
                labels: { severity: lag.severity, reason: "missing" },
                annotations: {
                    summary: "No WAL shipping is reported",
                    description: "The backup job has not reported a successful WAL push: it never ran (the stanza could not be created?), or node_exporter no longer reads its metric file.",
                },
            },
            firing: { interval: "1m", series: [{ metric: "up", labels: nodeLabels, values: constant(1, 30) }], evalTime: "20m", alerts: [{ labels: {} }] },
            quiet: { interval: "1m", series: [healthyPush], evalTime: "15m", alerts: [] },
        },
    ];
    const base = { alert: "BaseBackupTooOld", severity: "critical" as const };
    defs.push(
        {
            group: "slipway-pitr",
            rule: {
                ...base,
                expr: `(time() - ${m.baseBackupLastSuccess}) / 3600 > ${backupHours}`,
                for: "10m",
                labels: { severity: base.severity, reason: "stale" },
                annotations: {
                    summary: "The last base backup is too old",
                    description: `The last base backup reported by {{ $labels.instance }} finished {{ $value | printf "%.1f" }} hours ago (alert above ${backupHours} hours): a restore to a point in time must replay all the WAL since. Check the backup container's log (pitr.sh backup).`,
                },
            },
            firing: { interval: "5m", series: [{ metric: m.baseBackupLastSuccess, labels: nodeLabels, values: constant(0, samples) }], evalTime: `${evalHours}h`, alerts: [{ labels: nodeLabels, value: evalHours }] },
            quiet: { interval: "5m", series: [{ metric: m.baseBackupLastSuccess, labels: nodeLabels, values: regular.join(" ") }], evalTime: `${evalHours}h`, alerts: [] },
        },
        {
            group: "slipway-pitr",
            rule: {
                ...base,
                expr: `absent(${m.baseBackupLastSuccess})`,
                for: hoursDuration(backupHours),
                labels: { severity: base.severity, reason: "missing" },
                annotations: {
                    summary: "No base backup has been reported",
                    description: `No base backup has been reported for ${backupHours} hours: point-in-time recovery has nothing to start from.`,
                },
            },
            firing: { interval: "5m", series: [{ metric: "up", labels: nodeLabels, values: constant(1, samples) }], evalTime: `${evalHours}h`, alerts: [{ labels: {} }] },
            quiet: { interval: "5m", series: [{ metric: m.baseBackupLastSuccess, labels: nodeLabels, values: regular.join(" ") }], evalTime: `${evalHours}h`, alerts: [] },
        },
    );
    return defs;
}

/** The Prometheus rules file: one group per area, every alert with `for`, severity and annotations. */
export function renderAlertRules(o: AlertRulesOptions): string {
    const groups = new Map<string, AlertRule[]>();
    for (const { group, rule: r } of alertDefinitions(o)) {
        // Keys in the order people read a rule in.
        const rule: AlertRule = { alert: r.alert, expr: r.expr, for: r.for, labels: r.labels, annotations: r.annotations };
        groups.set(group, [...(groups.get(group) ?? []), rule]);
    }
    return toYaml({ groups: [...groups].map(([name, rules]) => ({ name, rules })) }, renderedBy("Prometheus alert rules"));
}

export interface AlertRuleTestsOptions extends AlertRulesOptions {
    /** The rules file(s), relative to the test file (how `promtool test rules` resolves them). */
    ruleFiles: string[];
}

/** `metric{a="b",…}` in promtool's series notation. */
export const seriesName = (s: InputSeries): string => sel(s.metric, s.labels);

function testGroup(rule: AlertRule, c: RuleCase) {
    return {
        interval: c.interval,
        input_series: c.series.map((s) => ({ series: seriesName(s), values: s.values })),
        alert_rule_test: [
            {
                eval_time: c.evalTime,
                alertname: rule.alert,
                exp_alerts: c.alerts.map((a) => ({
                    exp_labels: { ...a.labels, ...rule.labels },
                    exp_annotations: {
                        summary: expandAnnotation(rule.annotations.summary, a.labels, a.value),
                        description: expandAnnotation(rule.annotations.description, a.labels, a.value),
                    },
                })),
            },
        ],
    };
}

/**
 * A `promtool test rules` file for `renderAlertRules(o)`: per rule, one test group whose series
 * must make it fire (with exact labels and annotations) and one whose series must leave it quiet.
 */
export function renderAlertRuleTests(o: AlertRuleTestsOptions): string {
    if (o.ruleFiles.length === 0) throw argError("ruleFiles", o.ruleFiles, "the rules file under test", { where: "alert rule tests" });
    const tests = alertDefinitions(o).flatMap((d) => [...(d.firing ? [testGroup(d.rule, d.firing)] : []), testGroup(d.rule, d.quiet)]);
    return toYaml({ rule_files: [...o.ruleFiles], evaluation_interval: "1m", tests }, renderedBy("promtool unit tests of the alert rules"));
}
