import type { MonitoringThresholds } from "./index";
import { backupMetric } from "./alert-rules";
import { jobNames } from "./prometheus-yml";
import { renderedBy, toYaml } from "./yaml-text";
import { argError } from "../shared/errors";

/** The provisioned Prometheus data source every dashboard panel reads. */
export interface GrafanaDatasourceOptions {
    /** Stable uid the dashboards refer to. @default "slipway-prometheus" */
    uid?: string;
    /** Where Grafana reaches Prometheus, e.g. `http://prometheus:9090`. */
    url: string;
    /** Prometheus' scrape interval, so Grafana never asks for finer steps. @default 15 */
    scrapeIntervalSeconds?: number;
}

export const defaultDatasourceUid = "slipway-prometheus";

/** provisioning/datasources/*.yaml: Prometheus, the default, read-only in the UI. */
export function renderGrafanaDatasources(o: GrafanaDatasourceOptions): string {
    if (!/^https?:\/\/\S+$/.test(o.url)) throw argError("url", o.url, "an http(s) URL", { where: "the Grafana datasource" });
    const config = {
        apiVersion: 1,
        datasources: [
            {
                name: "Prometheus",
                uid: o.uid ?? defaultDatasourceUid,
                type: "prometheus",
                access: "proxy",
                url: o.url,
                isDefault: true,
                editable: false,
                jsonData: { timeInterval: `${o.scrapeIntervalSeconds ?? 15}s`, httpMethod: "POST" },
            },
        ],
    };
    return toYaml(config, renderedBy("Grafana data sources"));
}

export interface GrafanaDashboardProviderOptions {
    /** Directory Grafana reads the dashboard JSON files from, as Grafana sees it. */
    dashboardsPath: string;
    /** Folder the dashboards appear in. @default "Slipway" */
    folder?: string;
    /** Seconds between re-reads of the directory (changed files appear without a restart). @default 30 */
    updateIntervalSeconds?: number;
}

/** provisioning/dashboards/*.yaml: the dashboards come from files and cannot be edited in the UI. */
export function renderGrafanaDashboardProvider(o: GrafanaDashboardProviderOptions): string {
    if (!o.dashboardsPath.startsWith("/")) throw argError("dashboardsPath", o.dashboardsPath, "an absolute path", { where: "the Grafana dashboards" });
    const config = {
        apiVersion: 1,
        providers: [
            {
                name: "slipway",
                orgId: 1,
                folder: o.folder ?? "Slipway",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: o.updateIntervalSeconds ?? 30,
                options: { path: o.dashboardsPath, foldersFromFilesStructure: false },
            },
        ],
    };
    return toYaml(config, renderedBy("Grafana dashboard provider"));
}

// ---- Dashboards ----

interface PanelSpec {
    title: string;
    description?: string;
    /** `stat` panels are small and go in a row of four; `timeseries` take half a row. */
    type: "timeseries" | "stat";
    unit: string;
    targets: { expr: string; legend?: string }[];
    /** Where the alert fires: drawn as a red line (time series) or colour step (stat). */
    threshold?: number;
    /** The threshold is a floor (alert below it) rather than a ceiling. */
    thresholdBelow?: boolean;
    min?: number;
    max?: number;
}

/** A Grafana dashboard model (the JSON a provisioned file holds). */
export interface Dashboard {
    uid: string;
    title: string;
    panels: Record<string, unknown>[];
    [key: string]: unknown;
}

export interface DashboardOptions {
    /** uid of the provisioned Prometheus data source. */
    datasourceUid: string;
    thresholds: Required<MonitoringThresholds>;
    /** Mount point of the data disk, as node_exporter labels it. */
    dataMountpoint: string;
    /** Same as the TLS alert. @default 14 */
    tlsExpiryDays?: number;
    /** Same as the backup alert. @default 26 */
    backupMaxAgeHours?: number;
}

function thresholdSteps(p: PanelSpec) {
    if (p.threshold === undefined) return { mode: "absolute", steps: [{ color: "green", value: null }] };
    return p.thresholdBelow
        ? { mode: "absolute", steps: [{ color: "red", value: null }, { color: "green", value: p.threshold }] }
        : { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: p.threshold }] };
}

