/**
 * The backup and restore shell scripts of the Docker targets, rendered as text. Pure: every
 * host, port, path, binary and name is an option, baked in as a default that the environment
 * variable of the same name overrides. The backup container runs them with the container's
 * paths; the live drill runs the very same text on 127.0.0.1 with its own environment.
 *
 * POSIX sh only (dash, busybox ash), `set -eu`, everything quoted: `shellcheck` checks them.
 * They work with restic 0.14 and later (Debian 12 ships 0.14; the image ships 0.17).
 */
import { shellQuote } from "../shared/host-files";
import { argError } from "../shared/errors";

/** The Prometheus metrics the backup script writes to the textfile collector's directory. */
export const backupMetrics = {
    lastSuccess: "slipway_backup_last_success_timestamp_seconds",
    lastFailure: "slipway_backup_last_failure_timestamp_seconds",
    duration: "slipway_backup_duration_seconds",
    size: "slipway_backup_size_bytes",
    added: "slipway_backup_added_bytes",
} as const;

/** The files they are written to: one per outcome, so a failure never erases the last success. */
export const backupMetricFiles = { success: "slipway_backup.prom", failure: "slipway_backup_failure.prom" } as const;

/** How many snapshots `restic forget` keeps; 0 leaves that bucket out. */
export interface BackupRetention {
    daily: number;
    weekly: number;
    monthly: number;
}

/** What both scripts need to find the database and the snapshots. */
export interface ScriptConnectionOptions {
    /** PostgreSQL host name, IP address or socket directory (`PGHOST`). */
    pgHost: string;
    /** PostgreSQL port (`PGPORT`). */
    pgPort: number;
    /** PostgreSQL user (`PGUSER`); its password comes from `PGPASSWORD` or a .pgpass file. */
    pgUser: string;
    /**
     * The `--host` recorded on every snapshot (`BACKUP_SNAPSHOT_HOST`). A fixed name rather than
     * the machine's: retention groups snapshots by host, and a container gets a new host name
     * each time it is re-created.
     */
    snapshotHost: string;
    /** Tag on every snapshot; retention only ever touches snapshots with it (`BACKUP_TAG`). @default "slipway" */
    tag?: string;
    /** File name of the dump inside the snapshot (`BACKUP_DUMP_NAME`). @default `${pgDatabase}.dump` */
    dumpName?: string;
    /** The restic binary (`RESTIC`). @default "restic" */
    restic?: string;
}

export interface BackupScriptOptions extends ScriptConnectionOptions {
    /** Database to dump (`PGDATABASE`). */
    pgDatabase: string;
    /** Snapshots kept after each backup (`BACKUP_KEEP_DAILY`, `…_WEEKLY`, `…_MONTHLY`). */
    keep: BackupRetention;
    /**
     * `restic check --read-data-subset` once a week: on this ISO weekday (1 = Monday … 7 =
     * Sunday, UTC), reading this share of the data back. `false` never checks.
     * (`BACKUP_CHECK_WEEKDAY`: empty disables, `*` checks on every run; `BACKUP_CHECK_SUBSET`.)
     */
    check: false | { weekday: number; readDataSubset: string };
    /**
     * Directory of node-exporter's textfile collector (`BACKUP_METRICS_DIR`); `false` writes no
     * metrics.
     */
    metricsDir: string | false;
    /** The pg_dump binary (`PG_DUMP`); must be at least the server's major version. @default "pg_dump" */
    pgDump?: string;
    /**
     * `stream` pipes pg_dump straight into restic (`--stdin-from-command`, restic 0.17+: no
     * disk, and a failed dump never becomes a snapshot); `file` dumps to a temporary file first
     * (`TMPDIR`), for older restic; `auto` streams when restic can (`BACKUP_DUMP_MODE`).
     * @default "auto"
     */
    dumpMode?: "auto" | "stream" | "file";
}

export interface RestoreScriptOptions extends ScriptConnectionOptions {
    /** Database the dump came from, for the default dump name. */
    pgDatabase: string;
    /** The pg_restore binary (`PG_RESTORE`). @default "pg_restore" */
    pgRestore?: string;
}

