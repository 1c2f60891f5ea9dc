import { argError, withComponent } from "../shared/errors";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { posix } from "node:path";
import { SlipwayComponent } from "../shared/component";
import { type DockerHost, hardenedContainerArgs, healthCmd } from "../shared/docker";
import { contentHash, shellQuote } from "../shared/host-files";
import { hostPaths, images, serviceAliases, servicePorts } from "../shared/images";
import { type DatabaseArgs, type NormalizedDatabaseArgs, normalizeDatabaseArgs } from "./index";
import { encodeUriStrict, postgresMajorVersion } from "./postgres";
import {
    minPostgresMemoryMiB,
    postgresMaxWalSizeMb,
    postgresReloadScript,
    postgresShmSizeMiB,
    renderPgHba,
    renderPostgresConf,
} from "./postgres-conf";

export interface DockerDatabaseArgs extends DatabaseArgs {
    /**
     * The Docker host, with its networks: the database joins the `data` network only.
     * @default required
     * @example
     * ```ts
     * { host: { ...dockerHost, networks: network.hostNetworks } }
     * ```
     */
    host: DockerHost;
    /**
     * Memory limit of the PostgreSQL container in MiB; shared_buffers, effective_cache_size,
     * work_mem and maintenance_work_mem are derived from it. At least 256.
     * @default A quarter of `host.memoryMiB`.
     * @example
     * ```ts
     * { memoryMiB: 2048 }
     * ```
     */
    memoryMiB?: number;
    /**
     * `max_connections`: the sum of every app replica's pool size plus the exporter and backup job.
     * @default 100
     * @example
     * ```ts
     * { maxConnections: 200 }
     * ```
     */
    maxConnections?: number;
    /**
     * Networks allowed to connect over TCP (pg_hba.conf): CIDR blocks or `samenet`. The
     * container's only interface besides loopback is on the data network, so `samenet` is
     * exactly that network, whatever subnet Docker gave it.
     * @default ["samenet"]
     * @example
     * ```ts
     * { clients: ["172.30.0.0/24"] }
     * ```
     */
    clients?: string[];
    /**
     * Archive every WAL segment for point-in-time recovery: `basic_archive` writes each finished
     * segment to a spool on the host (`postgres/run/archive`), closing a segment at most a minute
     * after a write, and the socket directory is shared so a `DockerBackupBucket` given this
     * database's `walArchive` ships the spool and takes base backups. Only with such a job: with
     * nothing shipping it, the spool would grow until the disk is full.
     * @default false
     * @example
     * ```ts
     * { walArchive: true }
     * ```
     */
    walArchive?: boolean;
}

/** What a backup job needs to ship this database's WAL and to restore it to a point in time. */
export interface DockerWalArchive {
    /** The database container (the restore stops and starts it). */
    containerName: pulumi.Output<string>;
    /** Its memory limit and /dev/shm size: the one-off recovery server gets the same. */
    memoryMiB: number;
    shmSizeMiB: number;
    /** The server's options as the container passes them (its config file). */
    serverOptions: string;
    /** Host paths under the data directory: the data directory, the config directory and the socket directory with the spool. */
    hostPaths: { data: string; conf: string; run: string; spool: string };
}

export type NormalizedDockerDatabaseArgs = NormalizedDatabaseArgs & {
    host: DockerHost;
    networks: { edge: pulumi.Input<string>; data: pulumi.Input<string> };
    memoryMiB: number;
    maxConnections: number;
    clients: string[];
    walArchive: boolean;
};

/** The major version of the pinned image: a data directory only opens with the major that wrote it. */
export const dockerPostgresMajor = (image: string = images.postgres): number => Number(/:(\d+)/.exec(image)?.[1]);

/**
 * Applies the neutral defaults plus the Docker-only ones and checks them. `multiAz`,
 * `readReplica`, `maxStorageGb` and `backupRetentionDays` have no single-host meaning here
 * (backups are the BackupBucket's job) and `deletionProtection` is what `protect` does;
 * `storageGb` sizes max_wal_size and `performanceInsights` loads pg_stat_statements.
 */
