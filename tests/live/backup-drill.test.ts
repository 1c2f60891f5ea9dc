/**
 * Tier 4, the backup → restore drill: the rendered backup and restore scripts (the very text the
 * backup container runs, rendered with loopback options) against a throwaway PostgreSQL cluster
 * and a restic repository in a local directory, run by /bin/sh as the `backup` OS user, as the
 * container's crond runs them. Debian's restic is 0.14, so the script picks its `file` dump mode.
 *
 * Write rows → back up → node-exporter reads the success metrics → a wrong password and a
 * stopped database both fail without a snapshot → retention keeps what the policy says →
 * destroy the cluster → restore into a fresh one → rows, checksums and schema equal.
 * Prints the backup and restore times and writes bench/results/backup-drill.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
    backupMetricFiles,
    backupMetrics,
    renderBackupScript,
    renderRestoreScript,
    type BackupRetention,
    type BackupScriptOptions,
} from "../../components/backup-bucket/backup-script";
import { run, type RunResult } from "./harness/commands";
import { drillRowCounts, drillSeedSql } from "./harness/drill-rows";
import { databaseFingerprint, type DatabaseFingerprint } from "./harness/fingerprint";
import { startNodeExporter, type NodeExporter } from "./harness/node-exporter";
import { startPostgres, type PostgresCluster } from "./harness/postgres";
import { resticBinary, resticRepository, type ResticRepository, type Snapshot } from "./harness/restic";
import type { RunDir } from "./harness/rundir";
import { useRunDir } from "./harness/lifecycle";
import { systemUser, type SystemUser } from "./harness/users";

/** The snapshot host and tag the job records (on vps/local the host is the stack name). */
const SNAPSHOT_HOST = "drill";
const TAG = "slipway";
const RESULTS_FILE = path.resolve(__dirname, "../../bench/results/backup-drill.json");

const currentRunDir = useRunDir("backup-drill");
let runDir: RunDir;
let pg: PostgresCluster;
let jobUser: SystemUser;
/** The job's writable directory, as the container's bind mounts: repository, cache, tmp, textfile. */
let jobDir: string;
let textfileDir: string;
let repo: ResticRepository;
let exporter: NodeExporter | undefined;

/** Filled in as the drill goes, then checked and written by the last test. */
const measured: { backupSeconds?: number; restoreSeconds?: number; dumpBytes?: number; dumpMode?: string } = {};
let before: DatabaseFingerprint;

/** A directory the job's user owns, like the bind mounts the container's entrypoint chowns. */
function jobOwnedDir(dir: string, mode = 0o700): string {
    fs.mkdirSync(dir, { recursive: true, mode });
    fs.chownSync(dir, jobUser.uid, jobUser.gid);
    return dir;
}

function jobOwnedFile(file: string, text: string): string {
    fs.writeFileSync(file, text, { mode: 0o600 });
    fs.chownSync(file, jobUser.uid, jobUser.gid);
    return file;
}

beforeAll(async () => {
    resticBinary(); // fails first, with the install hint, when restic is missing
    runDir = currentRunDir();
    jobUser = systemUser("backup");
    jobDir = jobOwnedDir(path.join(runDir.path, "job"), 0o755);
    // Created by the script itself (umask 022) so that node-exporter, another user, can read it.
    textfileDir = path.join(jobDir, "textfile");
    repo = resticRepository({
        dir: path.join(jobDir, "repository"),
        passwordFile: jobOwnedFile(path.join(jobDir, "restic-password"), "drill-repository-password\n"),
        cacheDir: jobOwnedDir(path.join(jobDir, "cache")),
        user: jobUser,
    });
    pg = await startPostgres({ runDir });
});

/** Renders a script into the run directory (root's, world-readable: like the host's read-only mount). */
function writeScript(name: string, text: string): string {
    const dir = path.join(runDir.path, "scripts");
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o755 });
    return file;
}

/** The backup script for the cluster on 127.0.0.1, every value through the renderer's options. */
function backupScript(name: string, o: { keep: BackupRetention; check: BackupScriptOptions["check"]; metricsDir: string | false }): string {
    return writeScript(
        name,
        renderBackupScript({
            pgHost: pg.host,
            pgPort: pg.port,
            pgUser: pg.app.user,
            pgDatabase: pg.app.database,
            snapshotHost: SNAPSHOT_HOST,
            tag: TAG,
            pgDump: path.join(pg.binDir, "pg_dump"),
            restic: resticBinary(),
            ...o,
        }),
    );
}

