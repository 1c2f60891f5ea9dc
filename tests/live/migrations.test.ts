/**
 * The sample app's migration runner (app/src/migrate.js) against a real PostgreSQL, the way the
 * deploy runs it (`node src/migrate.js` with DATABASE_URL): on a database where the app already
 * created its table at start, twice in a row, two runners at once, and a failing migration.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run, type RunResult } from "./harness/commands";
import { startPostgres, type PostgresCluster } from "./harness/postgres";
import type { RunDir } from "./harness/rundir";
import { useRunDir } from "./harness/lifecycle";

const appDir = path.resolve(__dirname, "..", "..", "app");
const appRequire = createRequire(path.join(appDir, "package.json"));
// The app is plain CommonJS without declarations: the parts used here, typed by hand.
interface PgClient {
    connect(): Promise<void>;
    end(): Promise<void>;
    query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}
interface Migration {
    version: string;
    name: string;
    sql: string;
    checksum: string;
}
type Logger = Record<"debug" | "info" | "warn" | "error", (msg: string, fields?: object) => void>;
const { migrate, loadMigrations } = appRequire("./src/migrate.js") as {
    migrate(o: { client: PgClient; migrations: Migration[]; log: Logger }): Promise<{ applied: string[] }>;
    loadMigrations(): Migration[];
};
const { CREATE_TABLE } = appRequire("./src/visits.js") as { CREATE_TABLE: string };
const { silentLogger } = appRequire("./src/log.js") as { silentLogger: Logger };
// pg is the app's dependency (app/node_modules), as in the image.
const pg = appRequire("pg") as { Client: new (o: { connectionString: string }) => PgClient };

const currentRunDir = useRunDir("migrations");
let runDir: RunDir;
let cluster: PostgresCluster;

beforeAll(async () => {
    runDir = currentRunDir();
    cluster = await startPostgres({ runDir });
});

/** A fresh database owned by the app role, and its URL. */
async function freshDatabase(name: string): Promise<string> {
    await cluster.psql(`CREATE DATABASE ${name} OWNER ${cluster.app.user}`);
    return cluster.app.url.replace(/\/[^/?]+(\?.*)?$/, `/${name}`);
}

/** The CLI exactly as the one-off task runs it: only DATABASE_URL, no REDIS_URL. */
const migrateCli = (databaseUrl: string): Promise<RunResult> =>
    run(process.execPath, [path.join(appDir, "src", "migrate.js")], { cwd: appDir, env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl }, timeoutMs: 60_000 });

const logLines = (r: RunResult) => r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { msg: string; applied?: string[]; version?: string });

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
        return (await client.query(sql)).rows as T[];
    } finally {
        await client.end();
    }
}

const shipped = loadMigrations();

describe("migration runner on PostgreSQL", () => {
    it("records 0001 on a database where the app already created visits at start, keeping its rows", async () => {
        const url = await freshDatabase("started_first");
        // What the app's startup does (src/visits.js), as the app role, before any migration ran.
        await query(url, CREATE_TABLE);
        await query(url, "INSERT INTO visits (request_id) VALUES ('before-migrations')");

        const r = await migrateCli(url);
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(logLines(r).filter((l) => l.msg === "migration applied").map((l) => l.version)).toEqual(shipped.map((m) => m.version));
        const ledger = await query<{ version: string; checksum: string }>(url, "SELECT version, checksum FROM schema_migrations ORDER BY version");
        expect(ledger).toEqual(shipped.map((m) => ({ version: m.version, checksum: m.checksum })));
        expect(await query(url, "SELECT request_id FROM visits")).toEqual([{ request_id: "before-migrations" }]);

        // The app's own statement still runs after migrations: startup keeps working.
        await query(url, CREATE_TABLE);
        await query(url, "INSERT INTO visits (request_id) VALUES ('after-migrations')");
        expect(await query(url, "SELECT count(*)::int AS n FROM visits")).toEqual([{ n: 2 }]);
    });

    it("a second run applies nothing and says the schema is current", async () => {
        const url = await freshDatabase("twice");
        expect((await migrateCli(url)).code).toBe(0);
        const again = await migrateCli(url);
        expect(again.code, again.stderr).toBe(0);
        expect(logLines(again).map((l) => [l.msg, l.applied])).toEqual([["schema is current", []]]);
    });

    it("two runners at once: both succeed and each migration is applied once", async () => {
        const url = await freshDatabase("racing");
        const [a, b] = await Promise.all([migrateCli(url), migrateCli(url)]);
        expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
        const appliedBy = [a, b].map((r) => logLines(r).find((l) => l.msg === "schema is current")?.applied);
        expect(appliedBy.flat().sort()).toEqual(shipped.map((m) => m.version));
        expect(await query(url, "SELECT count(*)::int AS n FROM schema_migrations")).toEqual([{ n: shipped.length }]);
    });

    it("a failing migration leaves neither its changes nor its ledger row, and releases the lock", async () => {
        const url = await freshDatabase("failing");
        const migrations = [
            { version: "0001", name: "ok", sql: "CREATE TABLE kept (id int);", checksum: "a" },
            { version: "0002", name: "broken", sql: "CREATE TABLE dropped_again (id int); SELECT no_such_function();", checksum: "b" },
        ];
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
            await expect(migrate({ client, migrations, log: silentLogger })).rejects.toThrow(/^0002_broken\.sql failed and was rolled back: function no_such_function\(\) does not exist/);
            const locks = await client.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()");
            expect(locks.rows).toEqual([{ n: 0 }]);
        } finally {
            await client.end();
        }
        expect(await query(url, "SELECT version FROM schema_migrations")).toEqual([{ version: "0001" }]);
        expect(await query(url, "SELECT to_regclass('kept')::text AS kept, to_regclass('dropped_again')::text AS dropped")).toEqual([{ kept: "kept", dropped: null }]);
    });

    it("fails with exit 1 and no password in its output when the password is wrong", async () => {
        const url = (await freshDatabase("locked_out")).replace(`:${encodeURIComponent(cluster.app.password)}@`, ":not-the-password@");
        const r = await migrateCli(url);
        expect(r.code).toBe(1);
        expect(logLines(r).map((l) => l.msg)).toEqual(["migration failed"]);
        expect(r.stdout).toMatch(/password authentication failed/);
        expect(r.stdout).not.toContain("not-the-password");
    });
});
