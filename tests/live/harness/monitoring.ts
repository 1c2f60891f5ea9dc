/**
 * The monitoring stack on loopback: Prometheus with the payload's prometheus.yml and alert rules,
 * Alertmanager notifying an in-process webhook, and Debian's exporters (node with a textfile
 * directory, postgres, redis, nginx from stub_status, blackbox probing the edge and verifying
 * its certificate against the test CA). Every address comes from the renderers' options, and
 * the scrape/evaluation/notification intervals are short so drills are quick.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderAlertRules } from "../../../components/monitoring/alert-rules";
import { renderAlertmanagerYml } from "../../../components/monitoring/alertmanager-yml";
import { renderBlackboxYml } from "../../../components/monitoring/blackbox-yml";
import { postgresExporterUri, redisExporterPasswordFile } from "../../../components/monitoring/docker";
import { defaultThresholds } from "../../../components/monitoring/index";
import { renderPrometheusYml } from "../../../components/monitoring/prometheus-yml";
import type { AppReplicas } from "./app";
import { runOk } from "./commands";
import type { NginxServer } from "./nginx";
import { freePorts } from "./ports";
import type { PostgresCluster } from "./postgres";
import { startProcess, waitFor, waitForPort, type ManagedProcess } from "./processes";
import type { RedisServer } from "./redis";
import type { RunDir } from "./rundir";
import type { TestCertificates } from "./tls";
import { startAlertWebhook, type AlertWebhook } from "./webhook";

export interface MonitoringOptions {
    runDir: RunDir;
    postgres: PostgresCluster;
    redis: RedisServer;
    app: AppReplicas;
    nginx: NginxServer;
    tls: TestCertificates;
    /** @default 2 */
    scrapeIntervalSeconds?: number;
    /** @default 2 */
    evaluationIntervalSeconds?: number;
    /** Shorter `for` per alert name (the rules renderer's `forOverrides`), so a drill's alert fires in seconds. */
    alertForOverrides?: Record<string, string>;
}

/** One sample of an instant query. */
export interface PromSample {
    metric: Record<string, string>;
    value: number;
}

export interface PromTarget {
    job: string;
    instance: string;
    health: "up" | "down" | "unknown";
    lastError: string;
}

export interface Monitoring {
    readonly prometheusUrl: string;
    readonly alertmanagerUrl: string;
    /** node_exporter's textfile collector directory (the backup job writes its metric here). */
    readonly textfileDir: string;
    readonly webhook: AlertWebhook;
    /** A loopback stand-in for Slack's incoming webhook: Alertmanager's slack_configs posts here (api_url_file). */
    readonly slack: AlertWebhook;
    /** A loopback dead man's switch: only the Watchdog heartbeat is sent here. */
    readonly deadMansSwitch: AlertWebhook;
    /** Each server by name: prometheus, alertmanager, node-exporter, postgres-exporter, redis-exporter, nginx-exporter, blackbox-exporter. */
    readonly processes: Record<string, ManagedProcess>;
    /** An instant PromQL query. */
    query(promql: string): Promise<PromSample[]>;
    /** The active scrape targets. */
    targets(): Promise<PromTarget[]>;
    /** The alerts Prometheus currently has pending or firing. */
    alerts(): Promise<{ labels: Record<string, string>; state: "pending" | "firing" }[]>;
    stop(): Promise<void>;
}

async function getJson<T>(url: string): Promise<T> {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`GET ${url}: ${body.error ?? body.status}`);
    return body.data;
}