interface ScriptRun extends RunResult {
    seconds: number;
}

/**
 * `/bin/sh <script> [args]` as the job's user with the container's environment (its
 * BACKUP_COMMAND is `/bin/sh /opt/slipway/backup/backup.sh`): the repository and its password
 * file, the cache and TMPDIR on the job's disk, TZ=UTC, the database password. Timed.
 */
async function runScript(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ScriptRun> {
    const started = performance.now();
    const r = await run("/bin/sh", [script, ...args], {
        uid: jobUser.uid,
        gid: jobUser.gid,
        cwd: jobDir,
        env: { ...repo.env, TMPDIR: path.join(jobDir, "tmp"), PGPASSWORD: pg.app.password, ...env },
        timeoutMs: 120_000,
    });
    return { ...r, seconds: (performance.now() - started) / 1000 };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Today's ISO weekday in UTC (1 = Monday), the form the script's weekly check compares with `date -u +%u`. */
const isoWeekdayUtc = (): number => ((new Date().getUTCDay() + 6) % 7) + 1;
const ids = (list: Snapshot[]): string[] => list.map((s) => s.id);

describe("backup → restore drill on 127.0.0.1", () => {
    it("backs up the written rows: one snapshot with the job's host, tag and dump name", async () => {
        await pg.psql(drillSeedSql(pg.app.user), { database: pg.app.database });
        before = await databaseFingerprint(pg.psql, pg.app.database);
        expect(Object.fromEntries(Object.entries(before.tables).map(([t, f]) => [t, f.rows]))).toEqual(drillRowCounts);

        // The component's default retention (7/4/3); no integrity check, so the time is a plain nightly run's.
        const script = backupScript("backup.sh", { keep: { daily: 7, weekly: 4, monthly: 3 }, check: false, metricsDir: textfileDir });
        const r = await runScript(script);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain("initializing one"); // first run: the script created the repository
        measured.backupSeconds = r.seconds;
        measured.dumpMode = /dumping database .* \((stream|file)\)/.exec(r.stderr)?.[1];
        // Debian's restic 0.14 has no --stdin-from-command: `auto` must fall back to a file.
        expect(measured.dumpMode).toBe((await repo.version()).match(/restic 0\.1[0-6]\./) ? "file" : "stream");

        const snapshots = await repo.snapshots();
        expect(snapshots).toHaveLength(1);
        expect(snapshots[0]).toMatchObject({ hostname: SNAPSHOT_HOST, tags: [TAG], paths: [`/${pg.app.database}.dump`] });
        measured.dumpBytes = await repo.restoreSize(snapshots[0].id);
        expect(measured.dumpBytes).toBeGreaterThan(1_000_000); // the bytea alone is ~1.6 MB
    });

    it("leaves success metrics that node-exporter's textfile collector serves", async () => {
        exporter = await startNodeExporter({ runDir, textfileDir });
        const m = await exporter.scrape();
        expect(m.get("node_textfile_scrape_error")).toBe(0);
        const lastSuccess = m.get(backupMetrics.lastSuccess) ?? 0;
        expect(lastSuccess).toBeGreaterThan(nowSeconds() - 600);
        expect(lastSuccess).toBeLessThanOrEqual(nowSeconds());
        expect(m.get(backupMetrics.duration)).toBeGreaterThanOrEqual(0);
        expect(m.get(backupMetrics.duration)).toBeLessThanOrEqual(Math.ceil(measured.backupSeconds ?? 0) + 1);
        expect(m.get(backupMetrics.size)).toBe(measured.dumpBytes);
        expect(m.get(backupMetrics.added)).toBeGreaterThan(0);
        expect(m.has(backupMetrics.lastFailure)).toBe(false);
        expect(fs.readdirSync(textfileDir)).toEqual([backupMetricFiles.success]);
    });

    it("fails with a wrong repository password: non-zero, no snapshot, the failure metric, the success metric kept", async () => {
        const snapshotsBefore = ids(await repo.snapshots());
        const successBefore = fs.readFileSync(path.join(textfileDir, backupMetricFiles.success), "utf8");
        const wrong = jobOwnedFile(path.join(jobDir, "wrong-password"), "not-the-password\n");
        const started = nowSeconds();
        const r = await runScript(path.join(runDir.path, "scripts", "backup.sh"), [], { RESTIC_PASSWORD_FILE: wrong });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain("backup FAILED");
        // `restic init` refuses the existing repository: the wrong password never replaces it.
        expect(r.stderr).toMatch(/config file already exists|repository master key and config already initialized/);
        expect(ids(await repo.snapshots())).toEqual(snapshotsBefore);

        const m = await exporter!.scrape();
        expect(m.get(backupMetrics.lastFailure)).toBeGreaterThanOrEqual(started);
        expect(m.get(backupMetrics.lastFailure)).toBeLessThanOrEqual(nowSeconds());
        expect(fs.readFileSync(path.join(textfileDir, backupMetricFiles.success), "utf8")).toBe(successBefore);
        expect(m.get("node_textfile_scrape_error")).toBe(0);
    });

    it("applies retention: keeps exactly what the keep policy says, and never another tag's or host's snapshots", async () => {
        // A repository of its own, filled with snapshots at chosen past times (UTC) under the
        // job's host, tag and dump name, plus two that retention must not touch.
        const retention = resticRepository({
            dir: path.join(jobDir, "retention-repository"),
            passwordFile: path.join(jobDir, "restic-password"),
            cacheDir: path.join(jobDir, "cache"),
            user: jobUser,
        });
        await retention.init();
        const ours = { host: SNAPSHOT_HOST, tag: TAG, fileName: `${pg.app.database}.dump` };
        const fixtures = {
            A: "2024-03-20 10:00:00", // Wed, ISO week 12
            B: "2024-03-20 09:00:00", // same day as A, earlier
            C: "2024-03-19 10:00:00", // Tue, week 12
            D: "2024-03-18 10:00:00", // Mon, week 12
            E: "2024-03-12 10:00:00", // Tue, week 11
            F: "2024-03-05 10:00:00", // Tue, week 10
            G: "2024-02-20 10:00:00", // February
            H: "2024-01-15 10:00:00", // January
        };
        const made: Record<string, Snapshot> = {};
        for (const [label, time] of Object.entries(fixtures)) made[label] = await retention.backupAt({ time, ...ours });
        const otherTag = await retention.backupAt({ time: "2023-06-01 10:00:00", host: SNAPSHOT_HOST, tag: "manual", fileName: ours.fileName });
        const otherHost = await retention.backupAt({ time: "2023-06-01 10:00:00", host: "elsewhere", tag: TAG, fileName: ours.fileName });

        // keep daily 2, weekly 3, monthly 3. restic walks the group newest first; a snapshot is
        // kept when, for some rule with count left, its day/ISO week/month differs from the last
        // one that rule kept (which uses up one count):
        //   N (the run's own, today)  daily 2→1, weekly 3→2, monthly 3→2        kept
        //   A 2024-03-20 10:00        daily 1→0, weekly (W12) 2→1, month (03) 2→1  kept
        //   B 2024-03-20 09:00        same day, week and month as A              removed
        //   C 2024-03-19, D 03-18     daily used up; still W12 and March         removed
        //   E 2024-03-12              new week W11: weekly 1→0                    kept
        //   F 2024-03-05              weekly used up; still March                removed
        //   G 2024-02-20              new month: monthly 1→0                      kept
        //   H 2024-01-15              every count used up                        removed
        // The weekly integrity check set to today: after the prune, all the data is read back and verified.
        const script = backupScript("backup-retention.sh", {
            keep: { daily: 2, weekly: 3, monthly: 3 },
            check: { weekday: isoWeekdayUtc(), readDataSubset: "100%" },
            metricsDir: false,
        });
        const r = await runScript(script, [], { RESTIC_REPOSITORY: retention.env.RESTIC_REPOSITORY });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain("checking the repository, reading 100% of the data");

        const after = await retention.snapshots();
        const fixtureIds = [...Object.values(made), otherTag, otherHost].map((s) => s.id);
        const runsOwn = after.filter((s) => !fixtureIds.includes(s.id));
        expect(runsOwn).toHaveLength(1);
        expect(runsOwn[0]).toMatchObject({ hostname: SNAPSHOT_HOST, tags: [TAG] });
        expect(Date.parse(runsOwn[0].time)).toBeGreaterThan(Date.now() - 600_000);
        const labels = new Map<string, string>([
            ...Object.entries(made).map(([label, s]) => [s.id, label] as const),
            [runsOwn[0].id, "N"],
            [otherTag.id, "other tag"],
            [otherHost.id, "other host"],
        ]);
        expect(ids(after).map((id) => labels.get(id)).sort()).toEqual(["A", "E", "G", "N", "other host", "other tag"]);
    });

    it("fails while the database is down: non-zero, no snapshot, the failure metric", async () => {
        const snapshotsBefore = ids(await repo.snapshots());
        await pg.stop();
        const started = nowSeconds();
        const r = await runScript(path.join(runDir.path, "scripts", "backup.sh"));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/pg_dump: error: connection to server at "127\.0\.0\.1", port \d+ failed/);
        expect(r.stderr).toContain("backup FAILED");
        expect(ids(await repo.snapshots())).toEqual(snapshotsBefore);
        const m = await exporter!.scrape();
        expect(m.get(backupMetrics.lastFailure)).toBeGreaterThanOrEqual(started);
    });

    it("restores into a fresh cluster after the old one is destroyed: rows, checksums, schema and sequences equal", async () => {
        // Destroyed: the server is stopped (previous test) and its data directory deleted.
        expect(pg.process).toBeUndefined();
        fs.rmSync(pg.dataDir, { recursive: true, force: true });
        expect(fs.existsSync(pg.dataDir)).toBe(false);

        // A new cluster at the same address, with an empty app database (the restore target must exist).
        const fresh = await startPostgres({ runDir, name: "postgres-restored", port: pg.port, app: { user: pg.app.user, database: pg.app.database } });
        expect((await databaseFingerprint(fresh.psql, fresh.app.database)).tables).toEqual({});
        pg = fresh;

        const script = writeScript(
            "restore.sh",
            renderRestoreScript({
                pgHost: fresh.host,
                pgPort: fresh.port,
                pgUser: fresh.app.user,
                pgDatabase: fresh.app.database,
                snapshotHost: SNAPSHOT_HOST,
                tag: TAG,
                pgRestore: path.join(fresh.binDir, "pg_restore"),
                restic: resticBinary(),
            }),
        );
        const r = await runScript(script, [fresh.app.database]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain("restore done");
        measured.restoreSeconds = r.seconds;

        const after = await databaseFingerprint(fresh.psql, fresh.app.database);
        expect(Object.fromEntries(Object.entries(after.tables).map(([t, f]) => [t, f.rows]))).toEqual(drillRowCounts);
        expect(after.tables).toEqual(before.tables);
        expect(after.schema).toEqual(before.schema);
        expect(after.sequences).toEqual(before.sequences);
        // The restored database is usable by the app: a write continues the sequences.
        const insert = `SET ROLE "${fresh.app.user}";
            INSERT INTO customers (name, email, active, tags, created_at) VALUES ('after', 'after@example.test', true, '{}', now()) RETURNING id`;
        expect(await fresh.psql(insert, { database: fresh.app.database })).toBe(String(drillRowCounts.customers + 1));
    });

    it("reports the timings and writes bench/results/backup-drill.json", async () => {
        const { backupSeconds, restoreSeconds, dumpBytes, dumpMode } = measured;
        expect(backupSeconds).toBeGreaterThan(0);
        expect(restoreSeconds).toBeGreaterThan(0);
        const result = {
            date: new Date().toISOString(),
            rows: Object.values(drillRowCounts).reduce((a, b) => a + b, 0),
            dumpBytes,
            backupSeconds: Number(backupSeconds!.toFixed(2)),
            restoreSeconds: Number(restoreSeconds!.toFixed(2)),
            restic: await repo.version(),
            dumpMode,
        };
        fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
        fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(result, null, 2)}\n`);
        console.log(
            `backup drill: ${result.rows} rows, ${dumpBytes} dump bytes; backup ${result.backupSeconds} s, ` +
                `restore ${result.restoreSeconds} s; ${result.restic}, ${dumpMode} mode`,
        );
    });
});
