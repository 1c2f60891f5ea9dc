import { argError } from "../shared/errors";
/**
 * Pure renderers for a self-run PostgreSQL: postgresql.conf tuned from a memory budget,
 * pg_hba.conf, and the shell that applies a changed config. Every address, port and path is an
 * option, so the same files serve the Docker payload (the caller's defaults) and a server run
 * on 127.0.0.1 with a temporary data directory.
 */

/** Smallest memory budget the tuning accepts: below it shared_buffers would be under 64 MB. */
export const minPostgresMemoryMiB = 256;

export interface PostgresMemorySettings {
    sharedBuffersMb: number;
    effectiveCacheSizeMb: number;
    maintenanceWorkMemMb: number;
    workMemKb: number;
}

const isInt = (n: number): boolean => Number.isInteger(n);

/**
 * Memory settings for a server whose whole budget (the container's memory limit) is
 * `memoryMiB`: shared_buffers a quarter of it; effective_cache_size three quarters (the page
 * cache counts against the same limit, so the planner must not assume more); maintenance_work_mem
 * a sixteenth, at most 2 GB; work_mem what is left after shared_buffers spread over three sorts
 * per connection, at least 1 MB, so a full pool of busy connections stays under the limit.
 */
export function postgresMemorySettings(memoryMiB: number, maxConnections: number): PostgresMemorySettings {
    if (!isInt(memoryMiB) || memoryMiB < minPostgresMemoryMiB) {
        throw argError("memoryMiB", memoryMiB, `a whole number of at least ${minPostgresMemoryMiB} MiB for PostgreSQL`, { where: "postgresql.conf" });
    }
    checkMaxConnections(maxConnections);
    const sharedBuffersMb = Math.floor(memoryMiB / 4);
    return {
        sharedBuffersMb,
        effectiveCacheSizeMb: Math.floor((memoryMiB * 3) / 4),
        maintenanceWorkMemMb: Math.min(2048, Math.floor(memoryMiB / 16)),
        workMemKb: Math.max(1024, Math.floor(((memoryMiB - sharedBuffersMb) * 1024) / (maxConnections * 3))),
    };
}

function checkMaxConnections(maxConnections: number): void {
    if (!isInt(maxConnections) || maxConnections < 10 || maxConnections > 5000) {
        throw argError("maxConnections", maxConnections, "a whole number from 10 to 5000 (put a pooler in front for more)", { where: "postgresql.conf" });
    }
}

/**
 * max_wal_size for a data disk of `storageGb`: about 5% of it, from 1 GB to 8 GB. Larger means
 * fewer forced checkpoints under write bursts; the cap keeps WAL from crowding the data out.
 */
export function postgresMaxWalSizeMb(storageGb: number): number {
    return Math.min(8192, Math.max(1024, Math.round(storageGb * 1024 * 0.05)));
}

/**
 * /dev/shm for the container, in MiB: PostgreSQL puts dynamic shared memory (parallel query,
 * hash joins) there, and Docker's 64 MB default fails such queries with "could not resize
 * shared memory segment". An eighth of the budget, from 64 MiB to 1 GiB; it counts against
 * the memory limit only while used.
 */
export const postgresShmSizeMiB = (memoryMiB: number): number => Math.min(1024, Math.max(64, Math.floor(memoryMiB / 8)));

/** A single-quoted postgresql.conf string. */
const pgString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface PostgresConfOptions {
    /** The memory the server may use in MiB (the container's memory limit), from which the memory settings are derived. */
    memoryMiB: number;
    /** Addresses to listen on: `["*"]` in a container whose only interface besides loopback is the data network, `["127.0.0.1"]` on a shared host. */
    listenAddresses: string[];
    port: number;
    /** `log_min_duration_statement`: statements slower than this (ms) are logged; 0 logs all, -1 none. */
    slowQueryMs: number;
    /** @default 100 */
    maxConnections?: number;
    /** @default 2048 (see `postgresMaxWalSizeMb`) */
    maxWalSizeMb?: number;
    /** Absolute path of pg_hba.conf; omitted keeps the one in the data directory. */
    hbaFile?: string;
    /** Directory for the Unix socket; omitted keeps the build's default (/var/run/postgresql in the images). */
    unixSocketDirectory?: string;
    /** Load pg_stat_statements (per-query statistics for the exporter and for tuning). @default true */
    statStatements?: boolean;
    /** Certificate and key paths: TLS is on only when they are given. */
    ssl?: { certFile: string; keyFile: string };
    /**
     * `unix_socket_permissions`: 0700 lets only the data directory's owner (uid 70 in every
     * container that shares the socket) connect locally. @default PostgreSQL's 0777
     */
    unixSocketPermissions?: "0700" | "0770" | "0777";
    /**
     * Continuous WAL archiving for point-in-time recovery: PostgreSQL's `basic_archive` module
     * writes each finished segment (fsynced, renamed atomically) into `directory`, and
     * `archive_timeout` closes a segment at most `timeoutSeconds` after a write, which bounds
     * how much WAL the host alone holds. Omitted: no archiving.
     */
    archive?: { directory: string; timeoutSeconds: number };
}

