/**
 * The database bootstrap's SQL (components/database/bootstrap/roles-sql.ts) run by the real
 * handler (handler.mjs, the file Lambda runs) against a real PostgreSQL on 127.0.0.1, as an
 * RDS-like master user: LOGIN CREATEROLE CREATEDB, not a superuser, owner of the app's database
 * (RDS's master is `rds_superuser`, which has no more role powers than that). Secrets Manager
 * is a stub map here (it is AWS); PostgreSQL, pg_dump and the app's migration runner are real.
 *
 * Proves: the app role creates and migrates its schema and can do nothing else (no other role,
 * no catalog of passwords, no superuser, no other schema); the backup role dumps everything and
 * writes nothing; a re-run converges without change; a new secret value becomes the password;
 * a role someone made superuser by hand stops the deploy instead of being kept.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bootstrap, type BootstrapEvent, scramSha256Verifier } from "../../components/database/bootstrap/handler.mjs";
import { databaseRolesSql } from "../../components/database/bootstrap/roles-sql";
import { run } from "./harness/commands";
import { useRunDir } from "./harness/lifecycle";
import { startPostgres, type PostgresCluster } from "./harness/postgres";

const appDir = path.resolve(__dirname, "..", "..", "app");
const appRequire = createRequire(path.join(appDir, "package.json"));
interface PgClient {
    connect(): Promise<void>;
    end(): Promise<void>;
    query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}
// pg is the sample app's dependency (app/node_modules), as in the other live tests.
const pg = appRequire("pg") as { Client: new (o: object) => PgClient };

const MASTER = "slipway_admin";
const MASTER_PASSWORD = "master-Password-1";
const DATABASE = "appdb";
const statements = databaseRolesSql({ database: DATABASE, appRole: "app", backupRole: "backup" });

const currentRunDir = useRunDir("database-roles");
let cluster: PostgresCluster;
/** The stub Secrets Manager: ARN → JSON value, as the handler reads it. */
const secrets = new Map<string, Record<string, unknown>>();

const event = (): BootstrapEvent => ({
    host: "127.0.0.1",
    port: cluster.port,
    database: DATABASE,
    masterSecretArn: "arn:master",
    roles: [
        { name: "app", secretArn: "arn:app" },
        { name: "backup", secretArn: "arn:backup" },
    ],
});

const runBootstrap = () =>
    bootstrap(event(), {
        statements,
        readSecret: async (arn) => {
            const v = secrets.get(arn);
            if (!v) throw new Error(`no secret ${arn}`);
            return v;
        },
        connect: async (c) => {
            const client = new pg.Client(c);
            await client.connect();
            return client;
        },
    });

async function as<T = Record<string, unknown>>(user: string, password: string, sql: string, database = DATABASE): Promise<T[]> {
    const client = new pg.Client({ host: "127.0.0.1", port: cluster.port, user, password, database });
    await client.connect();
    try {
        return (await client.query(sql)).rows as T[];
    } finally {
        await client.end();
    }
}
const password = (role: string): string => String(secrets.get(`arn:${role}`)!.password);
const asApp = <T = Record<string, unknown>>(sql: string) => as<T>("app", password("app"), sql);
const asBackup = <T = Record<string, unknown>>(sql: string) => as<T>("backup", password("backup"), sql);

beforeAll(async () => {
    cluster = await startPostgres({ runDir: currentRunDir(), app: { user: "harness", database: "harness" } });
    // What RDS leaves behind: a non-superuser master with CREATEROLE/CREATEDB owning dbName.
    await cluster.psql(`CREATE ROLE ${MASTER} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER_PASSWORD}';\nCREATE DATABASE ${DATABASE} OWNER ${MASTER};`);
    // Something of the master's the app must not see.
    await as(MASTER, MASTER_PASSWORD, "CREATE SCHEMA ops; CREATE TABLE ops.audit (note text); INSERT INTO ops.audit VALUES ('master only')");
    secrets.set("arn:master", { username: MASTER, password: MASTER_PASSWORD });
    secrets.set("arn:app", { username: "app", password: "appPassword0123456789abcdefghijklmnopqrst" });
    secrets.set("arn:backup", { username: "backup", password: "backupPassword0123456789abcdefghijklmnop" });
    expect(await runBootstrap()).toEqual({ database: DATABASE, roles: ["app", "backup"], statements: statements.length });
});

