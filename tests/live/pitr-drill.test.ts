/**
 * Tier 4, the point-in-time recovery drill: a PostgreSQL cluster on 127.0.0.1 configured by the
 * payload's renderer with WAL archiving on (basic_archive into a spool, archive_timeout), and the
 * rendered pgbackrest.conf, secrets include and pitr.sh (the very text the backup container runs,
 * with loopback paths through their environment variables), run as the cluster's OS user as the
 * container's crond runs them, against a posix repository in the run directory.
 *
 * Base backup → write A → note the time → write B → measure how long PostgreSQL takes, unforced,
 * to close and archive the segment holding B (the RPO's first part) → push → stop, restore to the
 * noted time into an empty data directory → A is there, B is not. Also: PostgreSQL failing to
 * archive shows in the push's metrics. Prints the numbers and writes bench/results/pitr-drill.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pitrMetricFiles, pitrMetrics, renderPgbackrestConf, renderPgbackrestSecrets, renderPitrScript } from "../../components/backup-bucket/pitr";
import { walArchiveTimeoutSeconds } from "../../components/database/docker";
import { pitrMaxLagSeconds } from "../../components/monitoring/alert-rules";
import { missingTool, run, type RunResult } from "./harness/commands";
import { useRunDir } from "./harness/lifecycle";
import { startPostgres, type PostgresCluster } from "./harness/postgres";
import type { RunDir } from "./harness/rundir";
import { systemUser, type SystemUser } from "./harness/users";

const RESULTS_FILE = path.resolve(__dirname, "../../bench/results/pitr-drill.json");
/** busybox crond's cadence for `pitr.sh push` in the backup container. */
const PUSH_INTERVAL_SECONDS = 60;

const currentRunDir = useRunDir("pitr-drill");
let runDir: RunDir;
let pg: PostgresCluster;
let owner: SystemUser;
let root: string;
let spool: string;
let repo: string;
let metricsDir: string;
let script: string;
const measured: Record<string, number | string> = {};

function ownedDir(dir: string): string {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chownSync(dir, owner.uid, owner.gid);
    return dir;
}

function ownedFile(file: string, text: string, mode = 0o600): string {
    fs.writeFileSync(file, text, { mode });
    fs.chownSync(file, owner.uid, owner.gid);
    return file;
}

/**
 * pitr.sh as the cluster's OS user, with the loopback paths in its environment, and the backup
 * container's libpq variables as they are there (PGHOST naming the database over TCP, a password
 * file this user cannot read): the script must reach the server over its socket regardless.
 */
function pitr(args: string[], timeoutMs = 120_000, extraEnv: Record<string, string> = {}): Promise<RunResult> {
    return run("/bin/sh", [script, ...args], {
        uid: owner.uid,
        gid: owner.gid,
        cwd: root,
        timeoutMs,
        env: {
            PATH: `${pg.binDir}:${process.env.PATH}`,
            HOME: root,
            LANG: "C.UTF-8",
            PGBACKREST_CONFIG: path.join(root, "pgbackrest.conf"),
            PGBACKREST_CONFIG_INCLUDE_PATH: path.join(root, "pgbackrest-secrets"),
            PGHOST: "postgres",
            PGPORT: "5432",
            PGUSER: "app",
            PGPASSFILE: "/run/slipway-backup/pgpass",
            ...extraEnv,
        },
    });
}