function panelsJson(specs: PanelSpec[], datasourceUid: string): Record<string, unknown>[] {
    const datasource = { type: "prometheus", uid: datasourceUid };
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    return specs.map((p, i) => {
        const w = p.type === "stat" ? 6 : 12;
        const h = p.type === "stat" ? 4 : 8;
        if (x + w > 24) {
            x = 0;
            y += rowHeight;
            rowHeight = 0;
        }
        const gridPos = { x, y, w, h };
        x += w;
        rowHeight = Math.max(rowHeight, h);
        const defaults: Record<string, unknown> = {
            unit: p.unit,
            thresholds: thresholdSteps(p),
            ...(p.min !== undefined ? { min: p.min } : {}),
            ...(p.max !== undefined ? { max: p.max } : {}),
        };
        if (p.type === "timeseries") {
            defaults.color = { mode: "palette-classic" };
            defaults.custom = { drawStyle: "line", lineWidth: 1, fillOpacity: 10, showPoints: "never", thresholdsStyle: { mode: p.threshold === undefined ? "off" : "line" } };
        } else {
            defaults.color = { mode: "thresholds" };
        }
        return {
            id: i + 1,
            type: p.type,
            title: p.title,
            ...(p.description ? { description: p.description } : {}),
            datasource,
            gridPos,
            targets: p.targets.map((t, j) => ({
                refId: String.fromCharCode(65 + j),
                datasource,
                expr: t.expr,
                legendFormat: t.legend ?? "__auto",
                range: true,
            })),
            fieldConfig: { defaults, overrides: [] },
            options:
                p.type === "timeseries"
                    ? { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "none" } }
                    : { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area", textMode: "auto" },
        };
    });
}

function dashboard(uid: string, title: string, specs: PanelSpec[], datasourceUid: string): Dashboard {
    return {
        uid,
        title,
        tags: ["slipway"],
        editable: false,
        graphTooltip: 1,
        refresh: "30s",
        schemaVersion: 39,
        version: 1,
        time: { from: "now-6h", to: "now" },
        timezone: "browser",
        annotations: { list: [] },
        templating: { list: [] },
        panels: panelsJson(specs, datasourceUid),
    };
}

const j = (job: string, extra = ""): string => `{job="${job}"${extra}}`;

/**
 * The five Slipway dashboards (host, nginx edge, app, PostgreSQL, Redis), each panel on the
 * provisioned data source, alert thresholds drawn where an alert watches the same signal.
 */
