import type * as pulumi from "@pulumi/pulumi";
import { DockerBackupBucket, type BackupRepository } from "../components/backup-bucket/docker";
import { DockerCache } from "../components/cache/docker";
import { DockerDatabase } from "../components/database/docker";
import { DockerMonitoring } from "../components/monitoring/docker";
import { DockerNetwork } from "../components/network/docker";
import type { DockerHost } from "../components/shared/docker";
import { DockerWebTier, type DockerWebTierPublish, type DockerWebTierTls } from "../components/web-tier/docker";
import type { SlipwayConfig } from "./config";
import type { PayloadMemory } from "./memory-budget";
import { appArgs, monitoringThresholds } from "./shared-args";

/** What differs between the two Docker targets; everything else is the same payload. */
export interface PayloadTarget {
    /** The host, without networks (the Network component creates them). */
    host: Omit<DockerHost, "networks">;
    /** The app image: a pinned reference (vps) or a locally built image (local). */
    appImage: pulumi.Input<string>;
    tls: DockerWebTierTls;
    publish: DockerWebTierPublish;
    backupRepository: BackupRepository;
    /** Where the blackbox exporter probes the edge, when the public domain does not lead there; `caPem` to trust instead of the system roots. */
    probe?: { url?: string; tlsAddress?: string; serverName?: string; insecureSkipVerify?: boolean; caPem?: string };
    /** The containers' memory limits, checked against the host by the stack (`planPayloadMemory`) before anything registers. */
    memory: PayloadMemory;
    /** The mount whose free space DiskSpaceLow watches. @default the host's data directory */
    dataMountpoint?: string;
    opts: pulumi.ComponentResourceOptions;
}

/**
 * The Docker payload shared by `vps` and `local`: networks, PostgreSQL, Redis, the nginx edge
 * with the app replicas, the monitoring stack and the backup job, wired by DNS aliases on two
 * Docker networks (edge, and an internal data network with no route out).
 */
export function dockerPayload(config: SlipwayConfig, t: PayloadTarget) {
    const { opts } = t;
    const network = new DockerNetwork("network", { host: t.host }, opts);
    const host: DockerHost = { ...t.host, networks: network.hostNetworks };

    const protect = config.production;
    // Point-in-time recovery: the database archives its WAL, the backup job ships it.
    const pitr = config.backups?.pointInTimeRecovery ?? true;
    const database = new DockerDatabase("db", { ...config.database, memoryMiB: t.memory.databaseMiB, host, protect, walArchive: pitr }, opts);
    const cache = new DockerCache("cache", { ...config.cache, memoryMiB: t.memory.cacheMiB, host, protect }, opts);

    const web = new DockerWebTier(
        "web",
        {
            host,
            domain: config.domain ?? "app.localhost",
            image: t.appImage,
            ...appArgs(config),
            // Connection strings carry credentials: secrets, never plain config.
            secrets: { ...config.appSecrets, DATABASE_URL: database.connectionUrl, REDIS_URL: cache.url },
            tls: t.tls,
            publish: t.publish,
        },
        opts,
    );

    const backups = new DockerBackupBucket(
        "backups",
        {
            host,
            repository: t.backupRepository,
            database: { host: database.host, port: database.port, user: database.username, password: database.password, name: database.databaseName },
            retentionDays: config.backups?.retentionDays,
            memoryMiB: t.memory.backupsMiB,
            protect,
            pointInTimeRecovery: database.walArchive,
        },
        opts,
    );

    const monitoring = new DockerMonitoring(
        "monitoring",
        {
            host,
            dataMountpoint: t.dataMountpoint,
            alarmEmails: config.monitoring?.alarmEmails,
            retentionDays: config.monitoring?.retentionDays,
            webhookUrl: config.alertWebhookUrl,
            slack: config.alertSlackWebhookUrl !== undefined ? { webhookUrl: config.alertSlackWebhookUrl } : undefined,
            deadMansSwitchUrl: config.alertDeadMansSwitchUrl,
            smtp: config.monitoring?.smtpSmarthost
                ? {
                      smarthost: config.monitoring.smtpSmarthost,
                      from: config.monitoring.smtpFrom ?? `alerts@${config.domain ?? "localhost"}`,
                      username: config.monitoring.smtpUsername,
                      password: config.smtpPassword,
                  }
                : undefined,
            thresholds: monitoringThresholds(config),
            pointInTimeRecovery: pitr,
            targets: {
                domain: config.domain ?? "app.localhost",
                appTargets: web.replicaNames.apply((names) => names.map((n) => `${n}:${config.app?.port ?? 8080}`)),
                nginxStatusUrl: web.nginxStatusUrl,
                postgres: { host: database.host, port: database.port, user: database.username, password: database.password, database: database.databaseName },
                redis: { host: cache.host, port: cache.port, password: cache.password },
                probe: t.probe,
            },
        },
        opts,
    );

    return { network, database, cache, web, backups, monitoring };
}