export function normalizeDockerDatabaseArgs(name: string, args: DockerDatabaseArgs): NormalizedDockerDatabaseArgs {
    const { host, memoryMiB, maxConnections, clients, walArchive, ...neutral } = args;
    const where = `the ${name} Postgres database`;
    if (!host) throw argError("host", undefined, "the DockerHost the payload runs on");
    if (!host.networks) throw argError("host.networks", undefined, "the DockerNetwork's hostNetworks");
    const a = normalizeDatabaseArgs(name, neutral);
    const pinned = dockerPostgresMajor();
    if (postgresMajorVersion(a.engineVersion, where) !== pinned) {
        throw argError(
            "engineVersion",
            a.engineVersion,
            `"${pinned}": Docker runs the pinned ${images.postgres} (or bump images.postgres and upgrade the data directory with pg_upgrade)`,
        );
    }
    const budget = memoryMiB ?? Math.floor(host.memoryMiB / 4);
    if (!Number.isInteger(budget) || budget < minPostgresMemoryMiB) {
        throw argError(
            "memoryMiB",
            budget,
            `a whole number of at least ${minPostgresMemoryMiB} MiB for PostgreSQL${memoryMiB === undefined ? ` (the default is a quarter of the host's ${host.memoryMiB} MiB)` : ""}`,
        );
    }
    return {
        ...a,
        host,
        networks: host.networks,
        memoryMiB: budget,
        maxConnections: maxConnections ?? 100,
        clients: clients ?? ["samenet"],
        walArchive: walArchive ?? false,
    };
}

/** Where things live inside the container. */
export const postgresContainerPaths = {
    data: "/var/lib/postgresql/data",
    confDir: "/etc/slipway/postgres",
    password: "/run/secrets/postgres-password",
    /** The socket directory (the image's), and the WAL spool inside it (see hostPaths.postgresWalSpool). */
    run: "/var/run/postgresql",
    walSpool: "/var/run/postgresql/archive",
} as const;

/** `archive_timeout`: a write is in a finished, archived segment within this many seconds. */
export const walArchiveTimeoutSeconds = 60;

/**
 * PostgreSQL in one container on the internal data network (alias `postgres`), never
 * published; data in a bind mount under the host's data directory; postgresql.conf tuned from
 * the memory limit and pg_hba.conf (SCRAM, data network only) in host files, reloaded in place
 * when they change; the generated password handed over as a 0600 file.
 *
 * With `protect` (the default) the container is protected too: the data survives on the host
 * either way, but `pulumi destroy` or an accidental replacement would take the database down.
 * An image bump therefore needs `protect: false` for that one deployment.
 *
 * ## Cost
 * Nothing beyond the host: the memory limit (`memoryMiB`) and disk under the data directory.
 */
export class DockerDatabase extends SlipwayComponent {
    /** Host name on the data network ("postgres"). */
    public readonly host: pulumi.Output<string>;
    /** TCP port on the data network (5432). */
    public readonly port: pulumi.Output<number>;
    public readonly databaseName: pulumi.Output<string>;
    public readonly username: pulumi.Output<string>;
    /** The generated password (secret). */
    public readonly password: pulumi.Output<string>;
    /** `postgres://user:pass@postgres:5432/db`, URL-encoded (secret). */
    public readonly connectionUrl: pulumi.Output<string>;
    /** The container's fixed name, `${stack}-postgres` (for `docker exec`, the exporter, the backup job). */
    public readonly containerName: pulumi.Output<string>;
    /** Set with `walArchive`: hand it to the DockerBackupBucket that ships the WAL. */
    public readonly walArchive?: DockerWalArchive;

    constructor(name: string, args: DockerDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = withComponent("Database", name, () => normalizeDockerDatabaseArgs(name, args));
        super("Database", name, opts);
        const host = a.host;
        const port = servicePorts.postgres;
        const containerName = `${host.stack}-postgres`;
        const confDir = posix.dirname(hostPaths.postgresConf);
        // An invariant of shared/host-files.ts's layout, not user input.
        if (posix.dirname(hostPaths.postgresHba) !== confDir) throw new Error("Internal: hostPaths.postgresConf and postgresHba must share a directory (it is mounted whole).");
        const inContainer = (hostPath: string): string => posix.join(postgresContainerPaths.confDir, posix.basename(hostPath));
        const onHost = (relative: string): string => posix.join(host.dataDir, relative);

        // The data directory keeps the hash of this password: replacing it would lock the app
        // out, so it is as stateful as the data and protected with it.
        const password = new random.RandomPassword(
            this.childName("password"),
            // Letters and digits only: the value travels through URLs, env files and shells unquoted.
            { length: 40, special: false, minLower: 1, minUpper: 1, minNumeric: 1 },
            this.childOpts({ protect: a.protect }),
        );

        const serverOptions = `-c config_file=${inContainer(hostPaths.postgresConf)}`;
        const conf = renderPostgresConf({
            memoryMiB: a.memoryMiB,
            maxConnections: a.maxConnections,
            // The container's only interfaces are loopback and the data network.
            listenAddresses: ["*"],
            port,
            slowQueryMs: a.slowQueryMs,
            maxWalSizeMb: postgresMaxWalSizeMb(a.storageGb),
            hbaFile: inContainer(hostPaths.postgresHba),
            statStatements: a.performanceInsights,
            // With archiving the socket directory is shared with the backup job, whose
            // pgBackRest runs as uid 70 too: 0700 keeps every other uid off the socket.
            ...(a.walArchive
                ? { unixSocketPermissions: "0700" as const, archive: { directory: postgresContainerPaths.walSpool, timeoutSeconds: walArchiveTimeoutSeconds } }
                : {}),
        });
        // Only processes in this container or, with archiving, uid 70 in the backup job (both
        // can read the data files anyway) reach the socket: trust there lets `docker exec … psql`
        // reload the config without the password.
        const hba = renderPgHba({ clients: a.clients, localAuth: "trust" });

        const confFile = host.files.write(this, this.childName("conf"), { path: hostPaths.postgresConf, content: conf, mode: "0644" });
        const hbaFile = host.files.write(this, this.childName("hba"), { path: hostPaths.postgresHba, content: hba, mode: "0644" });
        // A file rather than POSTGRES_PASSWORD: an env var would show in `docker inspect` and in
        // the container's config for anyone with Docker access; the file is 0600 on the host and
        // read once, by the entrypoint as root, when it initialises an empty data directory.
        const passwordFile = host.files.write(this, this.childName("password-file"), {
            path: hostPaths.postgresPassword,
            content: pulumi.secret(password.result),
            mode: "0600",
        });
        // The spool must exist before the server archives into it; the entrypoint hands the
        // socket directory's whole tree to the postgres user at every start.
        const spoolDir = a.walArchive
            ? [
                  host.files.run(this, this.childName("wal-spool"), {
                      command: `umask 022 && mkdir -p ${shellQuote(onHost(hostPaths.postgresWalSpool))}`,
                      triggers: [onHost(hostPaths.postgresWalSpool)],
                  }),
              ]
            : [];

        const container = new docker.Container(
            this.childName("postgres"),
            {
                ...hardenedContainerArgs(host, {
                    image: images.postgres,
                    name: containerName,
                    memoryMiB: a.memoryMiB,
                    component: "database",
                    // TCP on 127.0.0.1, not the socket: the entrypoint's first-run server listens
                    // on the socket only, and must not count as healthy.
                    healthcheck: {
                        test: healthCmd("pg_isready", "-h", "127.0.0.1", "-p", String(port), "-U", a.username, "-d", a.databaseName),
                        intervalSeconds: 10,
                        startPeriodSeconds: 60,
                    },
                    networks: [{ name: a.networks.data, aliases: [serviceAliases.postgres] }],
                    envs: [`POSTGRES_DB=${a.databaseName}`, `POSTGRES_USER=${a.username}`, `POSTGRES_PASSWORD_FILE=${postgresContainerPaths.password}`],
                    command: ["postgres", ...serverOptions.split(" ")],
                    volumes: [
                        { hostPath: onHost(hostPaths.postgresData), containerPath: postgresContainerPaths.data },
                        // The directory, not the files: a rewritten file is a new inode that a
                        // file bind mount would never show, and the reload must see it.
                        { hostPath: onHost(confDir), containerPath: postgresContainerPaths.confDir, readOnly: true },
                        { hostPath: onHost(hostPaths.postgresPassword), containerPath: postgresContainerPaths.password, readOnly: true },
                        ...(a.walArchive ? [{ hostPath: onHost(hostPaths.postgresRun), containerPath: postgresContainerPaths.run }] : []),
                    ],
                    readOnly: true,
                    tmpfs: {
                        ...(a.walArchive ? {} : { [postgresContainerPaths.run]: "rw,nosuid,nodev,noexec,size=1m" }),
                        "/tmp": "rw,nosuid,nodev,noexec,size=64m",
                    },
                    // The entrypoint starts as root to chown the data directory and read the
                    // password file, then drops to the postgres user; nothing more.
                    capAdd: ["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"],
                    // A clean shutdown checkpoints (and, archiving, ships its last segment);
                    // cutting it short means crash recovery at start and a lost recovery point.
                    stopTimeoutSeconds: 60,
                    // postgres as PID 1, as the official image runs: the entrypoint drops to uid 70,
                    // which a root tini without CAP_KILL cannot signal (see hardenedContainerArgs).
                    init: false,
                }),
                shmSize: postgresShmSizeMiB(a.memoryMiB),
            },
            // Fixed name: the old container must be gone before its replacement can take the name.
            this.childOpts({
                provider: host.provider,
                deleteBeforeReplace: true,
                protect: a.protect,
                dependsOn: [confFile, hbaFile, passwordFile, ...spoolDir],
            }),
        );

        // Re-run whenever a config file's content changes; the container itself never sees the
        // content, so a config change reloads PostgreSQL instead of replacing it.
        host.files.run(this, this.childName("reload"), {
            command: postgresReloadScript({ container: containerName, username: a.username, databaseName: a.databaseName }),
            triggers: [contentHash(conf), contentHash(hba)],
            dependsOn: [container, confFile, hbaFile],
        });

        // Through the container, not a constant: whatever connects (the app replicas, which
        // wait to be healthy, the exporter, the backup job) is then created after PostgreSQL
        // exists. A plain string let the engine start the replicas first (found by tier 5).
        this.host = container.name.apply(() => serviceAliases.postgres);
        this.port = pulumi.output(port);
        this.databaseName = pulumi.output(a.databaseName);
        this.username = pulumi.output(a.username);
        this.password = pulumi.secret(password.result);
        this.connectionUrl = pulumi.secret(
            pulumi.all([password.result, container.name]).apply(
                ([pw]) =>
                    `postgres://${encodeUriStrict(a.username)}:${encodeUriStrict(pw)}@${serviceAliases.postgres}:${port}/${encodeUriStrict(a.databaseName)}`,
            ),
        );
        this.containerName = container.name;
        if (a.walArchive) {
            this.walArchive = {
                containerName: container.name,
                memoryMiB: a.memoryMiB,
                shmSizeMiB: postgresShmSizeMiB(a.memoryMiB),
                serverOptions,
                hostPaths: { data: onHost(hostPaths.postgresData), conf: onHost(confDir), run: onHost(hostPaths.postgresRun), spool: onHost(hostPaths.postgresWalSpool) },
            };
        }

        this.registerOutputs({
            host: this.host,
            port: this.port,
            databaseName: this.databaseName,
            username: this.username,
            password: this.password,
            connectionUrl: this.connectionUrl,
            containerName: this.containerName,
        });
    }
}