const HEADER_NOTE = "# Rendered by Slipway (components/backup-bucket/backup-script.ts): change it there, not here.";

const isoWeekday = (d: number): boolean => Number.isInteger(d) && d >= 1 && d <= 7;
/** restic's --read-data-subset forms: n/t, x%, or a size such as 500M. */
const SUBSET = /^(\d+\/\d+|\d+(\.\d+)?%|\d+[KMGT])$/;

function validateConnection(o: ScriptConnectionOptions & { pgDatabase: string }): void {
    if (!Number.isInteger(o.pgPort) || o.pgPort < 1 || o.pgPort > 65535) {
        throw argError("pgPort", o.pgPort, "a TCP port from 1 to 65535", { where: "backup.sh" });
    }
    for (const [key, v] of Object.entries({ pgHost: o.pgHost, pgUser: o.pgUser, pgDatabase: o.pgDatabase, snapshotHost: o.snapshotHost })) {
        if (!v) throw argError(key, v, "a non-empty value", { where: "backup.sh" });
    }
    const dumpName = o.dumpName ?? `${o.pgDatabase}.dump`;
    if (dumpName.includes("/")) throw argError("dumpName", dumpName, `a file name without "/"`, { where: "backup.sh" });
}

/** `NAME=${NAME:-'default'}`: the environment wins when it sets a non-empty value. */
export const envDefault = (name: string, value: string | number): string => `${name}=\${${name}:-${shellQuote(String(value))}}`;
/** `NAME=${NAME-'default'}`: the environment wins even when it sets an empty value (to switch off). */
export const envDefaultAllowEmpty = (name: string, value: string): string => `${name}=\${${name}-${shellQuote(value)}}`;

function connectionLines(o: ScriptConnectionOptions, pgDatabase: string): string[] {
    return [
        envDefault("PGHOST", o.pgHost),
        envDefault("PGPORT", o.pgPort),
        envDefault("PGUSER", o.pgUser),
        envDefault("PGDATABASE", pgDatabase),
        "export PGHOST PGPORT PGUSER PGDATABASE",
        envDefault("RESTIC", o.restic ?? "restic"),
        envDefault("BACKUP_SNAPSHOT_HOST", o.snapshotHost),
        envDefault("BACKUP_TAG", o.tag ?? "slipway"),
        envDefault("BACKUP_DUMP_NAME", o.dumpName ?? `${pgDatabase}.dump`),
    ];
}

const LOG_FUNCTION = (prefix: string): string[] => [
    "log() {",
    `    printf '%s ${prefix}: %s\\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2`,
    "}",
];

/** A metric in the text exposition format: HELP, TYPE and the sample, from a shell expression. */
const gauge = (name: string, help: string, valueExpr: string): string[] => [
    `printf '# HELP ${name} ${help}\\n# TYPE ${name} gauge\\n${name} %s\\n' "${valueExpr}"`,
];

/**
 * The backup script: pg_dump (custom format) into restic, first run initialises the
 * repository, then retention (`forget --prune`), a weekly partial `check`, and Prometheus
 * textfile metrics written atomically (temp file + rename). Exits non-zero on any failure and
 * then records the failure time instead.
 */
