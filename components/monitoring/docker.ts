import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { posix } from "node:path";
import { SlipwayComponent } from "../shared/component";
import { type DockerHost, hardenedContainerArgs, type HardenedContainerArgs, healthCmd } from "../shared/docker";
import { contentHash, shellQuote } from "../shared/host-files";
import { hostPaths, images, serviceAliases, servicePorts } from "../shared/images";
import { renderAlertRules, renderAlertRuleTests } from "./alert-rules";
import { renderAlertmanagerYml } from "./alertmanager-yml";
import { renderBlackboxYml } from "./blackbox-yml";
import { buildDashboards, defaultDatasourceUid, renderDashboard, renderGrafanaDashboardProvider, renderGrafanaDatasources } from "./grafana";
import { type MonitoringArgs, type NormalizedMonitoringArgs, normalizeMonitoringArgs, type SmtpSettings } from "./index";
import { renderPrometheusYml } from "./prometheus-yml";
import { withComponent, argError, EnvironmentError } from "../shared/errors";

/** What the Docker monitoring stack scrapes and probes. */
export interface DockerMonitoringTargets {
    /**
     * The public domain: its `https://<domain>/health` is probed and its certificate watched.
     * @default required
     * @example
     * ```ts
     * { domain: "dev.example.com" }
     * ```
     */
    domain: string;
    /**
     * `host:port` of every app replica (each serves `/metrics`).
     * @default required
     * @example
     * ```ts
     * { appTargets: web.appTargets } // ["app-1:8080", "app-2:8080"]
     * ```
     */
    appTargets: pulumi.Input<string[]>;
    /**
     * URL of nginx's `stub_status`, as reached over the edge network.
     * @default required
     * @example
     * ```ts
     * { nginxStatusUrl: "http://edge:8081/stub_status" }
     * ```
     */
    nginxStatusUrl: pulumi.Input<string>;
    /**
     * The database postgres_exporter connects to (over the data network). The password is a secret.
     * @default required
     * @example
     * ```ts
     * { postgres: { host: db.host, port: db.port, user: db.username, password: db.password, database: db.databaseName } }
     * ```
     */
    postgres: {
        host: pulumi.Input<string>;
        port: pulumi.Input<number>;
        user: pulumi.Input<string>;
        password: pulumi.Input<string>;
        database: pulumi.Input<string>;
        /** libpq `sslmode` of the exporter's connection. @default "disable" (the data network is internal) */
        sslMode?: "disable" | "require" | "verify-ca" | "verify-full";
    };
    /**
     * The Redis redis_exporter connects to (over the data network). The password is a secret.
     * @default required
     * @example
     * ```ts
     * { redis: { host: cache.host, port: cache.port, password: cache.password } }
     * ```
     */
    redis: { host: pulumi.Input<string>; port: pulumi.Input<number>; password: pulumi.Input<string> };
    /**
     * Overrides for the blackbox probes, for a domain that does not resolve to the edge from
     * inside a container (the `local` target's `*.localhost`).
     * @default probe `https://<domain>/health` and `<domain>:443`, verifying the certificate
     * @example
     * ```ts
     * { probe: { url: "https://edge:443/health", tlsAddress: "edge:443", serverName: "app.localhost", insecureSkipVerify: true } }
     * ```
     */
    probe?: {
        url?: string;
        tlsAddress?: string;
        serverName?: string;
        insecureSkipVerify?: boolean;
        /**
         * CA certificates (PEM) the probes verify the site against instead of the system roots:
         * Let's Encrypt's staging roots when the site uses the staging issuer
         * (`letsEncryptStagingRootsPem`). Written beside blackbox.yml as `ca.pem` (`ca_file`).
         */
        caPem?: string;
    };
}

