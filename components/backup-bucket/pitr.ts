/**
 * Point-in-time recovery on the Docker targets, rendered as text: pgBackRest's configuration,
 * the job script the backup container runs (`pitr.sh`) and the host's `restore-to-time.sh`.
 * Pure: every path and name is an option baked in as a default that the environment variable of
 * the same name overrides, so tier 4 runs the very same text against a cluster on 127.0.0.1.
 *
 * How WAL reaches the bucket. PostgreSQL's own `basic_archive` module (contrib, in the official
 * image) archives every finished WAL segment, fsynced and renamed atomically, into a spool
 * directory on the host that the database and backup containers share; `archive_timeout` closes
 * a segment at most a minute after a write. Every minute the backup container's `pitr.sh push`
 * hands each spooled segment to `pgbackrest archive-push` (compressed, encrypted, checksummed,
 * into the repository in the backup bucket) and deletes it once stored. The database container
 * therefore stays on the internal data network with the official image: only the backup
 * container, which already reaches the bucket, talks to it. RPO: a write is in the bucket
 * within archive_timeout + the push interval + one push (~2 min; the lag alert fires at 5).
 *
 * Base backups: `pitr.sh backup` on the backup job's schedule (full once a week, differential on
 * the other days), reading the data directory through a read-only mount and talking to the
 * server over the shared socket. pgBackRest's own archive check insists that archive_command
 * calls pgbackrest, which it does not here, so the script makes the check itself: it waits until
 * the backup's last WAL segment is in the repository before it records success.
 */
import { shellQuote } from "../shared/host-files";
import { envDefault, envDefaultAllowEmpty } from "./backup-script";
import { argError } from "../shared/errors";

/** The metrics `pitr.sh` writes to the textfile collector's directory. */
export const pitrMetrics = {
    /** Unix time of the last push run in which every archive-push succeeded (every minute while archiving works). */
    pushLastSuccess: "slipway_pitr_push_last_success_timestamp_seconds",
    /** Segments waiting in the spool after the last push run. */
    spoolFiles: "slipway_pitr_spool_files",
    /** Age of the oldest segment still in the spool (0 when empty): the WAL not yet off the host. */
    spoolOldestAge: "slipway_pitr_spool_oldest_age_seconds",
    /** 1 when PostgreSQL's last archive attempt failed (the spool is unwritable or full). */
    archiverFailing: "slipway_pitr_archiver_failing",
    /** Unix time of the last base backup whose WAL reached the repository. */
    baseBackupLastSuccess: "slipway_pitr_base_backup_last_success_timestamp_seconds",
    baseBackupLastFailure: "slipway_pitr_base_backup_last_failure_timestamp_seconds",
    baseBackupDuration: "slipway_pitr_base_backup_duration_seconds",
} as const;

/** One file per writer and outcome, so a failure never erases the last success. */
export const pitrMetricFiles = { push: "slipway_pitr_push.prom", backup: "slipway_pitr_backup.prom", backupFailure: "slipway_pitr_backup_failure.prom" } as const;

/** Where the pgBackRest repository lives. */
export type PitrRepository =
    /** A directory (the local target: under the host's data directory). */
    | { kind: "posix"; path: string }
    /** An S3-compatible bucket (DigitalOcean Spaces on vps), under `path` in it. */
    | { kind: "s3"; endpoint: string; region: string; bucket: string; path: string };

export interface PgbackrestConfOptions {
    /** The stanza: pgBackRest's name for this cluster. */
    stanza: string;
    repository: PitrRepository;
    /** Days of history a restore can reach back (time-based retention of full backups). */
    retentionDays: number;
    /** The data directory as the process running pgbackrest sees it (must equal the server's data_directory). */
    pgPath: string;
    /** The server's Unix socket directory. */
    pgSocketPath: string;
    pgPort: number;
    /** Role pgbackrest connects as over the socket (a superuser: pg_backup_start/stop). */
    pgUser: string;
    /** Lock files: a writable tmpfs in the container. */
    lockPath: string;
}

