import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
    type BackupScriptOptions,
    backupMetricFiles,
    backupMetrics,
    renderBackupScript,
    renderRestoreScript,
} from "../../components/backup-bucket/backup-script";

const base: BackupScriptOptions = {
    pgHost: "postgres",
    pgPort: 5432,
    pgUser: "app",
    pgDatabase: "app",
    snapshotHost: "dev",
    keep: { daily: 7, weekly: 4, monthly: 3 },
    check: { weekday: 7, readDataSubset: "1%" },
    metricsDir: "/var/lib/slipway/textfile",
};
const render = (o: Partial<BackupScriptOptions> = {}): string => renderBackupScript({ ...base, ...o });

/** The script's lines without comments, for ordering checks. */
const code = (script: string): string[] => script.split("\n").filter((l) => !/^\s*#/.test(l));
const indexOf = (lines: string[], needle: string): number => lines.findIndex((l) => l.includes(needle));

describe("renderBackupScript", () => {
    const script = render();
    const lines = code(script);

    it("is a strict POSIX sh script with private temporary files", () => {
        expect(script.startsWith("#!/bin/sh\n")).toBe(true);
        expect(lines).toContain("set -eu");
        expect(lines).toContain("umask 077");
        expect(script).not.toMatch(/\[\[|pipefail|\bfunction\b|\blocal\b/);
    });

    it("bakes every connection value and path in as a default the environment overrides", () => {
        expect(lines).toContain("PGHOST=${PGHOST:-'postgres'}");
        expect(lines).toContain("PGPORT=${PGPORT:-'5432'}");
        expect(lines).toContain("PGUSER=${PGUSER:-'app'}");
        expect(lines).toContain("PGDATABASE=${PGDATABASE:-'app'}");
        expect(lines).toContain("PG_DUMP=${PG_DUMP:-'pg_dump'}");
        expect(lines).toContain("RESTIC=${RESTIC:-'restic'}");
        expect(lines).toContain("BACKUP_SNAPSHOT_HOST=${BACKUP_SNAPSHOT_HOST:-'dev'}");
        expect(lines).toContain("BACKUP_DUMP_NAME=${BACKUP_DUMP_NAME:-'app.dump'}");
        expect(lines).toContain("BACKUP_METRICS_DIR=${BACKUP_METRICS_DIR-'/var/lib/slipway/textfile'}");
        // No password anywhere: it comes from PGPASSWORD or a .pgpass file.
        expect(script).not.toMatch(/PGPASSWORD=/);
    });

    it("initialises the repository on the first run only, then clears stale locks", () => {
        const cat = indexOf(lines, '"$RESTIC" cat config');
        expect(lines[cat]).toMatch(/^if ! "\$RESTIC" cat config/);
        expect(lines[cat + 2].trim()).toBe('"$RESTIC" init');
        expect(indexOf(lines, '"$RESTIC" unlock')).toBeGreaterThan(cat);
    });

    it("dumps in custom format, uncompressed, into restic with a fixed host, tag and file name", () => {
        expect(script).toContain('"$PG_DUMP" --format=custom --compress=0 --no-password');
        expect(script).toContain('--host="$PGHOST" --port="$PGPORT" --username="$PGUSER" --dbname="$PGDATABASE"');
        expect(script).toContain('"$RESTIC" backup --json --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG"');
        // Streaming with restic >= 0.17, a complete temporary dump otherwise.
        expect(script).toContain('--stdin-filename "$BACKUP_DUMP_NAME" --stdin-from-command --');
        expect(script).toContain('--stdin --stdin-filename "$BACKUP_DUMP_NAME" <"$work_dir/dump"');
        expect(script).toContain("grep -q -e --stdin-from-command");
        // No pipe from pg_dump into restic: sh would hide pg_dump's failure.
        expect(script).not.toMatch(/PG_DUMP"[^\n]*\|/);
    });

    it("applies retention after the backup, for its own host and tag, and prunes", () => {
        const forget = indexOf(lines, "set -- forget");
        expect(forget).toBeGreaterThan(indexOf(lines, '"$RESTIC" backup --json'));
        expect(lines[forget]).toBe('set -- forget --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" --prune');
        expect(lines).toContain("BACKUP_KEEP_DAILY=${BACKUP_KEEP_DAILY:-'7'}");
        expect(lines).toContain("BACKUP_KEEP_WEEKLY=${BACKUP_KEEP_WEEKLY:-'4'}");
        expect(lines).toContain("BACKUP_KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-'3'}");
        expect(script).toContain('--keep-daily "$BACKUP_KEEP_DAILY"');
        expect(script).toContain('--keep-weekly "$BACKUP_KEEP_WEEKLY"');
        expect(script).toContain('--keep-monthly "$BACKUP_KEEP_MONTHLY"');
    });

    it("checks a sample of the data on the configured weekday", () => {
        expect(lines).toContain("BACKUP_CHECK_WEEKDAY=${BACKUP_CHECK_WEEKDAY-'7'}");
        expect(lines).toContain("BACKUP_CHECK_SUBSET=${BACKUP_CHECK_SUBSET:-'1%'}");
        expect(script).toContain('"$RESTIC" check --read-data-subset="$BACKUP_CHECK_SUBSET"');
        expect(script).toContain('"$(date -u +%u)" = "$BACKUP_CHECK_WEEKDAY"');
    });

    it("writes the metrics last, atomically, and the failure time from the exit trap", () => {
        for (const name of [backupMetrics.lastSuccess, backupMetrics.duration, backupMetrics.size, backupMetrics.lastFailure]) {
            expect(script).toContain(`# TYPE ${name} gauge`);
        }
        expect(script).toContain('metrics_tmp="$BACKUP_METRICS_DIR/.$1.$$"');
        expect(script).toContain('mv -f "$metrics_tmp" "$BACKUP_METRICS_DIR/$1"');
        expect(indexOf(lines, `write_metrics ${backupMetricFiles.success}`)).toBeGreaterThan(indexOf(lines, '"$RESTIC" check'));
        expect(lines).toContain("trap finish EXIT");
        expect(script).toMatch(new RegExp(`if \\[ "\\$status" -ne 0 \\]; then[\\s\\S]*write_metrics ${backupMetricFiles.failure}`));
    });

    it("changes with its options", () => {
        const other = render({
            pgHost: "127.0.0.1",
            pgPort: 55432,
            pgUser: "drill",
            pgDatabase: "shop",
            keep: { daily: 3, weekly: 0, monthly: 12 },
            check: { weekday: 2, readDataSubset: "5%" },
            metricsDir: "/tmp/textfile",
            pgDump: "/usr/lib/postgresql/16/bin/pg_dump",
            restic: "/opt/restic",
            dumpMode: "file",
            tag: "nightly",
        });
        for (const l of [
            "PGHOST=${PGHOST:-'127.0.0.1'}",
            "PGPORT=${PGPORT:-'55432'}",
            "PGUSER=${PGUSER:-'drill'}",
            "PGDATABASE=${PGDATABASE:-'shop'}",
            "BACKUP_DUMP_NAME=${BACKUP_DUMP_NAME:-'shop.dump'}",
            "BACKUP_KEEP_DAILY=${BACKUP_KEEP_DAILY:-'3'}",
            "BACKUP_KEEP_WEEKLY=${BACKUP_KEEP_WEEKLY:-'0'}",
            "BACKUP_KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-'12'}",
            "BACKUP_CHECK_WEEKDAY=${BACKUP_CHECK_WEEKDAY-'2'}",
            "BACKUP_CHECK_SUBSET=${BACKUP_CHECK_SUBSET:-'5%'}",
            "BACKUP_METRICS_DIR=${BACKUP_METRICS_DIR-'/tmp/textfile'}",
            "PG_DUMP=${PG_DUMP:-'/usr/lib/postgresql/16/bin/pg_dump'}",
            "RESTIC=${RESTIC:-'/opt/restic'}",
            "BACKUP_DUMP_MODE=${BACKUP_DUMP_MODE:-'file'}",
            "BACKUP_TAG=${BACKUP_TAG:-'nightly'}",
        ]) {
            expect(code(other)).toContain(l);
        }
        const off = code(render({ check: false, metricsDir: false }));
        expect(off).toContain("BACKUP_CHECK_WEEKDAY=${BACKUP_CHECK_WEEKDAY-''}");
        expect(off).toContain("BACKUP_METRICS_DIR=${BACKUP_METRICS_DIR-''}");
    });

    it("quotes values for the shell", () => {
        expect(code(render({ pgUser: "o'brien" }))).toContain(`PGUSER=\${PGUSER:-'o'\\''brien'}`);
    });

    it("refuses options that would make a broken or dangerous script", () => {
        expect(() => render({ pgPort: 0 })).toThrow(/pgPort/);
        expect(() => render({ keep: { daily: 0, weekly: 4, monthly: 3 } })).toThrow(/backup\.sh: keep\.daily is 0; expected at least 1 \(the latest backup\)/);
        expect(() => render({ keep: { daily: 7, weekly: -1, monthly: 3 } })).toThrow(/keep.weekly/);
        expect(() => render({ check: { weekday: 0, readDataSubset: "1%" } })).toThrow(/weekday/);
        expect(() => render({ check: { weekday: 1, readDataSubset: "1%; rm -rf /" } })).toThrow(/readDataSubset/);
        expect(() => render({ metricsDir: "textfile" })).toThrow(/absolute/);
        expect(() => render({ dumpName: "../x.dump" })).toThrow(/dumpName/);
        expect(() => render({ snapshotHost: "" })).toThrow(/snapshotHost/);
    });
});

describe("renderRestoreScript", () => {
    const script = renderRestoreScript({ pgHost: "127.0.0.1", pgPort: 55432, pgUser: "app", pgDatabase: "app", snapshotHost: "dev" });

    it("fetches the dump to a private file, then restores it in one transaction over the target", () => {
        expect(script.startsWith("#!/bin/sh\n")).toBe(true);
        expect(script).toContain("set -eu\numask 077");
        expect(script).toContain("PGHOST=${PGHOST:-'127.0.0.1'}");
        expect(script).toContain("PGPORT=${PGPORT:-'55432'}");
        expect(script).toContain('"$RESTIC" dump --host "$BACKUP_SNAPSHOT_HOST" --tag "$BACKUP_TAG" "$snapshot" "/$BACKUP_DUMP_NAME" >"$work_dir/dump"');
        expect(script).toContain('"$PG_RESTORE" --no-password --host="$PGHOST" --port="$PGPORT" --username="$PGUSER" --dbname="$target"');
        expect(script).toContain("--clean --if-exists --no-owner --single-transaction --exit-on-error");
        expect(script).toContain("snapshot=${2:-latest}");
    });

    it("takes the target database as a required argument", () => {
        expect(script).toContain('echo "usage: $0 TARGET_DATABASE [SNAPSHOT]" >&2');
        expect(script).toMatch(/if \[ "\$#" -lt 1 \][^\n]*\n[^\n]*usage[^\n]*\n\s*exit 64/);
    });
});

// The scripts run for real under /bin/sh, with stand-ins for restic and pg_dump that record
// their arguments: the control flow (init once, stream or file, failure handling, metrics).
const RESTIC_STUB = `#!/bin/sh
printf '%s\\n' "$*" >>"$STUB_DIR/restic.log"
case "$1" in
cat) [ -f "$STUB_DIR/initialized" ] || { echo "Fatal: unable to open config file" >&2; exit 10; } ;;
init) touch "$STUB_DIR/initialized" ;;
backup)
    if [ "$2" = "--help" ]; then
        if [ "\${STUB_STREAM:-0}" = 1 ]; then echo "      --stdin-from-command   execute command and store its stdout"; fi
        exit 0
    fi
    case " $* " in
    *" --stdin-from-command "*)
        while [ "$1" != "--" ]; do shift; done
        shift
        "$@" >"$STUB_DIR/stored" || { echo "Fatal: command failed" >&2; exit 1; }
        ;;
    *) cat >"$STUB_DIR/stored" ;;
    esac
    size=$(wc -c <"$STUB_DIR/stored" | tr -d ' ')
    echo '{"message_type":"status","percent_done":1}'
    echo "{\\"message_type\\":\\"summary\\",\\"data_added\\":7,\\"data_added_packed\\":5,\\"total_bytes_processed\\":$size,\\"snapshot_id\\":\\"0123abcd\\"}"
    ;;
esac
exit 0
`;
const PG_DUMP_STUB = `#!/bin/sh
printf '%s\\n' "$*" >>"$STUB_DIR/pg_dump.log"
if [ "\${STUB_PGDUMP_FAIL:-0}" = 1 ]; then echo "pg_dump: error: connection refused" >&2; exit 1; fi
out=''
for a in "$@"; do case "$a" in --file=*) out=\${a#--file=} ;; esac; done
if [ -n "$out" ]; then printf 'PGDMP-stub-dump' >"$out"; else printf 'PGDMP-stub-dump'; fi
`;

const hasSh = existsSync("/bin/sh");
const scratch: string[] = [];
afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function sandbox(opts: Partial<BackupScriptOptions> = {}) {
    const dir = mkdtempSync(join(tmpdir(), "slipway-backup-"));
    scratch.push(dir);
    const metricsDir = join(dir, "textfile");
    writeFileSync(join(dir, "restic"), RESTIC_STUB);
    writeFileSync(join(dir, "pg_dump"), PG_DUMP_STUB);
    chmodSync(join(dir, "restic"), 0o755);
    chmodSync(join(dir, "pg_dump"), 0o755);
    const script = join(dir, "backup.sh");
    writeFileSync(script, renderBackupScript({ ...base, metricsDir, restic: join(dir, "restic"), pgDump: join(dir, "pg_dump"), ...opts }));
    const run = (env: Record<string, string> = {}) =>
        spawnSync("/bin/sh", [script], {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", STUB_DIR: dir, RESTIC_REPOSITORY: join(dir, "repo"), TMPDIR: join(dir, "tmp"), ...env },
            encoding: "utf8",
        });
    const read = (f: string): string => readFileSync(join(dir, f), "utf8");
    return { dir, metricsDir, run, read };
}

describe.skipIf(!hasSh)("the backup script under /bin/sh", () => {
    it("initialises once, dumps to a file when restic cannot stream, keeps, checks and writes the success metrics", () => {
        const s = sandbox();
        const first = s.run({ BACKUP_CHECK_WEEKDAY: "*" });
        expect(first.status, first.stderr).toBe(0);
        const calls = s.read("restic.log").trim().split("\n");
        expect(calls[0]).toBe("cat config");
        expect(calls[1]).toBe("init");
        expect(calls[2]).toBe("unlock");
        expect(calls.find((c) => c.startsWith("backup --json"))).toBe("backup --json --host dev --tag slipway --stdin --stdin-filename app.dump");
        expect(calls).toContain("forget --host dev --tag slipway --prune --keep-daily 7 --keep-weekly 4 --keep-monthly 3");
        expect(calls).toContain("check --read-data-subset=1%");
        expect(s.read("stored")).toBe("PGDMP-stub-dump");
        expect(s.read("pg_dump.log")).toContain("--format=custom --compress=0 --no-password --host=postgres --port=5432 --username=app --dbname=app --file=");

        const metrics = readFileSync(join(s.metricsDir, backupMetricFiles.success), "utf8");
        expect(metrics).toMatch(new RegExp(`^${backupMetrics.lastSuccess} \\d{10}$`, "m"));
        expect(metrics).toMatch(new RegExp(`^${backupMetrics.duration} \\d+$`, "m"));
        expect(metrics).toMatch(new RegExp(`^${backupMetrics.size} ${"PGDMP-stub-dump".length}$`, "m"));
        expect(metrics).toMatch(new RegExp(`^${backupMetrics.added} 7$`, "m"));
        // Only the final files: no temporary file left for node-exporter to trip on.
        expect(readdirSync(s.metricsDir)).toEqual([backupMetricFiles.success]);

        const second = s.run();
        expect(second.status, second.stderr).toBe(0);
        expect(s.read("restic.log").split("\n").filter((c) => c === "init")).toHaveLength(1);
    });

    it("streams pg_dump through restic when restic supports it, and env overrides the defaults", () => {
        const s = sandbox();
        const r = s.run({ STUB_STREAM: "1", PGHOST: "127.0.0.1", PGPORT: "55432", BACKUP_KEEP_MONTHLY: "0", BACKUP_CHECK_WEEKDAY: "" });
        expect(r.status, r.stderr).toBe(0);
        const calls = s.read("restic.log");
        expect(calls).toContain("--stdin-filename app.dump --stdin-from-command -- ");
        expect(calls).toContain("--host=127.0.0.1 --port=55432");
        expect(calls).toContain("forget --host dev --tag slipway --prune --keep-daily 7 --keep-weekly 4\n");
        expect(calls).not.toContain("check");
        expect(s.read("stored")).toBe("PGDMP-stub-dump");
    });

    it("fails, records the failure and leaves the last success alone when pg_dump fails", () => {
        const s = sandbox();
        expect(s.run().status).toBe(0);
        const success = readFileSync(join(s.metricsDir, backupMetricFiles.success), "utf8");
        for (const stream of ["0", "1"]) {
            const r = s.run({ STUB_PGDUMP_FAIL: "1", STUB_STREAM: stream });
            expect(r.status).not.toBe(0);
            expect(r.stderr).toContain("backup FAILED");
        }
        const failure = readFileSync(join(s.metricsDir, backupMetricFiles.failure), "utf8");
        expect(failure).toMatch(new RegExp(`^${backupMetrics.lastFailure} \\d{10}$`, "m"));
        expect(readFileSync(join(s.metricsDir, backupMetricFiles.success), "utf8")).toBe(success);
        // Retention never runs after a failed backup.
        expect(s.read("restic.log").split("\n").filter((c) => c.startsWith("forget"))).toHaveLength(1);
    });

    it("refuses to run without a repository", () => {
        const s = sandbox();
        const r = s.run({ RESTIC_REPOSITORY: "" });
        expect(r.status).toBe(64);
        expect(r.stderr).toContain("RESTIC_REPOSITORY is not set");
    });
});

const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

describe.skipIf(!hasShellcheck)("shellcheck", () => {
    it("finds nothing in either script", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-shellcheck-"));
        scratch.push(dir);
        writeFileSync(join(dir, "backup.sh"), render({ check: false }));
        writeFileSync(join(dir, "backup-full.sh"), render());
        writeFileSync(join(dir, "restore.sh"), renderRestoreScript(base));
        const r = spawnSync("shellcheck", ["-s", "sh", ...["backup.sh", "backup-full.sh", "restore.sh"].map((f) => join(dir, f))], { encoding: "utf8" });
        expect(r.stdout).toBe("");
        expect(r.status).toBe(0);
    });
});