export interface DockerMonitoringArgs extends MonitoringArgs {
    /**
     * Slack through Alertmanager's Slack integration (`slack_configs`): the incoming-webhook URL
     * (a secret) is written to a 0600 file Alertmanager reads (`api_url_file`). `channel` only
     * overrides the webhook's own channel.
     * @default no Slack
     * @example
     * ```ts
     * { slack: { webhookUrl: config.requireSecret("alertSlackWebhookUrl") } }
     * ```
     */
    slack?: { webhookUrl: pulumi.Input<string>; channel?: string };
    /**
     * A dead man's switch URL (healthchecks.io style, a secret): the always-firing `Watchdog`
     * alert is posted there every minute and nowhere else.
     * @default none: Watchdog goes to no one
     * @example
     * ```ts
     * { deadMansSwitchUrl: config.requireSecret("alertDeadMansSwitchUrl") }
     * ```
     */
    deadMansSwitchUrl?: pulumi.Input<string>;
    /**
     * The Docker host, with its networks: Prometheus joins both, the exporters the one their
     * target is on, Alertmanager and Grafana the edge network (they need a route out / a port).
     * @default required
     * @example
     * ```ts
     * { host: dockerHost }
     * ```
     */
    host: DockerHost;
    /**
     * What to scrape and probe.
     * @default required
     * @example
     * ```ts
     * { targets: { domain, appTargets: web.appTargets, nginxStatusUrl: web.statusUrl, postgres: {...}, redis: {...} } }
     * ```
     */
    targets: DockerMonitoringTargets;
    /**
     * The mount point of the volume holding `host.dataDir`: node_exporter reports free space
     * per mount point, and DiskSpaceLow watches this one.
     * @default host.dataDir (on vps the data volume is mounted there)
     * @example
     * ```ts
     * { dataMountpoint: "/" } // local: the data directory is on the root disk
     * ```
     */
    dataMountpoint?: string;
    /**
     * Loopback ports the web UIs are published on (reach them through an SSH tunnel). Nothing
     * else is published.
     * @default { prometheus: 9090, grafana: 3000, alertmanager: 9093 }
     * @example
     * ```ts
     * { publish: { grafana: 3300 } } // local: something else already has 3000
     * ```
     */
    publish?: { prometheus?: number; grafana?: number; alertmanager?: number };
    /**
     * Warn when the public certificate expires in fewer days than this.
     * @default 14
     * @example
     * ```ts
     * { tlsExpiryDays: 21 }
     * ```
     */
    tlsExpiryDays?: number;
    /**
     * Alert when the last successful backup is older than this many hours (or none was ever reported).
     * @default 26
     * @example
     * ```ts
     * { backupMaxAgeHours: 50 } // backups every other day
     * ```
     */
    backupMaxAgeHours?: number;
    /**
     * The backup job ships WAL for point-in-time recovery (`DockerBackupBucket`'s
     * `pointInTimeRecovery`): alert when archiving lags more than 5 minutes or the last base
     * backup is older than `backupMaxAgeHours`.
     * @default false
     * @example
     * ```ts
     * { pointInTimeRecovery: true }
     * ```
     */
    pointInTimeRecovery?: boolean;
}

export type NormalizedDockerMonitoringArgs = NormalizedMonitoringArgs & {
    retentionDays: number;
    dataMountpoint: string;
    publish: { prometheus: number; grafana: number; alertmanager: number };
    tlsExpiryDays: number;
    backupMaxAgeHours: number;
    pointInTimeRecovery: boolean;
    /** Email delivery, when there are recipients and an SMTP relay. */
    email?: { to: string[]; smtp: SmtpSettings };
    /** Recipients were given but no SMTP relay: they cannot be emailed on this target. */
    emailWithoutSmtp: boolean;
};

/**
 * Applies the defaults (neutral and Docker-only) and checks them. `alarmEmails` without `smtp`
 * is not an error (the same stack config serves AWS, where SNS sends the mail); the component
 * warns instead.
 */
export function normalizeDockerMonitoringArgs(args: DockerMonitoringArgs): NormalizedDockerMonitoringArgs {
    if (!args.host) throw argError("host", undefined, "the DockerHost the payload runs on");
    const a = normalizeMonitoringArgs(args);
    const retentionDays = args.retentionDays ?? 15;
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
        throw argError("retentionDays", retentionDays, "a whole number of days from 1 to 3650");
    }
    const dataMountpoint = args.dataMountpoint ?? args.host.dataDir;
    if (!dataMountpoint.startsWith("/")) throw argError("dataMountpoint", dataMountpoint, "an absolute path");
    const publish = { prometheus: 9090, grafana: 3000, alertmanager: 9093, ...definedOnly(args.publish ?? {}) };
    for (const [key, port] of Object.entries(publish)) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw argError(`publish.${key}`, port, "a port from 1 to 65535");
    }
    if (new Set(Object.values(publish)).size !== 3) {
        throw argError("publish", publish, "three different ports for prometheus, grafana and alertmanager");
    }
    const tlsExpiryDays = args.tlsExpiryDays ?? 14;
    if (!Number.isFinite(tlsExpiryDays) || tlsExpiryDays <= 0) throw argError("tlsExpiryDays", tlsExpiryDays, "a positive number of days");
    const backupMaxAgeHours = args.backupMaxAgeHours ?? 26;
    if (!Number.isFinite(backupMaxAgeHours) || backupMaxAgeHours < 1) {
        throw argError("backupMaxAgeHours", backupMaxAgeHours, "at least 1 hour");
    }
    if (typeof args.webhookUrl === "string" && !/^https?:\/\/\S+$/.test(args.webhookUrl)) {
        throw argError("webhookUrl", args.webhookUrl, "an http(s) URL", { secret: true });
    }
    const smtp = args.smtp;
    if (smtp) {
        if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(smtp.smarthost)) {
            throw argError("smtp.smarthost", smtp.smarthost, "host:port, e.g. smtp.example.com:587");
        }
        if (!/^[^\s@]+@[^\s@]+$/.test(smtp.from)) throw argError("smtp.from", smtp.from, "an email address");
        if ((smtp.username === undefined) !== (smtp.password === undefined)) {
            throw argError(smtp.username === undefined ? "smtp.username" : "smtp.password", undefined, "both smtp.username and smtp.password for authentication, or neither");
        }
    }
    const email = smtp && a.alarmEmails.length > 0 ? { to: a.alarmEmails, smtp } : undefined;
    return {
        ...a,
        retentionDays,
        dataMountpoint,
        publish,
        tlsExpiryDays,
        backupMaxAgeHours,
        pointInTimeRecovery: args.pointInTimeRecovery ?? false,
        email,
        emailWithoutSmtp: a.alarmEmails.length > 0 && !smtp,
    };
}