const STANZA = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** pgbackrest.conf without a secret (the cipher pass and bucket key are a separate include file). Pure. */
export function renderPgbackrestConf(o: PgbackrestConfOptions): string {
    if (!STANZA.test(o.stanza)) throw argError("stanza", o.stanza, `1 to 64 letters, digits, "-" or "_", starting with a letter or digit`, { where: "pgbackrest.conf" });
    if (!Number.isInteger(o.retentionDays) || o.retentionDays < 1 || o.retentionDays > 9999) {
        throw argError("retentionDays", o.retentionDays, "a whole number of days from 1 to 9999", { where: "pgbackrest.conf" });
    }
    for (const [k, v] of Object.entries({ pgPath: o.pgPath, pgSocketPath: o.pgSocketPath, lockPath: o.lockPath, repositoryPath: o.repository.path })) {
        if (!v.startsWith("/") || /[\s=]/.test(v)) throw argError(k, v, `an absolute path without spaces or "="`, { where: "pgbackrest.conf" });
    }
    const repo =
        o.repository.kind === "posix"
            ? ["repo1-type=posix", `repo1-path=${o.repository.path}`]
            : [
                  "repo1-type=s3",
                  `repo1-path=${o.repository.path}`,
                  `repo1-s3-endpoint=${o.repository.endpoint}`,
                  `repo1-s3-region=${o.repository.region}`,
                  `repo1-s3-bucket=${o.repository.bucket}`,
                  // Spaces, like S3, serves bucket.endpoint; TLS verified against the image's CA bundle.
                  "repo1-s3-uri-style=host",
                  "repo1-storage-verify-tls=y",
              ];
    return `${[
        "# Rendered by Slipway (components/backup-bucket/pitr.ts): change it there, not here.",
        "# Secrets (repo1-cipher-pass, the bucket key) come from the include directory (PGBACKREST_CONFIG_INCLUDE_PATH).",
        "[global]",
        ...repo,
        // Encrypted client-side with a generated pass, whatever the store does at rest.
        "repo1-cipher-type=aes-256-cbc",
        // A restore can reach any time in the last retentionDays days: pgBackRest keeps the fulls
        // (and the WAL after them) needed for that, and expires the rest after each backup.
        "repo1-retention-full-type=time",
        `repo1-retention-full=${o.retentionDays}`,
        "compress-type=gz",
        "compress-level=6",
        // Checkpoint at once when a backup starts rather than waiting for the next one.
        "start-fast=y",
        `lock-path=${o.lockPath}`,
        // Logs go to the container's stderr (docker logs), not to files on a read-only root.
        "log-level-file=off",
        "log-level-console=info",
        "log-level-stderr=off",
        "",
        `[${o.stanza}]`,
        `pg1-path=${o.pgPath}`,
        `pg1-socket-path=${o.pgSocketPath}`,
        `pg1-port=${o.pgPort}`,
        `pg1-user=${o.pgUser}`,
    ].join("\n")}\n`;
}

/** The secret half of the configuration, as an include file (pgbackrest reads `*.conf` in the include path). Pure. */
export function renderPgbackrestSecrets(o: { cipherPass: string; s3?: { key: string; secret: string } }): string {
    for (const v of [o.cipherPass, o.s3?.key, o.s3?.secret]) {
        if (v !== undefined && (!v || /[\r\n]/.test(v))) throw argError("secrets", v, "non-empty single lines", { where: "pgbackrest secrets", secret: true });
    }
    return `${["[global]", `repo1-cipher-pass=${o.cipherPass}`, ...(o.s3 ? [`repo1-s3-key=${o.s3.key}`, `repo1-s3-key-secret=${o.s3.secret}`] : [])].join("\n")}\n`;
}