export function buildDashboards(o: DashboardOptions): { host: Dashboard; nginx: Dashboard; app: Dashboard; postgresql: Dashboard; redis: Dashboard } {
    const t = o.thresholds;
    const ds = o.datasourceUid;
    const mount = `,mountpoint=${JSON.stringify(o.dataMountpoint)}`;
    const node = jobNames.node;
    const cpuBusy = `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total${j(node, ',mode="idle"')}[5m])))`;
    const memUsed = `100 * (1 - node_memory_MemAvailable_bytes${j(node)} / node_memory_MemTotal_bytes${j(node)})`;
    const diskFree = `100 * node_filesystem_avail_bytes${j(node, mount)} / node_filesystem_size_bytes${j(node, mount)}`;
    const nic = ',device!~"lo|veth.*|docker.*|br-.*"';

    const host = dashboard(
        "slipway-host",
        "Slipway / Host",
        [
            { title: "CPU busy", type: "stat", unit: "percent", targets: [{ expr: cpuBusy }], threshold: t.cpuPercent, min: 0, max: 100 },
            { title: "Memory used", type: "stat", unit: "percent", targets: [{ expr: memUsed }], threshold: t.memoryPercent, min: 0, max: 100 },
            { title: "Data disk free", type: "stat", unit: "percent", targets: [{ expr: diskFree }], threshold: t.dbFreeStoragePercent, thresholdBelow: true, min: 0, max: 100 },
            { title: "Uptime", type: "stat", unit: "s", targets: [{ expr: `time() - node_boot_time_seconds${j(node)}` }] },
            { title: "CPU busy", type: "timeseries", unit: "percent", targets: [{ expr: cpuBusy, legend: "busy" }], threshold: t.cpuPercent, min: 0, max: 100 },
            { title: "Memory used", type: "timeseries", unit: "percent", targets: [{ expr: memUsed, legend: "used" }], threshold: t.memoryPercent, min: 0, max: 100 },
            {
                title: "Data disk free",
                description: `Free space on ${o.dataMountpoint}, where PostgreSQL, Redis and the metrics live.`,
                type: "timeseries",
                unit: "percent",
                targets: [{ expr: diskFree, legend: "{{mountpoint}}" }],
                threshold: t.dbFreeStoragePercent,
                thresholdBelow: true,
                min: 0,
                max: 100,
            },
            {
                title: "Load average",
                type: "timeseries",
                unit: "short",
                targets: [
                    { expr: `node_load1${j(node)}`, legend: "1m" },
                    { expr: `node_load5${j(node)}`, legend: "5m" },
                    { expr: `node_load15${j(node)}`, legend: "15m" },
                ],
            },
            {
                title: "Network",
                type: "timeseries",
                unit: "Bps",
                targets: [
                    { expr: `sum(rate(node_network_receive_bytes_total${j(node, nic)}[5m]))`, legend: "received" },
                    { expr: `sum(rate(node_network_transmit_bytes_total${j(node, nic)}[5m]))`, legend: "sent" },
                ],
            },
            {
                title: "Disk I/O",
                type: "timeseries",
                unit: "Bps",
                targets: [
                    { expr: `sum(rate(node_disk_read_bytes_total${j(node)}[5m]))`, legend: "read" },
                    { expr: `sum(rate(node_disk_written_bytes_total${j(node)}[5m]))`, legend: "written" },
                ],
            },
        ],
        ds,
    );

    const nginxJob = jobNames.nginx;
    const nginx = dashboard(
        "slipway-nginx",
        "Slipway / Edge (nginx)",
        [
            { title: "nginx up", type: "stat", unit: "bool_yes_no", targets: [{ expr: `nginx_up${j(nginxJob)}` }], threshold: 1, thresholdBelow: true },
            { title: "Health probe", type: "stat", unit: "bool_yes_no", targets: [{ expr: `probe_success${j(jobNames.blackboxHttp)}` }], threshold: 1, thresholdBelow: true },
            {
                title: "Certificate expires in",
                type: "stat",
                unit: "d",
                targets: [{ expr: `(probe_ssl_earliest_cert_expiry${j(jobNames.blackboxTls)} - time()) / 86400` }],
                threshold: o.tlsExpiryDays ?? 14,
                thresholdBelow: true,
            },
            { title: "Active connections", type: "stat", unit: "short", targets: [{ expr: `nginx_connections_active${j(nginxJob)}` }] },
            {
                title: "Requests per second",
                description: "All requests nginx handled (stub_status has no status codes: see the App dashboard for errors).",
                type: "timeseries",
                unit: "reqps",
                targets: [{ expr: `rate(nginx_http_requests_total${j(nginxJob)}[5m])`, legend: "requests" }],
            },
            {
                title: "Connections",
                type: "timeseries",
                unit: "short",
                targets: ["active", "reading", "writing", "waiting"].map((s) => ({ expr: `nginx_connections_${s}${j(nginxJob)}`, legend: s })),
            },
            {
                title: "Connections accepted vs handled",
                description: "A gap means nginx dropped connections (worker_connections exhausted).",
                type: "timeseries",
                unit: "cps",
                targets: [
                    { expr: `rate(nginx_connections_accepted${j(nginxJob)}[5m])`, legend: "accepted" },
                    { expr: `rate(nginx_connections_handled${j(nginxJob)}[5m])`, legend: "handled" },
                ],
            },
            {
                title: "Health probe duration",
                type: "timeseries",
                unit: "s",
                targets: [{ expr: `probe_duration_seconds${j(jobNames.blackboxHttp)}`, legend: "{{instance}}" }],
            },
        ],
        ds,
    );

    const app = jobNames.app;
    const latency = t.latencyP95Ms / 1000;
    const quantile = (q: number): string => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${j(app)}[5m])))`;
    const errorRate = `100 * sum(rate(http_requests_total${j(app, ',status=~"5.."')}[5m])) / sum(rate(http_requests_total${j(app)}[5m]))`;
    const appDash = dashboard(
        "slipway-app",
        "Slipway / App",
        [
            { title: "Replicas up", type: "stat", unit: "short", targets: [{ expr: `sum(up${j(app)})` }] },
            { title: "Requests per second", type: "stat", unit: "reqps", targets: [{ expr: `sum(rate(http_requests_total${j(app)}[5m]))` }] },
            { title: "5xx rate", type: "stat", unit: "percent", targets: [{ expr: errorRate }], threshold: t.error5xxPercent },
            { title: "p95 latency", type: "stat", unit: "s", targets: [{ expr: quantile(0.95) }], threshold: latency },
            {
                title: "Requests by status",
                type: "timeseries",
                unit: "reqps",
                targets: [{ expr: `sum by (status) (rate(http_requests_total${j(app)}[5m]))`, legend: "{{status}}" }],
            },
            { title: "5xx rate", type: "timeseries", unit: "percent", targets: [{ expr: errorRate, legend: "5xx" }], threshold: t.error5xxPercent, min: 0 },
            {
                title: "Latency",
                type: "timeseries",
                unit: "s",
                targets: [
                    { expr: quantile(0.5), legend: "p50" },
                    { expr: quantile(0.95), legend: "p95" },
                    { expr: quantile(0.99), legend: "p99" },
                ],
                threshold: latency,
            },
            {
                title: "Requests by route",
                type: "timeseries",
                unit: "reqps",
                targets: [{ expr: `sum by (route) (rate(http_requests_total${j(app)}[5m]))`, legend: "{{route}}" }],
            },
            {
                title: "Memory per replica",
                type: "timeseries",
                unit: "bytes",
                targets: [{ expr: `process_resident_memory_bytes${j(app)}`, legend: "{{instance}}" }],
            },
            {
                title: "Event loop lag (p99)",
                type: "timeseries",
                unit: "s",
                targets: [{ expr: `nodejs_eventloop_lag_p99_seconds${j(app)}`, legend: "{{instance}}" }],
            },
            {
                title: "Dependencies",
                description: "Whether each replica's last check of PostgreSQL and Redis succeeded.",
                type: "timeseries",
                unit: "bool_yes_no",
                targets: [{ expr: `min by (dependency) (app_dependency_up${j(app)})`, legend: "{{dependency}}" }],
                min: 0,
                max: 1,
            },
        ],
        ds,
    );

    const pg = jobNames.postgres;
    const connPercent = `100 * sum by (instance) (pg_stat_database_numbackends${j(pg)}) / max by (instance) (pg_settings_max_connections${j(pg)})`;
    const backupAge = `(time() - ${backupMetric}) / 3600`;
    const postgresql = dashboard(
        "slipway-postgresql",
        "Slipway / PostgreSQL",
        [
            { title: "PostgreSQL up", type: "stat", unit: "bool_yes_no", targets: [{ expr: `pg_up${j(pg)}` }], threshold: 1, thresholdBelow: true },
            { title: "Connections used", type: "stat", unit: "percent", targets: [{ expr: connPercent }], threshold: t.dbConnectionsPercentOfMax, min: 0, max: 100 },
            { title: "Hours since last backup", type: "stat", unit: "h", targets: [{ expr: backupAge }], threshold: o.backupMaxAgeHours ?? 26 },
            { title: "Database size", type: "stat", unit: "bytes", targets: [{ expr: `sum(pg_database_size_bytes${j(pg)})` }] },
            { title: "Connections used", type: "timeseries", unit: "percent", targets: [{ expr: connPercent, legend: "{{instance}}" }], threshold: t.dbConnectionsPercentOfMax, min: 0, max: 100 },
            {
                title: "Connections by database",
                type: "timeseries",
                unit: "short",
                targets: [{ expr: `pg_stat_database_numbackends${j(pg)}`, legend: "{{datname}}" }],
            },
            {
                title: "Transactions per second",
                type: "timeseries",
                unit: "short",
                targets: [
                    { expr: `sum(rate(pg_stat_database_xact_commit${j(pg)}[5m]))`, legend: "commits" },
                    { expr: `sum(rate(pg_stat_database_xact_rollback${j(pg)}[5m]))`, legend: "rollbacks" },
                ],
            },
            {
                title: "Cache hit ratio",
                description: "Share of block reads served from shared_buffers; below ~99% the working set no longer fits.",
                type: "timeseries",
                unit: "percent",
                targets: [
                    {
                        expr: `100 * sum(rate(pg_stat_database_blks_hit${j(pg)}[5m])) / (sum(rate(pg_stat_database_blks_hit${j(pg)}[5m])) + sum(rate(pg_stat_database_blks_read${j(pg)}[5m])))`,
                        legend: "hit ratio",
                    },
                ],
                max: 100,
            },
            {
                title: "Database size",
                type: "timeseries",
                unit: "bytes",
                targets: [{ expr: `pg_database_size_bytes${j(pg)}`, legend: "{{datname}}" }],
            },
            {
                title: "Deadlocks and conflicts",
                type: "timeseries",
                unit: "short",
                targets: [
                    { expr: `sum(rate(pg_stat_database_deadlocks${j(pg)}[5m]))`, legend: "deadlocks/s" },
                    { expr: `sum(rate(pg_stat_database_conflicts${j(pg)}[5m]))`, legend: "conflicts/s" },
                ],
            },
            { title: "Hours since last backup", type: "timeseries", unit: "h", targets: [{ expr: backupAge, legend: "{{instance}}" }], threshold: o.backupMaxAgeHours ?? 26, min: 0 },
        ],
        ds,
    );

    const rd = jobNames.redis;
    const redisMem = `100 * redis_memory_used_bytes${j(rd)} / (redis_memory_max_bytes${j(rd)} > 0)`;
    const redis = dashboard(
        "slipway-redis",
        "Slipway / Redis",
        [
            { title: "Redis up", type: "stat", unit: "bool_yes_no", targets: [{ expr: `redis_up${j(rd)}` }], threshold: 1, thresholdBelow: true },
            { title: "Memory used (of maxmemory)", type: "stat", unit: "percent", targets: [{ expr: redisMem }], threshold: t.cacheMemoryPercent, min: 0, max: 100 },
            { title: "Clients", type: "stat", unit: "short", targets: [{ expr: `redis_connected_clients${j(rd)}` }] },
            {
                title: "Hit ratio",
                type: "stat",
                unit: "percent",
                targets: [{ expr: `100 * rate(redis_keyspace_hits_total${j(rd)}[5m]) / (rate(redis_keyspace_hits_total${j(rd)}[5m]) + rate(redis_keyspace_misses_total${j(rd)}[5m]))` }],
                min: 0,
                max: 100,
            },
            { title: "Memory used (of maxmemory)", type: "timeseries", unit: "percent", targets: [{ expr: redisMem, legend: "{{instance}}" }], threshold: t.cacheMemoryPercent, min: 0, max: 100 },
            {
                title: "Memory",
                type: "timeseries",
                unit: "bytes",
                targets: [
                    { expr: `redis_memory_used_bytes${j(rd)}`, legend: "used" },
                    { expr: `redis_memory_max_bytes${j(rd)}`, legend: "maxmemory" },
                ],
            },
            {
                title: "Commands per second",
                type: "timeseries",
                unit: "ops",
                targets: [{ expr: `rate(redis_commands_processed_total${j(rd)}[5m])`, legend: "commands" }],
            },
            {
                title: "Evicted and expired keys",
                description: "Evictions mean maxmemory is too small for the working set.",
                type: "timeseries",
                unit: "short",
                targets: [
                    { expr: `rate(redis_evicted_keys_total${j(rd)}[5m])`, legend: "evicted/s" },
                    { expr: `rate(redis_expired_keys_total${j(rd)}[5m])`, legend: "expired/s" },
                ],
            },
        ],
        ds,
    );

    return { host, nginx, app: appDash, postgresql, redis };
}

/** A dashboard as the JSON file Grafana's file provider reads. */
export const renderDashboard = (d: Dashboard): string => `${JSON.stringify(d, null, 2)}\n`;