export function renderBackupScript(o: BackupScriptOptions): string {
    validateConnection(o);
    for (const [k, v] of Object.entries(o.keep)) {
        if (!Number.isInteger(v) || v < 0) throw argError(`keep.${k}`, v, "a whole number, 0 or more", { where: "backup.sh" });
    }
    if (o.keep.daily < 1) throw argError("keep.daily", o.keep.daily, "at least 1 (the latest backup)", { where: "backup.sh" });
    if (o.check !== false) {
        if (!isoWeekday(o.check.weekday)) throw argError("check.weekday", o.check.weekday, "1 (Monday) to 7 (Sunday)", { where: "backup.sh" });
        if (!SUBSET.test(o.check.readDataSubset)) {
            throw argError("check.readDataSubset", o.check.readDataSubset, `a restic subset such as "1%", "1/7" or "500M"`, { where: "backup.sh" });
        }
    }
    if (o.metricsDir !== false && !o.metricsDir.startsWith("/")) {
        throw argError("metricsDir", o.metricsDir, "an absolute path, or false", { where: "backup.sh" });
    }
    const dumpMode = o.dumpMode ?? "auto";
    const m = backupMetrics;
    const f = backupMetricFiles;
    const lines = [
        "#!/bin/sh",
        "# Slipway PostgreSQL backup: pg_dump into an encrypted restic repository, retention, a weekly",
        "# integrity check, and Prometheus textfile metrics for the backup-age alert.",
        HEADER_NOTE,
        "#",
        "# Needs RESTIC_REPOSITORY and RESTIC_PASSWORD (or their *_FILE forms) in the environment, the",
        "# repository's own credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for S3 and Spaces), and",
        "# the database password as PGPASSWORD or in a .pgpass file. Each default below gives way to the",
        "# environment variable it assigns.",
        "set -eu",
        "# The dump holds the whole database: temporary files are for this user only.",
        "umask 077",
        "",
        ...connectionLines(o, o.pgDatabase),
        envDefault("PG_DUMP", o.pgDump ?? "pg_dump"),
        envDefault("BACKUP_DUMP_MODE", dumpMode),
        envDefault("BACKUP_KEEP_DAILY", o.keep.daily),
        envDefault("BACKUP_KEEP_WEEKLY", o.keep.weekly),
        envDefault("BACKUP_KEEP_MONTHLY", o.keep.monthly),
        envDefaultAllowEmpty("BACKUP_CHECK_WEEKDAY", o.check === false ? "" : String(o.check.weekday)),
        envDefault("BACKUP_CHECK_SUBSET", o.check === false ? "1%" : o.check.readDataSubset),
        envDefaultAllowEmpty("BACKUP_METRICS_DIR", o.metricsDir === false ? "" : o.metricsDir),
        "",
        ...LOG_FUNCTION("slipway-backup"),
        "",
        "# Writes stdin to $BACKUP_METRICS_DIR/$1 through a temporary file and a rename, so",
        "# node-exporter never reads half a file (it only reads *.prom; the temporary name is hidden).",
        "write_metrics() {",
        '    if [ -z "$BACKUP_METRICS_DIR" ]; then',
        "        cat >/dev/null",
        "        return 0",
        "    fi",
        "    # node-exporter, another user, must be able to read the directory (umask 077 above).",
        '    (umask 022 && mkdir -p "$BACKUP_METRICS_DIR")',
        '    metrics_tmp="$BACKUP_METRICS_DIR/.$1.$$"',
        '    cat >"$metrics_tmp"',
        '    chmod 0644 "$metrics_tmp"',
        '    mv -f "$metrics_tmp" "$BACKUP_METRICS_DIR/$1"',
        "}",
        "",
        "work_dir=''",
        "finish() {",
        "    status=$?",
        "    trap - EXIT HUP INT TERM",
        '    if [ -n "$work_dir" ]; then',
        '        rm -rf "$work_dir"',
        "    fi",
        '    if [ "$status" -ne 0 ]; then',
        '        log "backup FAILED (exit $status)"',
        "        failed_at=$(date +%s)",
        `        if ! ${gauge(m.lastFailure, "Unix time of the last failed Slipway backup run.", "$failed_at")[0]} | write_metrics ${f.failure}; then`,
        '            log "could not record the failure in $BACKUP_METRICS_DIR"',
        "        fi",
        "    fi",
        '    exit "$status"',
        "}",
        "trap finish EXIT",
        "trap 'exit 129' HUP",
        "trap 'exit 130' INT",
        "trap 'exit 143' TERM",
        "",
        "started_at=$(date +%s)",
        'if [ -z "${RESTIC_REPOSITORY:-}" ] && [ -z "${RESTIC_REPOSITORY_FILE:-}" ]; then',
        '    log "RESTIC_REPOSITORY is not set: nowhere to back up to"',
        "    exit 64",
        "fi",
        "# restic writes its temporary pack files to TMPDIR.",
        'if [ -n "${TMPDIR:-}" ]; then',
        '    mkdir -p "$TMPDIR"',
        "fi",
        "work_dir=$(mktemp -d)",
        "",
        "# 1. The repository: created on the first run. `restic init` refuses to touch an existing",
        "# repository, so a transient error or a wrong password here fails the run, never the data.",
        'if ! "$RESTIC" cat config >/dev/null; then',
        '    log "no readable repository at the configured location: initializing one"',
        '    "$RESTIC" init',
        "fi",
        "# Removes only stale locks (left by a killed run), never those of a live process.",
        '"$RESTIC" unlock',
        "",
        "# 2. The dump. Uncompressed (--compress=0): restic compresses, and deduplicates unchanged",
        "# tables between days only when pg_dump has not scrambled them with its own compression.",
        'dump_mode=$BACKUP_DUMP_MODE',
        'if [ "$dump_mode" = "auto" ]; then',
        "    dump_mode='file'",
        '    if "$RESTIC" backup --help 2>/dev/null | grep -q -e --stdin-from-command; then',
        "        dump_mode='stream'",
        "    fi",
        "fi",
        'summary="$work_dir/summary.json"',
        'log "dumping database $PGDATABASE on $PGHOST:$PGPORT ($dump_mode)"',
        'case "$dump_mode" in',
        "stream)",
        "    # restic runs pg_dump itself and saves no snapshot when it exits non-zero.",
        '    "$RESTIC" backup --json --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" \\',
        '        --stdin-filename "$BACKUP_DUMP_NAME" --stdin-from-command -- \\',
        '        "$PG_DUMP" --format=custom --compress=0 --no-password \\',
        '        --host="$PGHOST" --port="$PGPORT" --username="$PGUSER" --dbname="$PGDATABASE" >"$summary"',
        "    ;;",
        "file)",
        "    # A complete dump first: a pipe would hide a pg_dump failure behind restic's success.",
        '    "$PG_DUMP" --format=custom --compress=0 --no-password \\',
        '        --host="$PGHOST" --port="$PGPORT" --username="$PGUSER" --dbname="$PGDATABASE" \\',
        '        --file="$work_dir/dump"',
        '    "$RESTIC" backup --json --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" \\',
        '        --stdin --stdin-filename "$BACKUP_DUMP_NAME" <"$work_dir/dump" >"$summary"',
        '    rm -f "$work_dir/dump"',
        "    ;;",
        "*)",
        '    log "BACKUP_DUMP_MODE must be auto, stream or file; got $dump_mode"',
        "    exit 64",
        "    ;;",
        "esac",
        "summary_line=$(grep '\"message_type\":\"summary\"' \"$summary\" | tail -n 1)",
        "snapshot_id=$(printf '%s\\n' \"$summary_line\" | sed -n 's/.*\"snapshot_id\":\"\\([0-9a-f]*\\)\".*/\\1/p')",
        "size_bytes=$(printf '%s\\n' \"$summary_line\" | sed -n 's/.*\"total_bytes_processed\":\\([0-9]*\\).*/\\1/p')",
        "added_bytes=$(printf '%s\\n' \"$summary_line\" | sed -n 's/.*\"data_added\":\\([0-9]*\\).*/\\1/p')",
        'log "snapshot ${snapshot_id:-?}: ${size_bytes:-?} bytes dumped, ${added_bytes:-?} bytes new in the repository"',
        "",
        "# 3. Retention, for this host's and tag's snapshots only, then prune the unreferenced data.",
        'set -- forget --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" --prune',
        'if [ "$BACKUP_KEEP_DAILY" -gt 0 ]; then set -- "$@" --keep-daily "$BACKUP_KEEP_DAILY"; fi',
        'if [ "$BACKUP_KEEP_WEEKLY" -gt 0 ]; then set -- "$@" --keep-weekly "$BACKUP_KEEP_WEEKLY"; fi',
        'if [ "$BACKUP_KEEP_MONTHLY" -gt 0 ]; then set -- "$@" --keep-monthly "$BACKUP_KEEP_MONTHLY"; fi',
        '"$RESTIC" "$@"',
        "",
        "# 4. Integrity: once a week, read a sample of the stored data back and verify it.",
        'if [ -n "$BACKUP_CHECK_WEEKDAY" ]; then',
        '    if [ "$BACKUP_CHECK_WEEKDAY" = "*" ] || [ "$(date -u +%u)" = "$BACKUP_CHECK_WEEKDAY" ]; then',
        '        log "checking the repository, reading $BACKUP_CHECK_SUBSET of the data"',
        '        "$RESTIC" check --read-data-subset="$BACKUP_CHECK_SUBSET"',
        "    fi",
        "fi",
        "",
        "# 5. Success: the metrics the backup-age alert reads.",
        "finished_at=$(date +%s)",
        "{",
        ...gauge(m.lastSuccess, "Unix time of the last successful Slipway backup run.", "$finished_at").map((l) => `    ${l}`),
        ...gauge(m.duration, "Duration of the last successful Slipway backup run.", "$((finished_at - started_at))").map((l) => `    ${l}`),
        '    if [ -n "$size_bytes" ]; then',
        ...gauge(m.size, "Size of the database dump in the last successful backup.", "$size_bytes").map((l) => `        ${l}`),
        "    fi",
        '    if [ -n "$added_bytes" ]; then',
        ...gauge(m.added, "Bytes the last successful backup added to the repository.", "$added_bytes").map((l) => `        ${l}`),
        "    fi",
        '} >"$work_dir/metrics"',
        `write_metrics ${f.success} <"$work_dir/metrics"`,
        'log "backup done in $((finished_at - started_at))s"',
        "",
    ];
    return lines.join("\n");
}