export interface PitrScriptOptions {
    stanza: string;
    /** The spool directory basic_archive writes to (`PITR_SPOOL`). */
    spool: string;
    /** The data directory (`PGDATA`), for `restore`. */
    pgData: string;
    /**
     * The server's socket directory and port, and the superuser (`PITR_PGHOST`, `PITR_PGPORT`,
     * `PITR_PGUSER`: not libpq's own names, which the backup container's environment sets for
     * pg_dump over TCP with a password file this user cannot read).
     */
    pgSocketPath: string;
    pgPort: number;
    pgUser: string;
    /** Options the recovering server starts with in `restore` (`PITR_PG_OPTIONS`), e.g. the config file. */
    pgOptions: string;
    /** Textfile collector directory (`PITR_METRICS_DIR`); `false` writes no metrics. */
    metricsDir: string | false;
    /** ISO weekday of the weekly full backup (`PITR_FULL_WEEKDAY`, 1 = Monday … 7 = Sunday, UTC). */
    fullWeekday: number;
    /** How long `backup` waits for its WAL to reach the repository (`PITR_ARCHIVE_WAIT_SECONDS`). @default 600 */
    archiveWaitSeconds?: number;
    /** How long `restore` lets recovery run before giving up (`PITR_RESTORE_TIMEOUT_SECONDS`). @default 7200 */
    restoreTimeoutSeconds?: number;
    /** The push lock file (`PITR_LOCK`). */
    lockFile: string;
}

const HEADER = "# Rendered by Slipway (components/backup-bucket/pitr.ts): change it there, not here.";