async function pitrOk(args: string[], timeoutMs?: number): Promise<RunResult> {
    const r = await pitr(args, timeoutMs);
    if (r.code !== 0) throw new Error(`pitr.sh ${args.join(" ")} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
    return r;
}

/** The WAL segments the repository holds, by name (pgBackRest stores `<segment>-<sha1>.gz`). */
function repositorySegments(): string[] {
    const archive = path.join(repo, "archive", "slipway");
    if (!fs.existsSync(archive)) return [];
    return fs
        .readdirSync(archive, { recursive: true })
        .map(String)
        .map((f) => path.basename(f).split("-")[0])
        .filter((f) => /^[0-9A-F]{24}$/.test(f));
}

function metric(file: string, name: string): number | undefined {
    const p = path.join(metricsDir, file);
    if (!fs.existsSync(p)) return undefined;
    const line = fs
        .readFileSync(p, "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(" ")[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
    if ((await run("sh", ["-c", "command -v pgbackrest"])).code !== 0) throw missingTool("pgBackRest (pgbackrest)");
    runDir = currentRunDir();
    owner = systemUser("postgres");
    root = ownedDir(path.join(runDir.path, "pitr"));
    spool = ownedDir(path.join(root, "spool"));
    repo = ownedDir(path.join(root, "repository"));
    metricsDir = ownedDir(path.join(root, "textfile"));
    ownedDir(path.join(root, "lock"));
    pg = await startPostgres({
        runDir,
        name: "postgres-pitr",
        conf: { unixSocketPermissions: "0700", archive: { directory: spool, timeoutSeconds: walArchiveTimeoutSeconds } },
    });
    ownedFile(
        path.join(root, "pgbackrest.conf"),
        renderPgbackrestConf({
            stanza: "slipway",
            repository: { kind: "posix", path: repo },
            retentionDays: 7,
            pgPath: pg.dataDir,
            pgSocketPath: pg.socketDir,
            pgPort: pg.port,
            pgUser: "postgres",
            lockPath: path.join(root, "lock"),
        }),
        0o644,
    );
    ownedDir(path.join(root, "pgbackrest-secrets"));
    ownedFile(path.join(root, "pgbackrest-secrets", "secrets.conf"), renderPgbackrestSecrets({ cipherPass: "tier4-drill-cipher-pass-0123456789" }));
    script = ownedFile(
        path.join(root, "pitr.sh"),
        renderPitrScript({
            stanza: "slipway",
            spool,
            pgData: pg.dataDir,
            pgSocketPath: pg.socketDir,
            pgPort: pg.port,
            pgUser: "postgres",
            pgOptions: "-c listen_addresses=",
            metricsDir,
            fullWeekday: 7,
            lockFile: path.join(root, "lock", "push.lock"),
        }),
        0o755,
    );
}, 180_000);

describe.sequential("tier 4: point-in-time recovery with pgBackRest, from the rendered files", () => {
    it("init creates the stanza and ships what PostgreSQL archived; the first base backup is full and its WAL is in the repository", async () => {
        await pitrOk(["init"]);
        const started = Date.now();
        await pitrOk(["backup", "first"], 300_000);
        measured.baseBackupSeconds = (Date.now() - started) / 1000;
        const info = JSON.parse((await run("pgbackrest", ["--stanza=slipway", "info", "--output=json"], { uid: owner.uid, gid: owner.gid, env: { PGBACKREST_CONFIG: path.join(root, "pgbackrest.conf"), PGBACKREST_CONFIG_INCLUDE_PATH: path.join(root, "pgbackrest-secrets") } })).stdout) as {
            backup: { type: string; archive: { stop: string } }[];
            cipher: string;
        }[];
        expect(info[0].cipher).toBe("aes-256-cbc");
        expect(info[0].backup.map((b) => b.type)).toEqual(["full"]);
        expect(repositorySegments()).toContain(info[0].backup[0].archive.stop);
        expect(metric(pitrMetricFiles.backup, pitrMetrics.baseBackupLastSuccess)).toBeGreaterThan(Date.now() / 1000 - 300);
        // `first` again is a no-op: the repository has a base backup.
        expect((await pitrOk(["backup", "first"])).stderr).toMatch(/a base backup exists/);
    }, 600_000);

    it("a committed write reaches a closed, archived segment within archive_timeout, unforced; the push ships it and reports an empty spool", async () => {
        await pg.psql("CREATE TABLE pitr_drill (id int PRIMARY KEY, label text NOT NULL); INSERT INTO pitr_drill VALUES (1, 'before');", { database: pg.app.database });
        await sleep(1100);
        measured.target = await pg.psql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
        await sleep(1100);
        const segment = await pg.psql("INSERT INTO pitr_drill VALUES (2, 'after'); SELECT pg_walfile_name(pg_current_wal_lsn());", { database: pg.app.database });
        const committed = Date.now();
        // PostgreSQL alone closes the segment (archive_timeout) and basic_archive spools it.
        const deadline = committed + (walArchiveTimeoutSeconds + 30) * 1000;
        while (!fs.existsSync(path.join(spool, segment)) && Date.now() < deadline) await sleep(250);
        expect(fs.existsSync(path.join(spool, segment)), `segment ${segment} spooled within ${walArchiveTimeoutSeconds + 30} s`).toBe(true);
        measured.segmentClosedSeconds = (Date.now() - committed) / 1000;
        const pushStarted = Date.now();
        await pitrOk(["push"]);
        measured.pushSeconds = (Date.now() - pushStarted) / 1000;
        expect(repositorySegments()).toContain(segment);
        expect(fs.readdirSync(spool).filter((f) => !f.startsWith("."))).toEqual([]);
        expect(metric(pitrMetricFiles.push, pitrMetrics.spoolFiles)).toBe(0);
        expect(metric(pitrMetricFiles.push, pitrMetrics.archiverFailing)).toBe(0);
        expect(metric(pitrMetricFiles.push, pitrMetrics.pushLastSuccess)).toBeGreaterThan(Date.now() / 1000 - 60);
        // The recovery point: the segment's closure, plus at most one cron interval before the
        // next push starts, plus the push itself.
        measured.rpoWorstCaseSeconds = Number(measured.segmentClosedSeconds) + PUSH_INTERVAL_SECONDS + Number(measured.pushSeconds);
        expect(measured.rpoWorstCaseSeconds).toBeLessThan(pitrMaxLagSeconds);
    }, 300_000);

    it("PostgreSQL failing to archive (an unwritable spool) shows in the push's metrics, and recovers", async () => {
        fs.chmodSync(spool, 0o500);
        try {
            // A write first: a switch with nothing written since the last one closes no segment.
            await pg.psql("INSERT INTO pitr_drill VALUES (3, 'unarchivable'); SELECT pg_switch_wal();", { database: pg.app.database });
            const deadline = Date.now() + 30_000;
            let failing = "f";
            while (failing !== "t" && Date.now() < deadline) {
                await sleep(500);
                failing = await pg.psql("SELECT last_failed_time IS NOT NULL AND last_failed_time > coalesce(last_archived_time, '-infinity') FROM pg_stat_archiver");
            }
            expect(failing).toBe("t");
            await pitrOk(["push"]);
            expect(metric(pitrMetricFiles.push, pitrMetrics.archiverFailing)).toBe(1);
        } finally {
            fs.chmodSync(spool, 0o700);
        }
        // The archiver retries on its own; the next push ships the backlog and clears the flag.
        const deadline = Date.now() + 90_000;
        while ((await pg.psql("SELECT last_failed_time > coalesce(last_archived_time, '-infinity') FROM pg_stat_archiver")) === "t" && Date.now() < deadline) await sleep(1000);
        await pitrOk(["push"]);
        expect(metric(pitrMetricFiles.push, pitrMetrics.archiverFailing)).toBe(0);
    }, 180_000);

    it("a base backup that fails exits non-zero and records a failure, never a success", async () => {
        const before = metric(pitrMetricFiles.backup, pitrMetrics.baseBackupLastSuccess);
        const r = await pitr(["backup", "diff"], 120_000, { PGBACKREST_PG1_PORT: "1" }); // pgBackRest cannot reach the server
        expect(r.code).not.toBe(0);
        expect(metric(pitrMetricFiles.backup, pitrMetrics.baseBackupLastSuccess)).toBe(before);
        expect(metric(pitrMetricFiles.backupFailure, pitrMetrics.baseBackupLastFailure)).toBeGreaterThan(Date.now() / 1000 - 120);
    }, 180_000);

    it("restores to the noted time into an empty data directory: the earlier write is there, the later one is not", async () => {
        await pg.stop();
        fs.renameSync(pg.dataDir, `${pg.dataDir}.before-pitr`);
        ownedDir(pg.dataDir);
        const started = Date.now();
        const r = await pitrOk(["restore", String(measured.target)], 600_000);
        measured.restoreSeconds = (Date.now() - started) / 1000;
        expect(r.stderr).toMatch(/restored to .* on a new timeline/);
        // The recovery settings are gone: a later crash recovery will not replay to the old target.
        expect(fs.readFileSync(path.join(pg.dataDir, "postgresql.auto.conf"), "utf8")).not.toMatch(/recovery_target|restore_command/);
        expect(fs.existsSync(path.join(pg.dataDir, "recovery.signal"))).toBe(false);
        await pg.start();
        expect(await pg.psql("SELECT string_agg(label, ',' ORDER BY id) FROM pitr_drill", { database: pg.app.database })).toBe("before");
        await pg.psql("INSERT INTO pitr_drill VALUES (4, 'new timeline')", { database: pg.app.database });
        expect(await pg.psql("SELECT pg_is_in_recovery()")).toBe("f");
        // The new timeline archives into the spool as before.
        await pg.psql("SELECT pg_switch_wal()");
        const deadline = Date.now() + 30_000;
        while (!fs.readdirSync(spool).some((f) => f.endsWith(".history")) && Date.now() < deadline) await sleep(250);
        expect(fs.readdirSync(spool).some((f) => f.endsWith(".history"))).toBe(true);
    }, 900_000);

    it("records the drill's numbers", () => {
        const result = { ...measured, archiveTimeoutSeconds: walArchiveTimeoutSeconds, pushIntervalSeconds: PUSH_INTERVAL_SECONDS, rpoLimitSeconds: pitrMaxLagSeconds };
        console.log(`tier 4 PITR drill: ${JSON.stringify(result)}`);
        fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
        fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...result, when: new Date().toISOString() }, null, 2)}\n`);
        expect(Number(measured.restoreSeconds)).toBeGreaterThan(0);
    });
});