/**
 * postgresql.conf for one app database. `data_directory` is never set: the data directory comes
 * from `-D`/`PGDATA` (the container's default, or a temporary directory in tests).
 */
export function renderPostgresConf(o: PostgresConfOptions): string {
    const maxConnections = o.maxConnections ?? 100;
    const mem = postgresMemorySettings(o.memoryMiB, maxConnections);
    if (!isInt(o.port) || o.port < 1 || o.port > 65535) throw argError("port", o.port, "a TCP port from 1 to 65535", { where: "postgresql.conf" });
    if (o.listenAddresses.length === 0) throw argError("listenAddresses", o.listenAddresses, `at least one address, e.g. "127.0.0.1" or "*"`, { where: "postgresql.conf" });
    if (!isInt(o.slowQueryMs) || o.slowQueryMs < -1) throw argError("slowQueryMs", o.slowQueryMs, "a whole number of milliseconds, 0 to log every statement or -1 to turn it off", { where: "postgresql.conf" });
    const maxWalSizeMb = o.maxWalSizeMb ?? 2048;
    if (!isInt(maxWalSizeMb) || maxWalSizeMb < 64) throw argError("maxWalSizeMb", maxWalSizeMb, "a whole number of MB of at least 64", { where: "postgresql.conf" });
    const statStatements = o.statStatements ?? true;

    const lines: string[] = [
        "# Rendered by Slipway: edit the component's arguments, not this file.",
        "",
        "# Connections",
        `listen_addresses = ${pgString(o.listenAddresses.join(","))}`,
        `port = ${o.port}`,
        `max_connections = ${maxConnections}`,
        ...(o.unixSocketDirectory ? [`unix_socket_directories = ${pgString(o.unixSocketDirectory)}`] : []),
        ...(o.unixSocketPermissions ? [`unix_socket_permissions = ${o.unixSocketPermissions}`] : []),
        ...(o.hbaFile ? [`hba_file = ${pgString(o.hbaFile)}`] : []),
        "password_encryption = scram-sha-256",
        "",
    ];
    if (o.ssl) {
        lines.push(
            "# TLS",
            "ssl = on",
            `ssl_cert_file = ${pgString(o.ssl.certFile)}`,
            `ssl_key_file = ${pgString(o.ssl.keyFile)}`,
            "ssl_min_protocol_version = 'TLSv1.2'",
            "",
        );
    } else {
        lines.push(
            "# TLS off: the server is only reachable on an internal network with no route off the",
            "# host (or on loopback), so its traffic never crosses a wire. Pass certificate paths to turn it on.",
            "ssl = off",
            "",
        );
    }
    lines.push(
        `# Memory: tuned for a ${o.memoryMiB} MiB budget`,
        `shared_buffers = ${mem.sharedBuffersMb}MB`,
        `effective_cache_size = ${mem.effectiveCacheSizeMb}MB`,
        `work_mem = ${mem.workMemKb}kB`,
        `maintenance_work_mem = ${mem.maintenanceWorkMemMb}MB`,
        "",
        "# Write-ahead log and checkpoints",
        "wal_compression = lz4",
        "checkpoint_completion_target = 0.9",
        `max_wal_size = ${maxWalSizeMb}MB`,
        `min_wal_size = ${Math.max(32, Math.floor(maxWalSizeMb / 4))}MB`,
        "",
        ...archiveLines(o.archive),
        "# Planner: SSD-backed storage",
        "random_page_cost = 1.1",
        "effective_io_concurrency = 200",
        "",
        "# Logging to stderr, which the container runtime collects and rotates",
        "log_destination = 'stderr'",
        "logging_collector = off",
        `log_min_duration_statement = ${o.slowQueryMs}`,
        "log_connections = on",
        "log_disconnections = on",
        "log_lock_waits = on",
        "log_checkpoints = on",
        "log_temp_files = 10240",
        "log_autovacuum_min_duration = 10000",
        "log_line_prefix = '%m [%p] %q%u@%d '",
        "log_timezone = 'UTC'",
        "timezone = 'UTC'",
        "",
        "# Statistics",
        "track_io_timing = on",
    );
    if (statStatements) {
        lines.push("shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track = top");
    }
    return `${lines.join("\n")}\n`;
}

