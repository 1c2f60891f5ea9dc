/**
 * The PostgreSQL harness itself: a cluster from the rendered config, reachable by the app role
 * with its password over TCP on 127.0.0.1 only, surviving a restart with its data.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "./harness/commands";
import { startPostgres, type PostgresCluster } from "./harness/postgres";
import type { RunDir } from "./harness/rundir";
import { useRunDir } from "./harness/lifecycle";

const currentRunDir = useRunDir("pg-harness");
let runDir: RunDir;
let pg: PostgresCluster;

beforeAll(async () => {
    runDir = currentRunDir();
    pg = await startPostgres({ runDir });
});

const appPsql = (sql: string, password = pg.app.password) =>
    run(path.join(pg.binDir, "psql"), ["-X", "-qAt", "-c", sql], { env: { ...pg.appEnv(), PGPASSWORD: password }, timeoutMs: 20_000 });

describe("throwaway PostgreSQL cluster", () => {
    it("runs the rendered config: loopback listen, SCRAM, pg_stat_statements", async () => {
        const settings = await pg.psql("SELECT current_setting('listen_addresses'), current_setting('port'), current_setting('password_encryption'), current_setting('shared_preload_libraries')");
        expect(settings).toBe(`127.0.0.1|${pg.port}|scram-sha-256|pg_stat_statements`);
    });

    it("lets the app role in over TCP with its password, and nobody with a wrong one", async () => {
        const ok = await appPsql("SELECT current_user, current_database()");
        expect(ok.stderr).toBe("");
        expect(ok.stdout.trim()).toBe(`${pg.app.user}|${pg.app.database}`);
        const bad = await appPsql("SELECT 1", "wrong");
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toMatch(/password authentication failed/);
    });

    it("keeps its data across a restart", async () => {
        await pg.psql("CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2), (3);", { database: pg.app.database });
        const before = pg.process?.pid;
        await pg.restart();
        expect(pg.process?.pid).not.toBe(before);
        expect(await pg.psql("SELECT sum(n) FROM t", { database: pg.app.database })).toBe("6");
    });
});