function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `ssh -N -L …` forwarding each loopback port of the host to the same port here. */
export function sshTunnelCommand(ports: number[], sshTarget: string): string {
    return ["ssh", "-N", ...ports.flatMap((p) => ["-L", `${p}:127.0.0.1:${p}`]), sshTarget].join(" ");
}

/**
 * postgres_exporter's DATA_SOURCE_URI: `host:port/database?sslmode=…`, no credentials (the user
 * is DATA_SOURCE_USER, the password DATA_SOURCE_PASS_FILE; the exporter builds
 * `postgresql://user:pass@<uri>` from them).
 */
export function postgresExporterUri(c: { host: string; port: number; database: string; sslMode: string }): string {
    return `${c.host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=${c.sslMode}`;
}

/**
 * redis_exporter's REDIS_PASSWORD_FILE: a JSON object from the Redis URI, exactly as in
 * REDIS_ADDR (`redis://host:port`), to its password (exporter/pwd_file.go, redis.go).
 */
export function redisExporterPasswordFile(redisAddr: string, password: string): string {
    return `${JSON.stringify({ [redisAddr]: password }, null, 2)}\n`;
}

/** Host files (under the data directory) holding the exporters' passwords, one directory each. */
export const exporterSecretFiles = {
    postgresPassword: "postgres-exporter/secrets/password",
    redisPasswords: "redis-exporter/secrets/passwords.json",
} as const;

/** Where things live inside the containers. Config directories are mounted whole, read-only. */
export const monitoringContainerPaths = {
    prometheusConfig: "/etc/prometheus",
    prometheusData: "/prometheus",
    alertmanagerConfig: "/etc/alertmanager",
    alertmanagerData: "/alertmanager",
    grafanaProvisioning: "/etc/grafana/provisioning",
    grafanaDashboards: "/etc/grafana/dashboards",
    grafanaSecrets: "/run/secrets/grafana",
    postgresExporterSecrets: "/run/secrets/postgres-exporter",
    redisExporterSecrets: "/run/secrets/redis-exporter",
    grafanaData: "/var/lib/grafana",
    blackboxConfig: "/etc/blackbox_exporter",
    hostProc: "/host/proc",
    hostSys: "/host/sys",
    hostRoot: "/host/root",
    textfile: "/host/textfile",
} as const;

/**
 * Memory limits in MiB: 864 MiB for the whole stack, counted in the host's memory budget
 * (stacks/memory-budget.ts). Grafana serves one or two people and provisioned dashboards.
 */
export const monitoringMemoryMiB = {
    prometheus: 384,
    alertmanager: 64,
    grafana: 192,
    nodeExporter: 48,
    postgresExporter: 48,
    redisExporter: 48,
    nginxExporter: 32,
    blackboxExporter: 48,
} as const;

/**
 * The line the owner probe prints before `uid:gid` (and the offline mocks recognise). The
 * monitoring containers run as the user that owns the host files, found by asking the host.
 */
export const fileOwnerProbe = "# slipway-file-owner";

/** Parses the owner probe's output (`uid:gid` on its last line). */
export function parseFileOwner(stdout: string): string {
    const last = stdout.trim().split("\n").pop()?.trim() ?? "";
    if (!/^\d+:\d+$/.test(last)) throw new EnvironmentError(`Could not read the owner of the host files (uid:gid) from the host; got "${last}".`);
    return last;
}

const webHealth = (port: number, path: string): string[] => healthCmd("wget", "-q", "--spider", `http://127.0.0.1:${port}${path}`);
const rel = (dir: string, file: string): string => posix.relative(dir, file);

/**
 * Prometheus, Alertmanager and Grafana with node, PostgreSQL, Redis, nginx and blackbox
 * exporters, for the `vps` and `local` targets. Configs are rendered to host files and
 * reloaded in place (checked first with promtool / amtool); only the three web UIs are
 * published, on 127.0.0.1, for an SSH tunnel (`tunnelCommand`).
 *
 * The containers that read host files (Prometheus, Alertmanager, Grafana, the node, blackbox,
 * PostgreSQL and Redis exporters) run as the host user that wrote them, so 0600 secrets
 * (alertmanager.yml with the webhook URL or SMTP password, Grafana's admin password, the
 * exporters' database and Redis passwords) stay 0600, no credential is in any container's
 * environment, and no container needs root or a capability. The nginx exporter runs as its
 * image's unprivileged user.
 *
 * ## Cost
 * No cloud bill of its own: 864 MiB of the host's memory (Prometheus 384 MiB, Grafana
 * 192 MiB, the rest small) and, at 15 s scrapes, roughly 1–2 GB of disk for 15 days of
 * metrics (`retentionDays`). The host's size and volume drive the cost.
 */