function archiveLines(a: PostgresConfOptions["archive"]): string[] {
    if (!a) return [];
    if (!a.directory.startsWith("/")) throw argError("archive.directory", a.directory, "an absolute path", { where: "postgresql.conf" });
    if (!isInt(a.timeoutSeconds) || a.timeoutSeconds < 30 || a.timeoutSeconds > 300) {
        throw argError("archive.timeoutSeconds", a.timeoutSeconds, "a whole number of seconds from 30 to 300 (each forced switch archives a 16 MB segment, compressed in the repository)", { where: "postgresql.conf" });
    }
    return [
        "# Continuous archiving (point-in-time recovery): a finished segment goes to the spool, which",
        "# the backup job ships to the repository; a write is in a finished segment within archive_timeout.",
        "wal_level = replica",
        "archive_mode = on",
        "archive_library = 'basic_archive'",
        `basic_archive.archive_directory = ${pgString(a.directory)}`,
        `archive_timeout = ${a.timeoutSeconds}`,
        "",
    ];
}

/** How local (Unix-socket) connections authenticate. */
export type PgLocalAuth = "trust" | "peer" | "scram-sha-256";

export interface PgHbaOptions {
    /**
     * Who may connect over TCP: CIDR blocks, or `samenet` (every subnet the server has an
     * interface on: in a container joined to the data network only, exactly that network).
     */
    clients: string[];
    /** Unix-socket authentication. */
    localAuth: PgLocalAuth;
    /** Accept TCP clients over TLS only (`hostssl`); needs `ssl` in postgresql.conf. @default false */
    requireSsl?: boolean;
}

const cidrV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const cidrV6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/;

function isHbaAddress(a: string): boolean {
    if (a === "samenet" || a === "samehost") return true;
    const v4 = cidrV4.exec(a);
    if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
    const v6 = cidrV6.exec(a);
    return !!v6 && a.includes(":") && Number(v6[1]) <= 128;
}

/**
 * pg_hba.conf: SCRAM passwords for the given client networks only; everything else (other
 * addresses, replication) has no matching line and is refused.
 */
export function renderPgHba(o: PgHbaOptions): string {
    if (o.clients.length === 0) throw argError("clients", o.clients, `at least one client network, e.g. "samenet" or "127.0.0.1/32"`, { where: "pg_hba.conf" });
    for (const c of o.clients) {
        if (!isHbaAddress(c)) throw argError("clients", c, `CIDR blocks such as 10.0.0.0/24 or ::1/128, or "samenet"`, { where: "pg_hba.conf" });
    }
    const hostType = o.requireSsl ? "hostssl" : "host";
    const row = (...cols: string[]): string => cols.map((c, i) => (i < cols.length - 1 ? c.padEnd(10) : c)).join(" ");
    return `${[
        "# Rendered by Slipway: edit the component's arguments, not this file.",
        row("# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"),
        row("local", "all", "all", "", o.localAuth),
        ...o.clients.map((c) => row(hostType, "all", "all", c, "scram-sha-256")),
    ].join("\n")}\n`;
}

/** Single-quotes a string for POSIX sh. */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Shell run on the host after postgresql.conf or pg_hba.conf changed: reload the server in
 * place (no restart, no dropped connections), then restart it only if a changed setting can
 * only apply at start (shared_buffers, max_connections…), so such a change is never silently
 * left pending.
 */
export function postgresReloadScript(o: { container: string; username: string; databaseName: string }): string {
    const psql = `docker exec ${sh(o.container)} psql -X -qAt -v ON_ERROR_STOP=1 -U ${sh(o.username)} -d ${sh(o.databaseName)}`;
    return [
        "set -eu",
        `${psql} -c 'SELECT pg_reload_conf()' >/dev/null`,
        // pg_reload_conf only signals the postmaster; give it a moment to re-read the files.
        "sleep 2",
        `pending="$(${psql} -c 'SELECT count(*) FROM pg_settings WHERE pending_restart')"`,
        `if [ "$pending" != "0" ]; then docker restart ${sh(o.container)} >/dev/null; fi`,
    ].join("\n");
}
