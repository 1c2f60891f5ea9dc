import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { drillRowCounts, drillSeedSql } from "../../live/harness/drill-rows";
import { type DatabaseFingerprint, databaseFingerprint } from "../../live/harness/fingerprint";
import { docker, dockerOk } from "./cli";
import type { Daemon } from "./daemon";
import { psql } from "./payload-checks";
import type { Tier5Stack } from "./stack";

/** The edge's security headers, present on a proxied response. */
export function securityHeaders(h: IncomingHttpHeaders): void {
    expect(h["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["content-security-policy"]).toBeTruthy();
    expect(h["referrer-policy"]).toBeTruthy();
    expect(h["x-frame-options"] ?? h["content-security-policy"]).toBeTruthy();
}

/** Alertmanager's active alerts with this name, read inside its container (its API is not published off loopback). */
async function activeAlerts(t5: Tier5Stack, daemon: Daemon, alertname: string): Promise<{ labels: Record<string, string>; receivers: { name: string }[] }[] | undefined> {
    const am = t5.engine.container("monitoring-alertmanager");
    const r = await docker(daemon.socket, ["exec", am.name, "timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:9093/api/v2/alerts?active=true&silenced=false&inhibited=false"]);
    if (r.code !== 0) return undefined;
    return (JSON.parse(r.stdout) as { labels: Record<string, string>; receivers: { name: string }[] }[]).filter((a) => a.labels.alertname === alertname);
}

/**
 * Stops the Redis container (as a crash or an operator would leave it) and waits for the
 * rendered RedisDown rule, with its real `for:`, to go through the containers' Prometheus to
 * their Alertmanager; then starts Redis and waits for the alert to resolve there. Delivery to a
 * receiver is tier 4's (tests/live/alert-firing.test.ts): receivers must be https:// URLs, and
 * no tier-5 container trusts a certificate the harness could make.
 */
export async function alertDrill(t5: Tier5Stack, daemon: Daemon): Promise<{ firing: boolean; resolved: boolean; firingSeconds: number; resolvedSeconds: number; receivers: string[] }> {
    const redis = t5.engine.container("cache-redis");
    const stopped = Date.now();
    await dockerOk(daemon.socket, ["stop", "-t", "10", redis.name]);
    let firing: { receivers: { name: string }[] }[] = [];
    while (firing.length === 0 && Date.now() - stopped < 240_000) {
        firing = (await activeAlerts(t5, daemon, "RedisDown")) ?? [];
        if (firing.length === 0) await sleep(2000);
    }
    const firingSeconds = (Date.now() - stopped) / 1000;
    const started = Date.now();
    await dockerOk(daemon.socket, ["start", redis.name]);
    await t5.engine.waitHealthy(redis.id, redis.name, 120_000);
    let resolved = false;
    while (!resolved && Date.now() - started < 240_000) {
        const now = await activeAlerts(t5, daemon, "RedisDown");
        resolved = now !== undefined && now.length === 0;
        if (!resolved) await sleep(2000);
    }
    return { firing: firing.length > 0, resolved, firingSeconds, resolvedSeconds: (Date.now() - started) / 1000, receivers: firing.flatMap((a) => a.receivers.map((x) => x.name)) };
}

export interface BackupDrillResult {
    original: DatabaseFingerprint;
    restored: DatabaseFingerprint;
    rows: number;
    backupSeconds: number;
    restoreSeconds: number;
}

/**
 * Seeds the drill's rows into the app database, runs the rendered backup script inside the
 * backup container as its job user (the command crond runs), creates an empty database and runs
 * the rendered restore script into it, then compares rows, checksums and schema.
 * `env` overrides the container's environment for the run (dev: a repository the harness provides).
 */
export async function backupRestoreDrill(t5: Tier5Stack, env: Record<string, string> = {}): Promise<BackupDrillResult> {
    const dbEnv = Object.fromEntries((t5.byName("db-postgres").inputs.envs as string[]).map((e) => e.split("=", 2) as [string, string]));
    const app = dbEnv.POSTGRES_USER;
    const exists = await psql(t5, "SELECT to_regclass('public.customers') IS NOT NULL");
    if (exists !== "t") await psql(t5, drillSeedSql(app));
    const run = (database?: string) => (sql: string, o?: { database?: string }) => psql(t5, sql, { database: o?.database ?? database });
    const original = await databaseFingerprint(run(), dbEnv.POSTGRES_DB);

    const backup = t5.engine.container("backups-container");
    const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    let started = Date.now();
    const b = await docker(t5.o.daemon.socket, ["exec", "-u", "backup", ...envArgs, backup.name, "/bin/sh", "/opt/slipway/backup/backup.sh"], { timeoutMs: 300_000 });
    if (b.code !== 0) throw new Error(`backup.sh exited ${b.code}: ${b.stderr.slice(-3000)}`);
    const backupSeconds = (Date.now() - started) / 1000;

    await psql(t5, "DROP DATABASE IF EXISTS t5_restored");
    await psql(t5, `CREATE DATABASE t5_restored OWNER "${app}"`);
    started = Date.now();
    const r = await docker(t5.o.daemon.socket, ["exec", "-u", "backup", ...envArgs, backup.name, "/bin/sh", "/opt/slipway/backup/restore.sh", "t5_restored"], { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`restore.sh exited ${r.code}: ${r.stderr.slice(-3000)}`);
    const restoreSeconds = (Date.now() - started) / 1000;
    const restored = await databaseFingerprint(run("t5_restored"), "t5_restored");
    const rows = Object.values(drillRowCounts).reduce((a, b) => a + b, 0);
    return { original: onlyDrillTables(original), restored: onlyDrillTables(restored), rows, backupSeconds, restoreSeconds };
}

/** The drill's tables (the app's own tables change under traffic between the two reads). */
function onlyDrillTables(f: DatabaseFingerprint): DatabaseFingerprint {
    const names = Object.keys(drillRowCounts);
    return {
        tables: Object.fromEntries(Object.entries(f.tables).filter(([t]) => names.includes(t))),
        schema: f.schema.filter((s) => names.some((n) => s.includes(` ${n}`) || s.includes(`${n}.`))),
        sequences: f.sequences.filter((s) => names.some((n) => s.includes(n))),
    };
}

export { sleep };

export interface PitrDrillResult {
    /** The target time (the database's clock, UTC) between the two writes. */
    target: string;
    /** The rows of the drill table after the restore, in id order. */
    labels: string;
    /** restore-to-time.sh from the stop of the database to its health check passing again. */
    restoreSeconds: number;
    /** Its own report of the downtime. */
    downtimeReported: number;
    /** The restored cluster is read-write (promoted) and on a new timeline. */
    inRecovery: string;
    timeline: number;
}

/**
 * Point-in-time recovery through the payload itself: a base backup (the deploy's `backup first`,
 * or one taken now), a write, the time, a later write, the WAL shipped by the job's own push,
 * then the host's rendered restore-to-time.sh run as the deploy user against that time. The
 * earlier write must be there and the later one gone.
 */
export async function pitrDrill(t5: Tier5Stack): Promise<PitrDrillResult> {
    const backup = t5.engine.container("backups-container");
    const pitr = (args: string[], timeoutMs = 300_000) =>
        docker(t5.o.daemon.socket, ["exec", "-u", "postgres", backup.name, "/bin/sh", "/opt/slipway/backup/pitr.sh", ...args], { timeoutMs });
    // The deploy started `backup first` in the background; wait for it (or take one) — bounded.
    const deadline = Date.now() + 300_000;
    for (;;) {
        const info = await docker(t5.o.daemon.socket, ["exec", "-u", "postgres", backup.name, "pgbackrest", "--stanza=slipway", "info", "--output=json"]);
        if (info.code === 0 && /"label":/.test(info.stdout)) break;
        if (Date.now() > deadline) throw new Error(`no base backup after 300 s: ${info.stdout}${info.stderr}`);
        const b = await pitr(["backup", "first"]);
        if (b.code !== 0 && !/lock/i.test(b.stderr)) throw new Error(`pitr.sh backup first exited ${b.code}: ${b.stderr.slice(-3000)}`);
        await sleep(2000);
    }
    await psql(t5, "DROP TABLE IF EXISTS t5_pitr; CREATE TABLE t5_pitr (id int PRIMARY KEY, label text NOT NULL); INSERT INTO t5_pitr VALUES (1, 'before');");
    await sleep(1100);
    const target = await psql(t5, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
    await sleep(1100);
    // The later write stays in the open segment: no switch, no push. The restore itself must get
    // it off the host (the database's shutdown closes the segment; the script ships the spool),
    // or a time in the last minute would be unreachable.
    await psql(t5, "INSERT INTO t5_pitr VALUES (2, 'after')");

    // The rendered host script, as the deploy user would run it.
    const dataVolume = (t5.byName("db-postgres").inputs.volumes as { hostPath: string; containerPath: string }[]).find((v) => v.containerPath === "/var/lib/postgresql/data");
    if (!dataVolume) throw new Error("db-postgres has no data volume");
    const dataDir = dataVolume.hostPath.replace(/\/postgres\/data$/, "");
    const started = Date.now();
    const r = await t5.host.run(`sh ${dataDir}/backup/restore-to-time.sh '${target}'`, undefined, { timeoutMs: 900_000 });
    const restoreSeconds = (Date.now() - started) / 1000;
    if (r.code !== 0) throw new Error(`restore-to-time.sh exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-5000)}`);
    const downtime = /was down (\d+) s/.exec(r.stderr);
    // The job runs again on the restored directory (its full backup on the new timeline succeeded: the script exits 0 only then).
    const job = await t5.api.inspectContainer(backup.id);
    expect(job?.State.Running).toBe(true);
    return {
        target,
        labels: await psql(t5, "SELECT string_agg(label, ',' ORDER BY id) FROM t5_pitr"),
        restoreSeconds,
        downtimeReported: downtime ? Number(downtime[1]) : Number.NaN,
        inRecovery: await psql(t5, "SELECT pg_is_in_recovery()"),
        timeline: Number(await psql(t5, "SELECT timeline_id FROM pg_control_checkpoint()")),
    };
}