export class DockerMonitoring extends SlipwayComponent {
    /** Prometheus on the host's loopback (through the tunnel: the same URL on your machine). */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** Grafana on the host's loopback. */
    public readonly grafanaUrl: pulumi.Output<string>;
    /** Alertmanager on the host's loopback. */
    public readonly alertmanagerUrl: pulumi.Output<string>;
    /** Grafana's admin user name. */
    public readonly grafanaAdminUser: pulumi.Output<string>;
    /** Grafana's admin password (secret). */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** The loopback ports to forward over SSH (Grafana, Prometheus, Alertmanager). */
    public readonly tunnelPorts: pulumi.Output<number[]>;
    /** Names of the containers, by service. */
    public readonly containerNames: pulumi.Output<Record<string, string>>;

    private readonly ports: number[];

    constructor(name: string, args: DockerMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const a = withComponent("Monitoring", name, () => {
            const normalized = normalizeDockerMonitoringArgs(args);
            if (!args.host.networks) throw argError("host.networks", undefined, "the DockerNetwork's hostNetworks");
            return normalized;
        });
        super("Monitoring", name, opts);
        const host = args.host;
        const t = args.targets;
        const { edge, data } = host.networks!;
        if (a.emailWithoutSmtp) {
            pulumi.log.warn(
                `Monitoring ${name}: alarmEmails are set but no smtp relay, so alerts are not emailed on this target (they show in Alertmanager and go to webhookUrl if set). Set monitoring.smtpSmarthost and smtpFrom to email them.`,
                this,
            );
        }

        const onHost = (p: string): string => posix.join(host.dataDir, p);
        const names = {
            prometheus: `${host.stack}-prometheus`,
            alertmanager: `${host.stack}-alertmanager`,
            grafana: `${host.stack}-grafana`,
            nodeExporter: `${host.stack}-node-exporter`,
            postgresExporter: `${host.stack}-postgres-exporter`,
            redisExporter: `${host.stack}-redis-exporter`,
            nginxExporter: `${host.stack}-nginx-exporter`,
            blackboxExporter: `${host.stack}-blackbox-exporter`,
        };
        const addr = (svc: keyof typeof servicePorts & keyof typeof serviceAliases): string => `${serviceAliases[svc]}:${servicePorts[svc]}`;
        const p = monitoringContainerPaths;

        // Data directories exist before the containers mount them (Docker would create them
        // root-owned), owned by the user that writes the host files; the probe then prints
        // that user's uid:gid, which the file-reading containers run as. Re-run on a rebuilt
        // host. Never removed: they hold the metrics and dashboards state.
        const dataDirs = [hostPaths.prometheusData, hostPaths.alertmanagerData, hostPaths.grafanaData].map(onHost);
        const owner = host.files.run(this, this.childName("data-dirs"), {
            command: ["set -eu", "umask 077", `mkdir -p ${dataDirs.map(shellQuote).join(" ")}`, `echo ${shellQuote(fileOwnerProbe)}`, 'echo "$(id -u):$(id -g)"'].join("\n"),
            triggers: [host.instanceId, ...dataDirs],
        });
        const runAs = (owner as unknown as { stdout: pulumi.Output<string> }).stdout.apply(parseFileOwner);

        const container = (suffix: keyof typeof names, c: Omit<HardenedContainerArgs, "name" | "component">, dependsOn: pulumi.Resource[], user?: pulumi.Input<string>) =>
            new docker.Container(
                this.childName(suffix.replace(/([A-Z])/g, "-$1").toLowerCase()),
                { ...hardenedContainerArgs(host, { ...c, name: names[suffix], component: "Monitoring" }), ...(user !== undefined ? { user } : {}) },
                // Fixed names: the old container must be gone before its replacement takes the name.
                this.childOpts({ provider: host.provider, deleteBeforeReplace: true, dependsOn: user !== undefined ? [owner, ...dependsOn] : dependsOn }),
            );

        // ---- Prometheus: config, rules (and their promtool tests) in one directory.
        const promDir = posix.dirname(hostPaths.prometheusConf);
        const rulesFile = posix.join(hostPaths.prometheusRules, "slipway.yml");
        const ruleTestsFile = posix.join(hostPaths.prometheusRuleTests, "slipway.test.yml");
        const ruleOpts = {
            thresholds: a.thresholds,
            dataMountpoint: a.dataMountpoint,
            tlsExpiryDays: a.tlsExpiryDays,
            backupMaxAgeHours: a.backupMaxAgeHours,
            pointInTimeRecovery: a.pointInTimeRecovery,
        };
        const rules = renderAlertRules(ruleOpts);
        const ruleTests = renderAlertRuleTests({ ...ruleOpts, ruleFiles: [rel(posix.dirname(ruleTestsFile), rulesFile)] });
        const probeUrl = t.probe?.url ?? `https://${t.domain}/health`;
        const tlsAddress = t.probe?.tlsAddress ?? `${t.domain}:443`;
        const promYml = pulumi.output(t.appTargets).apply((appTargets) =>
            renderPrometheusYml({
                ruleFiles: [posix.join(p.prometheusConfig, rel(promDir, hostPaths.prometheusRules), "*.yml")],
                alertmanagers: [addr("alertmanager")],
                prometheus: addr("prometheus"),
                nodeExporter: addr("nodeExporter"),
                postgresExporter: addr("postgresExporter"),
                redisExporter: addr("redisExporter"),
                nginxExporter: addr("nginxExporter"),
                appTargets,
                blackbox: { exporter: addr("blackboxExporter"), httpUrls: [probeUrl], tlsAddresses: [tlsAddress] },
                externalLabels: { stack: host.stack },
            }),
        );
        const promFiles = [
            host.files.write(this, this.childName("prometheus-config"), { path: hostPaths.prometheusConf, content: promYml }),
            host.files.write(this, this.childName("alert-rules"), { path: rulesFile, content: rules }),
        ];
        host.files.write(this, this.childName("alert-rule-tests"), { path: ruleTestsFile, content: ruleTests });
        const prometheus = container(
            "prometheus",
            {
                image: images.prometheus,
                memoryMiB: monitoringMemoryMiB.prometheus,
                healthcheck: { test: webHealth(servicePorts.prometheus, "/-/healthy"), startPeriodSeconds: 60 },
                networks: [
                    { name: edge, aliases: [serviceAliases.prometheus] },
                    { name: data, aliases: [serviceAliases.prometheus] },
                ],
                ports: [{ internal: servicePorts.prometheus, external: a.publish.prometheus }],
                command: [
                    `--config.file=${posix.join(p.prometheusConfig, rel(promDir, hostPaths.prometheusConf))}`,
                    `--storage.tsdb.path=${p.prometheusData}`,
                    `--storage.tsdb.retention.time=${a.retentionDays}d`,
                    `--web.listen-address=:${servicePorts.prometheus}`,
                    `--web.external-url=http://127.0.0.1:${a.publish.prometheus}/`,
                ],
                volumes: [
                    { hostPath: onHost(promDir), containerPath: p.prometheusConfig, readOnly: true },
                    { hostPath: onHost(hostPaths.prometheusData), containerPath: p.prometheusData },
                ],
                readOnly: true,
                stopTimeoutSeconds: 60,
            },
            promFiles,
            runAs,
        );
        // Check first: a broken file leaves the running config in place and fails the update.
        host.files.run(this, this.childName("prometheus-reload"), {
            command: `docker exec ${names.prometheus} promtool check config ${posix.join(p.prometheusConfig, rel(promDir, hostPaths.prometheusConf))} && docker kill --signal=HUP ${names.prometheus}`,
            triggers: [contentHash(promYml), contentHash(rules)],
            dependsOn: [...promFiles, prometheus],
        });

        // ---- Alertmanager: the file holds the webhook URLs / SMTP password, so it is 0600 and
        // secret; the Slack URL sits in its own 0600 file beside it (api_url_file).
        const amDir = posix.dirname(hostPaths.alertmanagerConf);
        const slackUrlFile = posix.join(amDir, "slack-api-url");
        const hasSecret = args.webhookUrl !== undefined || args.smtp?.password !== undefined || args.deadMansSwitchUrl !== undefined;
        const amRendered = pulumi.all([args.webhookUrl, args.smtp?.password, args.deadMansSwitchUrl]).apply(([webhookUrl, password, deadMansSwitchUrl]) =>
            renderAlertmanagerYml({
                email: a.email ? { to: a.email.to, smtp: { ...a.email.smtp, password } } : undefined,
                webhookUrl,
                slack: args.slack ? { apiUrlFile: posix.join(p.alertmanagerConfig, rel(amDir, slackUrlFile)), channel: args.slack.channel } : undefined,
                deadMansSwitch: deadMansSwitchUrl !== undefined ? { url: deadMansSwitchUrl } : undefined,
            }),
        );
        const amYml = hasSecret ? pulumi.secret(amRendered) : amRendered;
        const amFiles = [host.files.write(this, this.childName("alertmanager-config"), { path: hostPaths.alertmanagerConf, content: amYml, mode: "0600" })];
        if (args.slack) {
            // Read at each notification: a new URL needs no reload.
            const slackUrl = pulumi.secret(pulumi.output(args.slack.webhookUrl).apply((u) => `${u}\n`));
            amFiles.push(host.files.write(this, this.childName("alertmanager-slack-url"), { path: slackUrlFile, content: slackUrl, mode: "0600" }));
        }
        const alertmanager = container(
            "alertmanager",
            {
                image: images.alertmanager,
                memoryMiB: monitoringMemoryMiB.alertmanager,
                healthcheck: { test: webHealth(servicePorts.alertmanager, "/-/healthy") },
                // The edge network: notifications need a route out, which the data network lacks.
                networks: [{ name: edge, aliases: [serviceAliases.alertmanager] }],
                ports: [{ internal: servicePorts.alertmanager, external: a.publish.alertmanager }],
                command: [
                    `--config.file=${posix.join(p.alertmanagerConfig, rel(amDir, hostPaths.alertmanagerConf))}`,
                    `--storage.path=${p.alertmanagerData}`,
                    `--web.listen-address=:${servicePorts.alertmanager}`,
                    `--web.external-url=http://127.0.0.1:${a.publish.alertmanager}/`,
                    // One instance: no gossip port, no peers.
                    "--cluster.listen-address=",
                ],
                volumes: [
                    { hostPath: onHost(amDir), containerPath: p.alertmanagerConfig, readOnly: true },
                    { hostPath: onHost(hostPaths.alertmanagerData), containerPath: p.alertmanagerData },
                ],
                readOnly: true,
            },
            amFiles,
            runAs,
        );
        host.files.run(this, this.childName("alertmanager-reload"), {
            command: `docker exec ${names.alertmanager} amtool check-config ${posix.join(p.alertmanagerConfig, rel(amDir, hostPaths.alertmanagerConf))} && docker kill --signal=HUP ${names.alertmanager}`,
            triggers: [contentHash(amYml)],
            dependsOn: [...amFiles, alertmanager],
        });

        // ---- Grafana: provisioned data source and dashboards, admin password from a 0600 file.
        const password = new random.RandomPassword(this.childName("grafana-admin-password"), { length: 32, special: false }, this.childOpts());
        const passwordFile = posix.join(hostPaths.grafanaSecrets, "admin-password");
        const datasources = renderGrafanaDatasources({ uid: defaultDatasourceUid, url: `http://${addr("prometheus")}` });
        const provider = renderGrafanaDashboardProvider({ dashboardsPath: p.grafanaDashboards });
        const dashboards = buildDashboards({
            datasourceUid: defaultDatasourceUid,
            thresholds: a.thresholds,
            dataMountpoint: a.dataMountpoint,
            tlsExpiryDays: a.tlsExpiryDays,
            backupMaxAgeHours: a.backupMaxAgeHours,
        });
        const grafanaFiles = [
            host.files.write(this, this.childName("grafana-admin-password-file"), { path: passwordFile, content: pulumi.secret(password.result), mode: "0600" }),
            host.files.write(this, this.childName("grafana-datasources"), { path: posix.join(hostPaths.grafanaProvisioning, "datasources", "slipway.yaml"), content: datasources }),
            host.files.write(this, this.childName("grafana-dashboard-provider"), { path: posix.join(hostPaths.grafanaProvisioning, "dashboards", "slipway.yaml"), content: provider }),
            ...Object.entries(dashboards).map(([key, d]) =>
                host.files.write(this, this.childName(`grafana-dashboard-${key}`), { path: posix.join(hostPaths.grafanaDashboards, `${key}.json`), content: renderDashboard(d) }),
            ),
        ];
        const grafana = container(
            "grafana",
            {
                image: images.grafana,
                memoryMiB: monitoringMemoryMiB.grafana,
                healthcheck: { test: webHealth(servicePorts.grafana, "/api/health"), startPeriodSeconds: 60 },
                networks: [{ name: edge, aliases: [serviceAliases.grafana] }],
                ports: [{ internal: servicePorts.grafana, external: a.publish.grafana }],
                envs: [
                    "GF_SECURITY_ADMIN_USER=admin",
                    // A file, not the variable itself: the password stays out of `docker inspect`
                    // and the container's environment. Grafana applies it when it first creates
                    // its database.
                    `GF_SECURITY_ADMIN_PASSWORD__FILE=${posix.join(p.grafanaSecrets, posix.basename(passwordFile))}`,
                    "GF_AUTH_ANONYMOUS_ENABLED=false",
                    "GF_USERS_ALLOW_SIGN_UP=false",
                    "GF_USERS_ALLOW_ORG_CREATE=false",
                    `GF_SERVER_HTTP_PORT=${servicePorts.grafana}`,
                    `GF_SERVER_ROOT_URL=http://127.0.0.1:${a.publish.grafana}/`,
                    `GF_PATHS_DATA=${p.grafanaData}`,
                    `GF_PATHS_PROVISIONING=${p.grafanaProvisioning}`,
                    // Logs to stdout only: the image's log directory belongs to another user.
                    "GF_LOG_MODE=console",
                    "GF_ANALYTICS_REPORTING_ENABLED=false",
                    "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
                    "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES=false",
                    "GF_NEWS_NEWS_FEED_ENABLED=false",
                    "GF_SNAPSHOTS_EXTERNAL_ENABLED=false",
                    "GF_SECURITY_DISABLE_GRAVATAR=true",
                    "GF_SECURITY_COOKIE_SAMESITE=strict",
                ],
                volumes: [
                    { hostPath: onHost(hostPaths.grafanaProvisioning), containerPath: p.grafanaProvisioning, readOnly: true },
                    { hostPath: onHost(hostPaths.grafanaDashboards), containerPath: p.grafanaDashboards, readOnly: true },
                    { hostPath: onHost(hostPaths.grafanaSecrets), containerPath: p.grafanaSecrets, readOnly: true },
                    { hostPath: onHost(hostPaths.grafanaData), containerPath: p.grafanaData },
                ],
                readOnly: true,
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
            },
            grafanaFiles,
            runAs,
        );
        // Dashboards are re-read from disk by Grafana itself; data sources only at start.
        host.files.run(this, this.childName("grafana-restart"), {
            command: `docker restart ${names.grafana}`,
            triggers: [contentHash(datasources), contentHash(provider)],
            dependsOn: [...grafanaFiles, grafana],
        });

        // ---- Exporters.
        container(
            "nodeExporter",
            {
                image: images.nodeExporter,
                memoryMiB: monitoringMemoryMiB.nodeExporter,
                healthcheck: { test: webHealth(servicePorts.nodeExporter, "/") },
                networks: [{ name: data, aliases: [serviceAliases.nodeExporter] }],
                command: [
                    `--path.procfs=${p.hostProc}`,
                    `--path.sysfs=${p.hostSys}`,
                    `--path.rootfs=${p.hostRoot}`,
                    `--collector.textfile.directory=${p.textfile}`,
                    // Only the data directory is mounted under the rootfs path: unless it is on
                    // the root disk, "/" there is the container's own filesystem, not the host's.
                    `--collector.filesystem.mount-points-exclude=${a.dataMountpoint === "/" ? "^/" : "^/($|"}(dev|proc|run|sys|boot|var/lib/docker)($|/)${a.dataMountpoint === "/" ? "" : ")"}`,
                    `--web.listen-address=:${servicePorts.nodeExporter}`,
                ],
                // No host namespaces: the host's /proc and /sys, the data directory and the
                // textfile directory, all read-only. The data directory sits where its mount
                // point would be under the rootfs path: statfs there reports that disk, and
                // nothing else of the host's filesystem is exposed.
                volumes: [
                    { hostPath: "/proc", containerPath: p.hostProc, readOnly: true },
                    { hostPath: "/sys", containerPath: p.hostSys, readOnly: true },
                    { hostPath: host.dataDir, containerPath: posix.join(p.hostRoot, a.dataMountpoint).replace(/(.)\/$/, "$1"), readOnly: true },
                    { hostPath: onHost(hostPaths.textfileCollector), containerPath: p.textfile, readOnly: true },
                ],
                readOnly: true,
            },
            [],
            runAs,
        );

        // ---- The PostgreSQL and Redis exporters: their passwords are 0600 host files, each in a
        // directory only its exporter mounts, read through the exporters' own file settings
        // (DATA_SOURCE_PASS_FILE; REDIS_PASSWORD_FILE, a JSON map of address to password). The
        // exporters run as the files' owner (runAs), as the file-reading containers above do,
        // so nothing needs root or a capability; the environment holds no credential.
        const pgPassword = pulumi.secret(pulumi.output(t.postgres.password).apply((pw) => `${pw}\n`));
        const pgPasswordFile = host.files.write(this, this.childName("postgres-exporter-password"), {
            path: exporterSecretFiles.postgresPassword,
            content: pgPassword,
            mode: "0600",
        });
        const pgUri = pulumi
            .all([t.postgres.host, t.postgres.port, t.postgres.database])
            .apply(([h, port, database]) => postgresExporterUri({ host: h, port, database, sslMode: t.postgres.sslMode ?? "disable" }));
        const postgresExporter = container("postgresExporter", {
            image: images.postgresExporter,
            memoryMiB: monitoringMemoryMiB.postgresExporter,
            healthcheck: { test: webHealth(servicePorts.postgresExporter, "/") },
            networks: [{ name: data, aliases: [serviceAliases.postgresExporter] }],
            envs: [
                pulumi.interpolate`DATA_SOURCE_URI=${pgUri}`,
                pulumi.interpolate`DATA_SOURCE_USER=${t.postgres.user}`,
                `DATA_SOURCE_PASS_FILE=${posix.join(p.postgresExporterSecrets, posix.basename(exporterSecretFiles.postgresPassword))}`,
            ],
            command: [`--web.listen-address=:${servicePorts.postgresExporter}`],
            volumes: [{ hostPath: onHost(posix.dirname(exporterSecretFiles.postgresPassword)), containerPath: p.postgresExporterSecrets, readOnly: true }],
            readOnly: true,
        }, [pgPasswordFile], runAs);

        const redisAddr = pulumi.interpolate`redis://${t.redis.host}:${t.redis.port}`;
        const redisPasswords = pulumi.secret(pulumi.all([redisAddr, t.redis.password]).apply(([addr, pw]) => redisExporterPasswordFile(addr, pw)));
        const redisPasswordFile = host.files.write(this, this.childName("redis-exporter-passwords"), {
            path: exporterSecretFiles.redisPasswords,
            content: redisPasswords,
            mode: "0600",
        });
        const redisExporter = container("redisExporter", {
            image: images.redisExporter,
            memoryMiB: monitoringMemoryMiB.redisExporter,
            healthcheck: { test: webHealth(servicePorts.redisExporter, "/health") },
            networks: [{ name: data, aliases: [serviceAliases.redisExporter] }],
            envs: [
                pulumi.interpolate`REDIS_ADDR=${redisAddr}`,
                `REDIS_PASSWORD_FILE=${posix.join(p.redisExporterSecrets, posix.basename(exporterSecretFiles.redisPasswords))}`,
                // Well inside Prometheus's 10 s scrape timeout: with the exporter's default (15 s)
                // a stopped Redis container (its name no longer resolves on the internal network)
                // made the whole scrape time out, so redis_up vanished and RedisDown never fired
                // (found by tier 5's alert drill).
                "REDIS_EXPORTER_CONNECTION_TIMEOUT=3s",
            ],
            volumes: [{ hostPath: onHost(posix.dirname(exporterSecretFiles.redisPasswords)), containerPath: p.redisExporterSecrets, readOnly: true }],
            readOnly: true,
        }, [redisPasswordFile], runAs);
        // Both read their file at start only: a changed password restarts the exporter.
        host.files.run(this, this.childName("exporter-secrets-restart"), {
            command: `docker restart ${names.postgresExporter} ${names.redisExporter}`,
            triggers: [contentHash(pgPassword), contentHash(redisPasswords)],
            // After the containers: on the first deploy there is nothing to restart before them.
            dependsOn: [pgPasswordFile, redisPasswordFile, postgresExporter, redisExporter],
        });

        container("nginxExporter", {
            image: images.nginxExporter,
            memoryMiB: monitoringMemoryMiB.nginxExporter,
            // The image is FROM scratch (no shell, no wget): the check proves the binary runs;
            // Prometheus' `up{job="nginx"}` and `nginx_up` say whether it can read stub_status.
            healthcheck: { test: healthCmd("/usr/bin/nginx-prometheus-exporter", "--version") },
            // stub_status listens on the edge network only.
            networks: [{ name: edge, aliases: [serviceAliases.nginxExporter] }],
            command: [pulumi.interpolate`--nginx.scrape-uri=${t.nginxStatusUrl}`, `--web.listen-address=:${servicePorts.nginxExporter}`],
            readOnly: true,
        }, []);

        const blackboxDir = posix.dirname(hostPaths.blackboxConf);
        const caFile = posix.join(blackboxDir, "ca.pem");
        const blackboxYml = renderBlackboxYml({
            serverName: t.probe?.serverName,
            insecureSkipVerify: t.probe?.insecureSkipVerify,
            caFile: t.probe?.caPem !== undefined ? posix.join(p.blackboxConfig, rel(blackboxDir, caFile)) : undefined,
        });
        const blackboxFiles = [host.files.write(this, this.childName("blackbox-config"), { path: hostPaths.blackboxConf, content: blackboxYml })];
        if (t.probe?.caPem !== undefined) {
            blackboxFiles.push(host.files.write(this, this.childName("blackbox-ca"), { path: caFile, content: t.probe.caPem }));
        }
        const blackboxConfigPath = posix.join(p.blackboxConfig, rel(blackboxDir, hostPaths.blackboxConf));
        const blackbox = container(
            "blackboxExporter",
            {
                image: images.blackboxExporter,
                memoryMiB: monitoringMemoryMiB.blackboxExporter,
                healthcheck: { test: webHealth(servicePorts.blackboxExporter, "/-/healthy") },
                // The edge network: it probes the public address, which needs a route out.
                networks: [{ name: edge, aliases: [serviceAliases.blackboxExporter] }],
                command: [`--config.file=${blackboxConfigPath}`, `--web.listen-address=:${servicePorts.blackboxExporter}`],
                volumes: [{ hostPath: onHost(blackboxDir), containerPath: p.blackboxConfig, readOnly: true }],
                readOnly: true,
            },
            blackboxFiles,
            runAs,
        );
        host.files.run(this, this.childName("blackbox-reload"), {
            command: `docker exec ${names.blackboxExporter} blackbox_exporter --config.file=${blackboxConfigPath} --config.check && docker kill --signal=HUP ${names.blackboxExporter}`,
            // blackbox_exporter reads ca_file when it loads its config: a new bundle needs the reload too.
            triggers: [contentHash(blackboxYml), contentHash(t.probe?.caPem ?? "")],
            dependsOn: [...blackboxFiles, blackbox],
        });

        this.ports = [a.publish.grafana, a.publish.prometheus, a.publish.alertmanager];
        this.prometheusUrl = pulumi.output(`http://127.0.0.1:${a.publish.prometheus}`);
        this.grafanaUrl = pulumi.output(`http://127.0.0.1:${a.publish.grafana}`);
        this.alertmanagerUrl = pulumi.output(`http://127.0.0.1:${a.publish.alertmanager}`);
        this.grafanaAdminUser = pulumi.output("admin");
        this.grafanaAdminPassword = pulumi.secret(password.result);
        this.tunnelPorts = pulumi.output([...this.ports]);
        this.containerNames = pulumi.output<Record<string, string>>({ ...names });
        this.registerOutputs({
            prometheusUrl: this.prometheusUrl,
            grafanaUrl: this.grafanaUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            grafanaAdminUser: this.grafanaAdminUser,
            grafanaAdminPassword: this.grafanaAdminPassword,
            tunnelPorts: this.tunnelPorts,
            containerNames: this.containerNames,
        });
    }

    /**
     * The command that forwards the three UIs to this machine, e.g.
     * `ssh -N -L 3000:127.0.0.1:3000 -L 9090:127.0.0.1:9090 -L 9093:127.0.0.1:9093 deploy@203.0.113.7`.
     */
    public tunnelCommand(sshTarget: pulumi.Input<string>): pulumi.Output<string> {
        return pulumi.output(sshTarget).apply((target) => sshTunnelCommand(this.ports, target));
    }
}