export async function startMonitoring(o: MonitoringOptions): Promise<Monitoring> {
    const dir = path.join(o.runDir.path, "monitoring");
    const textfileDir = path.join(dir, "textfile");
    const promData = path.join(dir, "prometheus-data");
    const amData = path.join(dir, "alertmanager-data");
    for (const d of [textfileDir, promData, amData]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    const [prometheusPort, alertmanagerPort, nodePort, postgresPort, redisPort, nginxPort, blackboxPort] = await freePorts(7);
    const at = (port: number): string => `127.0.0.1:${port}`;
    const file = (name: string, text: string, mode = 0o644): string => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, text, { mode });
        return p;
    };

    const webhook = await startAlertWebhook();
    const slack = await startAlertWebhook();
    const deadMansSwitch = await startAlertWebhook();
    const rulesFile = file("rules.yml", renderAlertRules({ thresholds: { ...defaultThresholds }, dataMountpoint: "/", forOverrides: o.alertForOverrides }));
    const interval = (s: number | undefined): number => s ?? 2;
    const promConf = file(
        "prometheus.yml",
        renderPrometheusYml({
            scrapeIntervalSeconds: interval(o.scrapeIntervalSeconds),
            evaluationIntervalSeconds: interval(o.evaluationIntervalSeconds),
            ruleFiles: [rulesFile],
            alertmanagers: [at(alertmanagerPort)],
            prometheus: at(prometheusPort),
            nodeExporter: at(nodePort),
            postgresExporter: at(postgresPort),
            redisExporter: at(redisPort),
            nginxExporter: at(nginxPort),
            appTargets: o.app.addresses,
            blackbox: {
                exporter: at(blackboxPort),
                // The probes connect to loopback and ask for (and verify) the edge's real name.
                httpUrls: [`https://127.0.0.1:${o.nginx.httpsPort}/health`],
                tlsAddresses: [`127.0.0.1:${o.nginx.httpsPort}`],
            },
            externalLabels: { stack: "live" },
        }),
    );
    const slackUrlFile = file("slack-api-url", `${slack.url}\n`, 0o600);
    const amConf = file(
        "alertmanager.yml",
        renderAlertmanagerYml({
            webhookUrl: webhook.url,
            slack: { apiUrlFile: slackUrlFile },
            deadMansSwitch: { url: deadMansSwitch.url, repeatInterval: "1m" },
            groupWait: "1s",
            groupInterval: "2s",
            repeatInterval: "1h",
        }),
        0o600,
    );
    const blackboxConf = file("blackbox.yml", renderBlackboxYml({ caFile: o.tls.caFile, serverName: o.tls.serverName, timeoutSeconds: 5 }));
    await runOk("promtool", ["check", "config", promConf], { timeoutMs: 30_000 });
    await runOk("amtool", ["check-config", amConf], { timeoutMs: 30_000 });

    const env = { PATH: process.env.PATH };
    const logDir = o.runDir.logDir;
    const processes: Record<string, ManagedProcess> = {};
    const start = async (name: string, command: string, args: string[], port: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> => {
        const p = startProcess(name, command, args, { logDir, env: { ...env, ...extraEnv }, cwd: dir });
        processes[name] = p;
        await waitForPort(port, { timeoutMs: 30_000, process: p });
    };
    const listen = (port: number): string => `--web.listen-address=${at(port)}`;

    await start("node-exporter", "prometheus-node-exporter", [listen(nodePort), `--collector.textfile.directory=${textfileDir}`], nodePort);
    // The credentials as the Docker payload passes them: 0600 files through the exporters' own
    // file settings, rendered by the payload's functions (nothing secret in the environment).
    const pgPassFile = file("postgres-exporter-password", `${o.postgres.app.password}\n`, 0o600);
    await start("postgres-exporter", "prometheus-postgres-exporter", [listen(postgresPort)], postgresPort, {
        DATA_SOURCE_URI: postgresExporterUri({ host: "127.0.0.1", port: o.postgres.port, database: o.postgres.app.database, sslMode: "disable" }),
        DATA_SOURCE_USER: o.postgres.app.user,
        DATA_SOURCE_PASS_FILE: pgPassFile,
    });
    const redisAddr = `redis://127.0.0.1:${o.redis.port}`;
    const redisPassFile = file("redis-exporter-passwords.json", redisExporterPasswordFile(redisAddr, o.redis.password), 0o600);
    await start("redis-exporter", "prometheus-redis-exporter", [listen(redisPort)], redisPort, {
        REDIS_ADDR: redisAddr,
        REDIS_PASSWORD_FILE: redisPassFile,
    });
    await start("nginx-exporter", "prometheus-nginx-exporter", [listen(nginxPort), `--nginx.scrape-uri=${o.nginx.statusUrl}`], nginxPort);
    await start("blackbox-exporter", "prometheus-blackbox-exporter", [listen(blackboxPort), `--config.file=${blackboxConf}`], blackboxPort);
    await start(
        "alertmanager",
        "prometheus-alertmanager",
        [listen(alertmanagerPort), `--config.file=${amConf}`, `--storage.path=${amData}`, `--web.external-url=http://${at(alertmanagerPort)}/`, "--cluster.listen-address="],
        alertmanagerPort,
    );
    await start(
        "prometheus",
        "prometheus",
        [listen(prometheusPort), `--config.file=${promConf}`, `--storage.tsdb.path=${promData}`, `--web.external-url=http://${at(prometheusPort)}/`],
        prometheusPort,
    );
    const prometheusUrl = `http://${at(prometheusPort)}`;
    await waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: "Prometheus to be ready",
    });

    return {
        prometheusUrl,
        alertmanagerUrl: `http://${at(alertmanagerPort)}`,
        textfileDir,
        webhook,
        slack,
        deadMansSwitch,
        processes,
        query: async (promql) => {
            const data = await getJson<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
                `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`,
            );
            return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
        },
        targets: async () => {
            const data = await getJson<{ activeTargets: { labels: Record<string, string>; health: PromTarget["health"]; lastError: string }[] }>(
                `${prometheusUrl}/api/v1/targets?state=active`,
            );
            return data.activeTargets.map((t) => ({ job: t.labels.job, instance: t.labels.instance, health: t.health, lastError: t.lastError }));
        },
        alerts: async () => (await getJson<{ alerts: { labels: Record<string, string>; state: "pending" | "firing" }[] }>(`${prometheusUrl}/api/v1/alerts`)).alerts,
        stop: async () => {
            for (const p of Object.values(processes).reverse()) await p.stop();
            await webhook.close();
            await slack.close();
            await deadMansSwitch.close();
        },
    };
}