const rejects = async (p: Promise<unknown>, message: RegExp): Promise<void> => {
    await expect(p).rejects.toThrow(message);
};

describe("database roles on a real PostgreSQL", () => {
    it("creates both roles as plain logins: no superuser, replication, bypassrls, createrole or createdb", async () => {
        const roles = await cluster.psql("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin, rolinherit FROM pg_roles WHERE rolname IN ('app','backup') ORDER BY 1");
        expect(roles.split("\n")).toEqual(["app|f|f|f|f|f|t|f", "backup|f|f|f|f|f|t|t"]);
        // Stored as SCRAM verifiers (what the handler sends), never as plain text or md5.
        expect(await cluster.psql("SELECT rolname FROM pg_authid WHERE rolname IN ('app','backup') AND rolpassword LIKE 'SCRAM-SHA-256$4096:%' ORDER BY 1")).toBe("app\nbackup");
    });

    it("lets the app create, migrate and use its own schema", async () => {
        await asApp("CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('hello')");
        expect(await asApp("SELECT n.nspname AS schema, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'notes'")).toEqual([
            { schema: "app", owner: "app" },
        ]);
        // The sample app's real migration runner, with the URL the app task gets (minus TLS, which this cluster has not).
        const url = `postgres://app:${encodeURIComponent(password("app"))}@127.0.0.1:${cluster.port}/${DATABASE}`;
        const r = await run(process.execPath, [path.join(appDir, "src", "migrate.js")], { cwd: appDir, env: { PATH: process.env.PATH ?? "", DATABASE_URL: url }, timeoutMs: 60_000 });
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(await asApp("SELECT count(*)::int AS n FROM app.schema_migrations")).toEqual([{ n: 1 }]);
        expect(await asApp("SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'visits'")).toEqual([{ schema: "app" }]);
    });

    it("gives the app nothing beyond its schema: no other role, password catalog, superuser or other schema", async () => {
        await rejects(asApp("SELECT rolpassword FROM pg_authid"), /permission denied/);
        await rejects(asApp("ALTER ROLE backup PASSWORD 'taken-over'"), /permission denied|must have CREATEROLE/);
        await rejects(asApp(`ALTER ROLE ${MASTER} PASSWORD 'taken-over'`), /permission denied|must have CREATEROLE/);
        await rejects(asApp("CREATE ROLE intruder LOGIN"), /permission denied/);
        await rejects(asApp("SET ROLE backup"), /permission denied/);
        await rejects(asApp(`SET ROLE ${MASTER}`), /permission denied/);
        await rejects(asApp("ALTER ROLE app SUPERUSER"), /permission denied|must be superuser/);
        await rejects(asApp("SELECT * FROM ops.audit"), /permission denied/);
        await rejects(asApp("CREATE TABLE public.sneaky (id int)"), /permission denied/);
        await rejects(asApp("CREATE DATABASE other"), /permission denied/);
        expect(await asApp("SELECT current_setting('is_superuser') AS su")).toEqual([{ su: "off" }]);
    });

    it("lets the backup role pg_dump everything, and write nothing", async () => {
        const dump = await run(path.join(cluster.binDir, "pg_dump"), ["--format=plain", "--no-password", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", "backup", "-d", DATABASE], {
            env: { PATH: process.env.PATH ?? "", PGPASSWORD: password("backup") },
            timeoutMs: 60_000,
        });
        expect(dump.code, dump.stderr).toBe(0);
        expect(dump.stdout).toMatch(/COPY app\.notes \(id, body\) FROM stdin;\n1\thello\n/);
        expect(dump.stdout).toMatch(/COPY ops\.audit \(note\) FROM stdin;\nmaster only\n/);
        expect(dump.stdout).toContain("CREATE TABLE app.schema_migrations");

        await rejects(asBackup("INSERT INTO app.notes (body) VALUES ('x')"), /read-only transaction/);
        // Even in a transaction it opens read-write, it holds no write privilege anywhere.
        await rejects(asBackup("BEGIN READ WRITE; INSERT INTO app.notes (body) VALUES ('x'); COMMIT"), /permission denied/);
        await rejects(asBackup("BEGIN READ WRITE; CREATE TABLE app.t (id int); COMMIT"), /permission denied/);
        await rejects(asBackup("BEGIN READ WRITE; CREATE TABLE public.t (id int); COMMIT"), /permission denied/);
        await rejects(asBackup("BEGIN READ WRITE; CREATE TEMP TABLE t (id int); COMMIT"), /permission denied/);
        // pg_read_all_data reads every table, pg_authid included: what it sees of the roles is
        // SCRAM verifiers (random 40-character passwords behind them), never a password.
        const authid = await asBackup<{ rolname: string; rolpassword: string | null }>("SELECT rolname, rolpassword FROM pg_authid WHERE rolpassword IS NOT NULL");
        expect(authid.length).toBeGreaterThan(0);
        for (const r of authid) expect(r.rolpassword, r.rolname).toMatch(/^SCRAM-SHA-256\$4096:/);
        expect(JSON.stringify(authid)).not.toContain(password("app"));
        expect(await asApp("SELECT count(*)::int AS n FROM notes")).toEqual([{ n: 1 }]);
    });

    it("lets no other login into the app's database", async () => {
        await rejects(as("harness", cluster.app.password, "SELECT 1"), /permission denied for database/);
    });

    it("re-runs without changing anything but the password salts", async () => {
        const snapshot = () =>
            cluster.psql(
                `SELECT string_agg(r.rolname || ':' || r.rolcanlogin || r.rolinherit || coalesce(array_to_string(r.rolconfig, ','), ''), ' ' ORDER BY r.rolname) FROM pg_roles r WHERE r.rolname IN ('app','backup');
                 SELECT string_agg(g.rolname || '>' || m.rolname, ' ' ORDER BY g.rolname, m.rolname) FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE m.rolname IN ('app','backup');
                 SELECT datacl::text FROM pg_database WHERE datname = '${DATABASE}';
                 SELECT nspowner::regrole::text || ' ' || coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname IN ('app', 'public') ORDER BY nspname;`,
                { database: DATABASE },
            );
        const before = await snapshot();
        await runBootstrap();
        await runBootstrap();
        expect(await snapshot()).toBe(before);
        expect(before).toContain("pg_read_all_data>backup");
        expect(await asApp("SELECT body FROM notes")).toEqual([{ body: "hello" }]);
    });

    it("sets a changed secret value as the role's password: the new one logs in, the old one no longer does", async () => {
        const old = password("app");
        secrets.set("arn:app", { username: "app", password: "rotatedAppPassword0123456789abcdefghijk" });
        await runBootstrap();
        expect(await asApp("SELECT current_user AS u")).toEqual([{ u: "app" }]);
        await rejects(as("app", old, "SELECT 1"), /password authentication failed/);
    });

    it("refuses, and changes nothing, when a role was made superuser by hand or its secret names another role", async () => {
        await cluster.psql("ALTER ROLE backup SUPERUSER");
        const pw = password("backup");
        secrets.set("arn:backup", { username: "backup", password: "notApplied0123456789abcdefghijklmnopqrs" });
        try {
            await rejects(runBootstrap(), /SUPERUSER, REPLICATION or BYPASSRLS/);
            // Rolled back: the password did not change either.
            expect(await as("backup", pw, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
        } finally {
            await cluster.psql("ALTER ROLE backup NOSUPERUSER");
            secrets.set("arn:backup", { username: "backup", password: pw });
        }
        secrets.set("arn:backup", { username: "app", password: pw });
        try {
            await rejects(runBootstrap(), /the secret for role backup is for "app"/);
        } finally {
            secrets.set("arn:backup", { username: "backup", password: pw });
        }
    });

    it("computes the SCRAM verifier PostgreSQL itself computes (same salt, same keys)", async () => {
        // psql's \password path: PostgreSQL hashes a plain password with password_encryption=scram-sha-256.
        await cluster.psql("CREATE ROLE scram_probe PASSWORD 'probe-Password-9'");
        const stored = await cluster.psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'");
        const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(stored)![1], "base64");
        expect(scramSha256Verifier("probe-Password-9", salt)).toBe(stored);
    });
});