function gaugeLines(name: string, help: string, value: string): string[] {
    return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`];
}

/** `printf` lines that print a gauge with a shell-expanded value (inside a `{ … }` group). */
const gauge = (name: string, help: string, value: string): string =>
    gaugeLines(name, help, "%s")
        .map((l, i) => (i < 2 ? `    echo ${shellQuote(l)}` : `    printf '${l}\\n' "${value}"`))
        .join("\n");

/**
 * `pitr.sh`, run as the database's OS user (uid 70, the data directory's owner) in the backup
 * container: `init` (create the stanza, push), `push` (ship the spool), `backup [auto|full|diff]`
 * and `restore TARGET_TIME` (into an empty data directory, recover to that time, promote, stop).
 * POSIX sh, `set -eu`; shellcheck checks it. Pure.
 */
export function renderPitrScript(o: PitrScriptOptions): string {
    if (!Number.isInteger(o.fullWeekday) || o.fullWeekday < 1 || o.fullWeekday > 7) throw argError("fullWeekday", o.fullWeekday, "1 (Monday) to 7 (Sunday)", { where: "pitr.sh" });
    if (o.metricsDir !== false && !o.metricsDir.startsWith("/")) throw argError("metricsDir", o.metricsDir, "an absolute path, or false", { where: "pitr.sh" });
    const m = pitrMetrics;
    const f = pitrMetricFiles;
    return `${[
        "#!/bin/sh",
        HEADER,
        "# Point-in-time recovery with pgBackRest: ship the WAL spool, take base backups, restore to a time.",
        "#   pitr.sh init | push | backup [auto|full|diff|first] | restore 'YYYY-MM-DD HH:MM:SS+00'",
        "set -eu",
        envDefault("PGBACKREST", "pgbackrest"),
        envDefault("PITR_STANZA", o.stanza),
        envDefault("PITR_SPOOL", o.spool),
        envDefault("PITR_LOCK", o.lockFile),
        envDefaultAllowEmpty("PITR_METRICS_DIR", o.metricsDir === false ? "" : o.metricsDir),
        envDefault("PITR_FULL_WEEKDAY", o.fullWeekday),
        envDefault("PITR_ARCHIVE_WAIT_SECONDS", o.archiveWaitSeconds ?? 600),
        envDefault("PITR_RESTORE_TIMEOUT_SECONDS", o.restoreTimeoutSeconds ?? 7200),
        envDefault("PITR_PG_OPTIONS", o.pgOptions),
        envDefault("PGDATA", o.pgData),
        envDefault("PITR_PGHOST", o.pgSocketPath),
        envDefault("PITR_PGPORT", o.pgPort),
        envDefault("PITR_PGUSER", o.pgUser),
        "# psql and pg_ctl reach the server over its socket, whatever the container's PG* variables say.",
        'PGHOST=$PITR_PGHOST PGPORT=$PITR_PGPORT PGUSER=$PITR_PGUSER PGDATABASE=postgres',
        "export PGDATA PGHOST PGPORT PGUSER PGDATABASE",
        "unset PGPASSFILE PGPASSWORD",
        "",
        'log() { printf "pitr: %s\\n" "$*" >&2; }',
        'brest() { "$PGBACKREST" --stanza="$PITR_STANZA" "$@"; }',
        "",
        "# Metrics through a hidden temporary file and a rename: node-exporter never reads half a file.",
        "write_metrics() {",
        '    [ -n "$PITR_METRICS_DIR" ] || { cat >/dev/null; return 0; }',
        '    tmp="$PITR_METRICS_DIR/.$1.$$"',
        '    cat >"$tmp"',
        '    chmod 0644 "$tmp"',
        '    mv -f "$tmp" "$PITR_METRICS_DIR/$1"',
        "}",
        "",
        "# Every finished segment in the spool (basic_archive's temporary files start with archtemp).",
        'spooled() { find "$PITR_SPOOL" -mindepth 1 -maxdepth 1 -type f ! -name "archtemp*" ! -name ".*" | sort; }',
        "",
        "# push: each spooled segment or history file into the repository, oldest first; deleted only",
        "# once pgbackrest has stored it. One push at a time (cron may start the next one early).",
        "push_locked() {",
        '    failed=""',
        "    for file in $(spooled); do",
        '        if brest archive-push "$file" >/dev/null; then rm -f "$file"; else failed=1; log "archive-push failed for $(basename "$file"); kept in the spool"; break; fi',
        "    done",
        "    now=$(date +%s)",
        "    count=0",
        "    oldest=0",
        "    for file in $(spooled); do",
        "        count=$((count + 1))",
        '        age=$((now - $(stat -c %Y "$file")))',
        '        [ "$age" -le "$oldest" ] || oldest=$age',
        "    done",
        "    # PostgreSQL's own view: did its last attempt to archive into the spool fail? Not being",
        "    # able to ask counts as failing: an empty spool proves nothing when the server cannot fill it.",
        "    failing=$(psql -X -qAt -c \"SELECT (last_failed_time IS NOT NULL AND last_failed_time > coalesce(last_archived_time, '-infinity'))::int FROM pg_stat_archiver\" 2>/dev/null || echo 1)",
        "    {",
        gauge(m.spoolFiles, "WAL files waiting in the spool after the last push.", "$count"),
        gauge(m.spoolOldestAge, "Age of the oldest WAL file still in the spool (0 when empty).", "$oldest"),
        '    if [ "$failing" = 0 ] || [ "$failing" = 1 ]; then',
        gauge(m.archiverFailing, "1 when PostgreSQL's last attempt to archive a WAL file failed.", "$failing").replace(/^ {4}/gm, "        "),
        "    fi",
        "    # Success: nothing failed (a busy server may have closed more segments meanwhile: the",
        "    # spool's oldest age tells a backlog apart).",
        '    if [ -z "$failed" ]; then',
        gauge(m.pushLastSuccess, "Unix time of the last push run in which every archive-push succeeded.", "$now").replace(/^ {4}/gm, "        "),
        "    else",
        "        # Keep the previous success time: the lag alert measures from it.",
        `        grep -A2 '^# HELP ${m.pushLastSuccess} ' "$PITR_METRICS_DIR/${f.push}" 2>/dev/null || true`,
        "    fi",
        `    } | write_metrics ${f.push}`,
        '    [ -z "$failed" ]',
        "}",
        "",
        "push() {",
        '    mkdir -p "$(dirname "$PITR_LOCK")"',
        '    exec 9>"$PITR_LOCK"',
        "    # Another push still running does the work: not an error.",
        '    if ! flock -n 9; then exec 9>&-; return 0; fi',
        "    status=0",
        "    push_locked || status=$?",
        "    exec 9>&-",
        '    return "$status"',
        "}",
        "",
        "init() {",
        "    # Idempotent: an existing stanza that matches this cluster is left as it is.",
        "    brest stanza-create",
        "    push",
        "}",
        "",
        "# backup: full on PITR_FULL_WEEKDAY (and whenever no full exists: pgbackrest promotes),",
        "# differential otherwise; then wait for the backup's last WAL segment in the repository.",
        "backup() {",
        '    type=${1:-auto}',
        "    # first: the deploy's, once: a full backup unless the repository has one already.",
        '    if [ "$type" = first ]; then',
        '        if brest info --output=json | grep -q \'"label":\'; then log "a base backup exists"; return 0; fi',
        "        type=full",
        "    fi",
        '    if [ "$type" = auto ]; then',
        '        if [ "$(date -u +%u)" = "$PITR_FULL_WEEKDAY" ]; then type="full"; else type="diff"; fi',
        "    fi",
        '    case "$type" in full | diff | incr) ;; *) log "unknown backup type $type"; return 64 ;; esac',
        "    started=$(date +%s)",
        "    # Every step checked: the caller runs this function in a conditional, where set -e is off.",
        "    brest stanza-create >/dev/null || return 1",
        "    # --archive-check=n: pgBackRest's check insists that archive_command calls pgbackrest; the",
        "    # same check is made below, against the repository.",
        '    brest --type="$type" --archive-check=n backup || return 1',
        "    # The newest backup's stop segment, from the info document (no jq in the image: sed).",
        "    info=$(brest info --output=json) || return 1",
        "    stop=$(printf '%s' \"$info\" | tr ',{}[]' '\\n' | sed -n 's/^\"stop\":\"\\([0-9A-F]\\{24\\}\\)\"$/\\1/p' | tail -n 1)",
        "    archive_id=$(printf '%s' \"$info\" | tr ',{}[]' '\\n' | sed -n 's/^\"id\":\"\\([0-9]*-[0-9]*\\)\"$/\\1/p' | tail -n 1)",
        '    if [ -z "$stop" ] || [ -z "$archive_id" ]; then log "no backup in the repository after the backup ran"; return 1; fi',
        "    # One directory of the archive (its first 16 hex digits), not the whole of it.",
        '    segment_dir="archive/$PITR_STANZA/$archive_id/$(printf %.16s "$stop")"',
        '    deadline=$((started + PITR_ARCHIVE_WAIT_SECONDS))',
        "    # pg_backup_stop has spooled it already: push now rather than wait for cron's next minute.",
        "    push || true",
        '    until brest repo-ls --filter="^$stop-" "$segment_dir" 2>/dev/null | grep -q .; do',
        '        if [ "$(date +%s)" -ge "$deadline" ]; then log "WAL segment $stop never reached the repository: the backup cannot be restored"; return 1; fi',
        "        sleep 2",
        "        push || true",
        "    done",
        "    finished=$(date +%s)",
        '    log "$type backup complete in $((finished - started)) s; its WAL ($stop) is in the repository"',
        "    {",
        gauge(m.baseBackupLastSuccess, "Unix time of the last base backup whose WAL reached the repository.", "$finished"),
        gauge(m.baseBackupDuration, "Duration of the last successful base backup in seconds.", "$((finished - started))"),
        `    } | write_metrics ${f.backup}`,
        "}",
        "",
        "# restore: into an empty PGDATA, replay to TARGET along TIMELINE (default: the one the latest",
        "# backup is on, so an abandoned timeline of an earlier restore is never followed), promote,",
        "# leave a cleanly stopped cluster.",
        "restore() {",
        '    target=${1:?usage: pitr.sh restore "YYYY-MM-DD HH:MM:SS+00" [current|latest|TIMELINE]}',
        '    timeline=${2:-current}',
        '    if [ -n "$(ls -A "$PGDATA")" ]; then log "$PGDATA is not empty: restore into an empty data directory"; return 1; fi',
        "    started=$(date +%s)",
        '    brest --type=time --target="$target" --target-timeline="$timeline" --target-action=promote restore',
        "    # Recovery runs in the server; restore_command (pgbackrest archive-get) inherits this environment.",
        '    pg_ctl start -D "$PGDATA" -w -t 600 -o "$PITR_PG_OPTIONS"',
        '    deadline=$((started + PITR_RESTORE_TIMEOUT_SECONDS))',
        '    until [ "$(psql -X -qAt -c "SELECT pg_is_in_recovery()" 2>/dev/null || echo gone)" = f ]; do',
        '        if ! pg_ctl status -D "$PGDATA" >/dev/null 2>&1; then log "the server stopped before reaching $target (see its log above)"; return 1; fi',
        '        if [ "$(date +%s)" -ge "$deadline" ]; then log "recovery did not reach $target within $PITR_RESTORE_TIMEOUT_SECONDS s"; pg_ctl stop -D "$PGDATA" -m fast -w || true; return 1; fi',
        "        sleep 1",
        "    done",
        "    # The recovery settings pgbackrest wrote would only confuse a later recovery: drop them.",
        '    psql -X -q -v ON_ERROR_STOP=1 -c "ALTER SYSTEM RESET restore_command" -c "ALTER SYSTEM RESET recovery_target_time" -c "ALTER SYSTEM RESET recovery_target_action" -c "ALTER SYSTEM RESET recovery_target_timeline"',
        '    pg_ctl stop -D "$PGDATA" -m fast -w',
        '    log "restored to $target in $(($(date +%s) - started)) s; the cluster is on a new timeline"',
        "}",
        "",
        'command=${1:-}',
        "[ $# -eq 0 ] || shift",
        'case "$command" in',
        '    init) init ;;',
        '    push) push ;;',
        '    backup)',
        "        status=0",
        '        backup "$@" || status=$?',
        '        if [ "$status" -ne 0 ]; then',
        '            { ',
        gauge(m.baseBackupLastFailure, "Unix time of the last failed base backup.", "$(date +%s)").replace(/^ {4}/gm, "                "),
        `            } | write_metrics ${f.backupFailure} || true`,
        "            exit 1",
        "        fi",
        "        ;;",
        '    restore) restore "$@" ;;',
        '    *) log "usage: pitr.sh init | push | backup [auto|full|diff] | restore TARGET_TIME"; exit 64 ;;',
        "esac",
    ].join("\n")}\n`;
}

export interface RestoreToTimeOptions {
    /** The database container (stopped during the restore, started on the restored data). */
    pgContainer: string;
    /** The backup container: its image runs the restore; it takes a full backup afterwards. */
    backupContainer: string;
    /** The data directory on the host (moved aside, never deleted). */
    hostDataDir: string;
    /** `docker run` options of the one-off restore container: mounts, environment, limits, network. */
    runOptions: string[];
    /** `pitr.sh` as the backup container sees it. */
    pitrScript: string;
    /** The WAL spool as the backup container sees it (must be empty before the restore starts). */
    spool: string;
    /** How long to wait for the restored database to be healthy (`PITR_HEALTHY_TIMEOUT_SECONDS`). @default 600 */
    healthyTimeoutSeconds?: number;
}

/**
 * `restore-to-time.sh 'YYYY-MM-DD HH:MM:SS+00'`, run on the host by its deploy user: stop the
 * database, move its data directory aside (kept for a roll-back), restore and recover into a new
 * one in a one-off container of the backup image (pgbackrest and the server binaries of the same
 * major), start the database on it, and start a full backup on the new timeline. Pure.
 */
export function renderRestoreToTimeScript(o: RestoreToTimeOptions): string {
    for (const [k, v] of Object.entries({ pgContainer: o.pgContainer, backupContainer: o.backupContainer, hostDataDir: o.hostDataDir, pitrScript: o.pitrScript })) {
        if (!v) throw argError(k, v, "a non-empty value", { where: "restore-to-time" });
    }
    if (!o.hostDataDir.startsWith("/")) throw argError("hostDataDir", o.hostDataDir, "an absolute path", { where: "restore-to-time" });
    return `${[
        "#!/bin/sh",
        HEADER,
        "# Restores the database to a point in time from the pgBackRest repository in the backup bucket.",
        "#   restore-to-time.sh 'YYYY-MM-DD HH:MM:SS+00' [current|latest|TIMELINE]   (UTC; docs/runbooks/database-restore.md)",
        "# The database is down from the stop to the restored server's health check passing.",
        "set -eu",
        `target=\${1:?usage: $0 'YYYY-MM-DD HH:MM:SS+00' [current|latest|TIMELINE] (a time after the oldest base backup, UTC)}`,
        "# Which timeline to follow: the one the newest backup is on (after an abandoned restore, not the abandoned one).",
        'timeline=${2:-current}',
        envDefault("DOCKER", "docker"),
        envDefault("PG_CONTAINER", o.pgContainer),
        envDefault("BACKUP_CONTAINER", o.backupContainer),
        envDefault("PG_DATA_DIR", o.hostDataDir),
        envDefault("PITR_HEALTHY_TIMEOUT_SECONDS", o.healthyTimeoutSeconds ?? 600),
        'log() { printf "restore-to-time: %s\\n" "$*" >&2; }',
        "",
        "started=$(date +%s)",
        "# The exact image the backup job runs (pgbackrest, and the server binaries of the database's major).",
        'image=$("$DOCKER" inspect -f "{{.Image}}" "$BACKUP_CONTAINER")',
        `pitr() { "$DOCKER" exec -u postgres "$BACKUP_CONTAINER" /bin/sh ${shellQuote(o.pitrScript)} "$@"; }`,
        'log "stopping $PG_CONTAINER"',
        '"$DOCKER" stop -t 60 "$PG_CONTAINER" >/dev/null',
        "# The shutdown closed and spooled the last segment: ship it, or a time in the last minute is unreachable.",
        `if ! pitr push || [ -n "$("$DOCKER" exec -u postgres "$BACKUP_CONTAINER" find ${shellQuote(o.spool)} -mindepth 1 -maxdepth 1 -type f ! -name 'archtemp*' ! -name '.*')" ]; then`,
        '    log "the last WAL could not be shipped (see docker logs $BACKUP_CONTAINER); nothing was changed. Starting $PG_CONTAINER again."',
        '    "$DOCKER" start "$PG_CONTAINER" >/dev/null',
        "    exit 1",
        "fi",
        "# The job mounts the data directory: a bind mount follows the directory moved aside, so it stops",
        "# now and starts again on the restored one.",
        '"$DOCKER" stop "$BACKUP_CONTAINER" >/dev/null',
        'aside="$PG_DATA_DIR.before-pitr-$(date -u +%Y%m%dT%H%M%SZ)"',
        'mv "$PG_DATA_DIR" "$aside"',
        'mkdir -m 0700 "$PG_DATA_DIR"',
        'log "data directory moved aside to $aside; restoring to $target"',
        `if ! "$DOCKER" run --rm --name "$PG_CONTAINER-pitr" \\\n    ${o.runOptions.join(" \\\n    ")} \\\n    "$image" pitr-restore "$target" "$timeline"; then`,
        '    log "the restore failed; the database and the backup job are stopped. To go back to the data as it was:"',
        '    log "  mv $PG_DATA_DIR $PG_DATA_DIR.failed-pitr && mv $aside $PG_DATA_DIR && $DOCKER start $PG_CONTAINER $BACKUP_CONTAINER"',
        "    exit 1",
        "fi",
        'log "starting $PG_CONTAINER on the restored data"',
        '"$DOCKER" start "$PG_CONTAINER" "$BACKUP_CONTAINER" >/dev/null',
        'deadline=$(($(date +%s) + PITR_HEALTHY_TIMEOUT_SECONDS))',
        'until [ "$("$DOCKER" inspect -f "{{.State.Health.Status}}" "$PG_CONTAINER")" = healthy ]; do',
        '    if [ "$(date +%s)" -ge "$deadline" ]; then log "$PG_CONTAINER is not healthy after $PITR_HEALTHY_TIMEOUT_SECONDS s: see docker logs $PG_CONTAINER"; exit 1; fi',
        "    sleep 1",
        "done",
        "restored=$(date +%s)",
        'log "restored to $target; the database was down $((restored - started)) s. Taking a full backup on the new timeline."',
        "# A new timeline began at the promotion: a full backup on it keeps later restores short, and",
        "# proves the job reads the restored directory.",
        "if ! pitr backup full; then",
        '    log "the database is restored and running, but the full backup after it failed: run it again (docker exec -u postgres $BACKUP_CONTAINER /bin/sh …/pitr.sh backup full) and check docker logs $BACKUP_CONTAINER"',
        "    exit 1",
        "fi",
        'log "done in $(($(date +%s) - started)) s. The previous data directory is $aside: remove it (as root) once the restored data is confirmed."',
    ].join("\n")}\n`;
}