/**
 * The restore script: `restore.sh TARGET_DATABASE [SNAPSHOT]` fetches the dump (`restic
 * dump`, the latest snapshot of this host and tag by default) and replaces the target
 * database's objects with it (`pg_restore --clean --if-exists`) in one transaction: on any
 * error the target is left as it was. The target database must exist.
 */
export function renderRestoreScript(o: RestoreScriptOptions): string {
    validateConnection(o);
    return [
        "#!/bin/sh",
        "# Slipway PostgreSQL restore: the dump from a restic snapshot into a database.",
        HEADER_NOTE,
        "#",
        "# Usage: restore.sh TARGET_DATABASE [SNAPSHOT]",
        "# Replaces the objects in TARGET_DATABASE (which must exist) with those in the dump of SNAPSHOT",
        "# (default: the latest snapshot of this host and tag), in one transaction: on any error the",
        "# target is left as it was. Same environment as the backup script.",
        "set -eu",
        "umask 077",
        "",
        ...connectionLines(o, o.pgDatabase),
        envDefault("PG_RESTORE", o.pgRestore ?? "pg_restore"),
        "",
        ...LOG_FUNCTION("slipway-restore"),
        "",
        'if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || [ -z "$1" ]; then',
        '    echo "usage: $0 TARGET_DATABASE [SNAPSHOT]" >&2',
        "    exit 64",
        "fi",
        "target=$1",
        "snapshot=${2:-latest}",
        'if [ -n "${TMPDIR:-}" ]; then',
        '    mkdir -p "$TMPDIR"',
        "fi",
        "work_dir=$(mktemp -d)",
        "trap 'rm -rf \"$work_dir\"' EXIT",
        "trap 'exit 129' HUP",
        "trap 'exit 130' INT",
        "trap 'exit 143' TERM",
        "",
        "# To a file first: pg_restore needs the whole archive, and a pipe would hide a failed dump.",
        'log "fetching $BACKUP_DUMP_NAME from snapshot $snapshot (host $BACKUP_SNAPSHOT_HOST, tag $BACKUP_TAG)"',
        '"$RESTIC" dump --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" "$snapshot" "/$BACKUP_DUMP_NAME" >"$work_dir/dump"',
        'log "restoring into database $target on $PGHOST:$PGPORT"',
        '"$PG_RESTORE" --no-password --host="$PGHOST" --port="$PGPORT" --username="$PGUSER" --dbname="$target" \\',
        '    --clean --if-exists --no-owner --single-transaction --exit-on-error "$work_dir/dump"',
        'log "restore done"',
        "",
    ].join("\n");
}
