import { renderedBy, toYaml } from "./yaml-text";
import { argError } from "../shared/errors";

/**
 * Scrape job names. The alert rules select series by them, so they are part of the contract
 * between prometheus.yml and the rules file, the same wherever the two run.
 */
export const jobNames = {
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    node: "node",
    postgres: "postgres",
    redis: "redis",
    nginx: "nginx",
    app: "app",
    blackboxHttp: "blackbox-http",
    blackboxTls: "blackbox-tls",
} as const;

/** blackbox_exporter modules the probe jobs use (defined by `renderBlackboxYml`). */
export const blackboxModules = { http: "http_2xx", tls: "tls_connect" } as const;

export interface PrometheusYmlOptions {
    /** Seconds between scrapes. @default 15 */
    scrapeIntervalSeconds?: number;
    /** Seconds between rule evaluations. @default 15 */
    evaluationIntervalSeconds?: number;
    /** Rule files as Prometheus sees them (globs allowed), e.g. `/etc/prometheus/rules/*.yml`. */
    ruleFiles: string[];
    /** Alertmanager `host:port`s: alerts go there, and they are scraped as the `alertmanager` job. */
    alertmanagers: string[];
    /** `host:port` of Prometheus itself. */
    prometheus: string;
    /** `host:port` of node_exporter. */
    nodeExporter: string;
    /** `host:port` of postgres_exporter. */
    postgresExporter: string;
    /** `host:port` of redis_exporter. */
    redisExporter: string;
    /** `host:port` of nginx-prometheus-exporter. */
    nginxExporter: string;
    /** `host:port` of every app replica. */
    appTargets: string[];
    /** Where the app serves its metrics. @default "/metrics" */
    appMetricsPath?: string;
    /** The blackbox exporter and what it probes. */
    blackbox: {
        /** `host:port` of blackbox_exporter. */
        exporter: string;
        /** URLs probed with `http_2xx`, e.g. `https://example.com/health`. */
        httpUrls: string[];
        /** `host:port`s whose certificate is checked with `tls_connect`, e.g. `example.com:443`. */
        tlsAddresses: string[];
    };
    /** Labels added to every series and alert (e.g. `{ stack: "dev" }`). @default {} */
    externalLabels?: Record<string, string>;
}

const hostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;

function checkAddress(what: string, address: string): string {
    if (!hostPort.test(address)) throw argError(what, address, "host:port, e.g. node-exporter:9100", { where: "prometheus.yml" });
    return address;
}

function checkInterval(what: string, seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 1) throw argError(what, seconds, "a whole number of seconds of at least 1", { where: "prometheus.yml" });
    return `${seconds}s`;
}

const staticJob = (job: string, targets: string[], extra: Record<string, unknown> = {}) => ({
    job_name: job,
    ...extra,
    static_configs: [{ targets }],
});

/**
 * A probe job: the probed thing is the target, rewritten into the exporter's `target` parameter
 * and the `instance` label, and the scrape itself goes to the exporter.
 */
const probeJob = (job: string, module: string, targets: string[], exporter: string) => ({
    job_name: job,
    metrics_path: "/probe",
    params: { module: [module] },
    static_configs: [{ targets }],
    relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: exporter },
    ],
});

/** prometheus.yml: intervals, rule files, Alertmanager, and one scrape job per signal source. */
export function renderPrometheusYml(o: PrometheusYmlOptions): string {
    if (o.ruleFiles.length === 0) throw argError("ruleFiles", o.ruleFiles, "at least one rule file", { where: "prometheus.yml" });
    if (o.alertmanagers.length === 0) throw argError("alertmanagers", o.alertmanagers, "at least one Alertmanager address", { where: "prometheus.yml" });
    const alertmanagers = o.alertmanagers.map((a) => checkAddress("alertmanagers", a));
    const apps = o.appTargets.map((a) => checkAddress("appTargets", a));
    const exporter = checkAddress("blackbox.exporter", o.blackbox.exporter);
    for (const url of o.blackbox.httpUrls) {
        if (!/^https?:\/\/\S+$/.test(url)) throw argError("blackbox.httpUrls", url, "http(s) URLs", { where: "prometheus.yml" });
    }
    const tls = o.blackbox.tlsAddresses.map((a) => checkAddress("blackbox.tlsAddresses", a));
    const appMetricsPath = o.appMetricsPath ?? "/metrics";
    if (!appMetricsPath.startsWith("/")) throw argError("appMetricsPath", appMetricsPath, "a path that starts with /", { where: "prometheus.yml" });

    const config = {
        global: {
            scrape_interval: checkInterval("scrapeIntervalSeconds", o.scrapeIntervalSeconds ?? 15),
            evaluation_interval: checkInterval("evaluationIntervalSeconds", o.evaluationIntervalSeconds ?? 15),
            ...(o.externalLabels && Object.keys(o.externalLabels).length > 0 ? { external_labels: { ...o.externalLabels } } : {}),
        },
        rule_files: [...o.ruleFiles],
        alerting: { alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }] },
        scrape_configs: [
            staticJob(jobNames.prometheus, [checkAddress("prometheus", o.prometheus)]),
            staticJob(jobNames.alertmanager, alertmanagers),
            staticJob(jobNames.node, [checkAddress("nodeExporter", o.nodeExporter)]),
            staticJob(jobNames.postgres, [checkAddress("postgresExporter", o.postgresExporter)]),
            staticJob(jobNames.redis, [checkAddress("redisExporter", o.redisExporter)]),
            staticJob(jobNames.nginx, [checkAddress("nginxExporter", o.nginxExporter)]),
            staticJob(jobNames.app, apps, { metrics_path: appMetricsPath }),
            probeJob(jobNames.blackboxHttp, blackboxModules.http, [...o.blackbox.httpUrls], exporter),
            probeJob(jobNames.blackboxTls, blackboxModules.tls, tls, exporter),
        ],
    };
    return toYaml(config, renderedBy("Prometheus configuration"));
}
