/**
 * A throwaway PostgreSQL cluster on 127.0.0.1 for the live tests, configured by the same
 * renderers as the Docker payload (renderPostgresConf / renderPgHba) with loopback options:
 * listen 127.0.0.1 on a free port, the Unix socket in the cluster's own directory, SCRAM
 * passwords over TCP, peer auth on the socket for the `postgres` superuser.
 *
 *     const pg = await startPostgres({ runDir });           // initdb, start, app role + database
 *     await pg.psql("SELECT count(*) FROM visits", { database: pg.app.database });
 *     pg.app.url                                            // postgres://app:…@127.0.0.1:port/app
 *     await pg.restart(); await pg.stop();                  // data directory kept until the run dir goes
 *
 * PostgreSQL refuses to run as root, so initdb, the server and psql run as the `postgres` OS
 * user in a directory it owns under the run directory.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type PostgresConfOptions, renderPgHba, renderPostgresConf } from "../../../components/database/postgres-conf";
import { missingTool, run, runOk } from "./commands";
import { freePort } from "./ports";
import { startProcess } from "./processes";
import type { RunDir } from "./rundir";
import { serverControl, type ServerControl } from "./server";
import { systemUser } from "./users";

export interface PostgresOptions {
    runDir: RunDir;
    /** Distinguishes several clusters in one run (e.g. "postgres-restore"); also the log name. @default "postgres" */
    name?: string;
    /** @default a free loopback port */
    port?: number;
    /** The application's role and database, created at start. Defaults: user and database "app", a random password. */
    app?: { user?: string; password?: string; database?: string };
    /** The memory budget the config is tuned for. @default 256 (the renderer's minimum) */
    memoryMiB?: number;
    /** More of the payload's postgresql.conf options (WAL archiving, socket permissions) than the loopback defaults. */
    conf?: Pick<PostgresConfOptions, "archive" | "unixSocketPermissions">;
}

export interface AppDatabase {
    user: string;
    password: string;
    database: string;
    /** `postgres://user:password@127.0.0.1:port/database` */
    url: string;
}

export interface PostgresCluster extends ServerControl {
    readonly name: string;
    readonly host: "127.0.0.1";
    readonly port: number;
    readonly dataDir: string;
    /** Directory of the Unix socket (`psql -h <socketDir>`). */
    readonly socketDir: string;
    /** Where initdb, pg_dump, pg_restore, psql… live. */
    readonly binDir: string;
    readonly app: AppDatabase;
    /**
     * Runs SQL (several statements allowed) as the `postgres` superuser over the socket and
     * returns psql's unaligned, tuples-only output (`-qAt`). Fails on the first error.
     */
    psql(sql: string, o?: { database?: string }): Promise<string>;
    /** Environment for libpq tools (pg_dump, psql…) connecting as the app role over TCP. */
    appEnv(): NodeJS.ProcessEnv;
    // start, restart, kill (SIGKILL: `start()` then runs crash recovery) and `process` from
    // ServerControl; stop is a fast shutdown (SIGINT): sessions are disconnected, nothing waits.
}

/** The newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
    const root = "/usr/lib/postgresql";
    const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "bin", "postgres"))) : [];
    if (majors.length === 0) throw missingTool("PostgreSQL (postgresql)");
    majors.sort((a, b) => Number(b) - Number(a));
    return path.join(root, majors[0], "bin");
}

/** A single-quoted SQL string literal. */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A double-quoted SQL identifier. */
const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export async function startPostgres(o: PostgresOptions): Promise<PostgresCluster> {
    const name = o.name ?? "postgres";
    const binDir = postgresBinDir();
    const owner = systemUser("postgres");
    const port = o.port ?? (await freePort());
    const root = path.join(o.runDir.path, name);
    const dataDir = path.join(root, "data");
    const socketDir = path.join(root, "socket");
    const hbaFile = path.join(root, "pg_hba.conf");
    for (const d of [root, socketDir]) {
        fs.mkdirSync(d, { mode: 0o700 });
        fs.chownSync(d, owner.uid, owner.gid);
    }
    const asOwner = { uid: owner.uid, gid: owner.gid, cwd: root, env: { PATH: process.env.PATH, HOME: root, LANG: "C.UTF-8" } };

    await runOk(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256"], {
        ...asOwner,
        timeoutMs: 120_000,
    });
    const writeOwned = (file: string, text: string): void => {
        fs.writeFileSync(file, text, { mode: 0o600 });
        fs.chownSync(file, owner.uid, owner.gid);
    };
    // The payload's files, with the loopback options; initdb's postgresql.conf is replaced whole.
    writeOwned(
        path.join(dataDir, "postgresql.conf"),
        renderPostgresConf({
            memoryMiB: o.memoryMiB ?? 256,
            listenAddresses: ["127.0.0.1"],
            port,
            slowQueryMs: 500,
            hbaFile,
            unixSocketDirectory: socketDir,
            ...o.conf,
        }),
    );
    writeOwned(hbaFile, renderPgHba({ clients: ["127.0.0.1/32"], localAuth: "peer" }));

    const psqlBin = path.join(binDir, "psql");
    const psql = (sql: string, q: { database?: string } = {}): Promise<string> =>
        runOk(psqlBin, ["-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(port), "-U", "postgres", "-d", q.database ?? "postgres", "-f", "-"], {
            ...asOwner,
            input: sql,
            timeoutMs: 60_000,
        }).then((out) => out.trimEnd());

    const server = serverControl(
        () =>
            startProcess(name, path.join(binDir, "postgres"), ["-D", dataDir], {
                ...asOwner,
                logDir: o.runDir.logDir,
                stopSignal: "SIGINT", // fast shutdown; SIGTERM (smart) would wait for the app's pooled sessions
                stopTimeoutMs: 20_000,
            }),
        {
            check: async () => (await run(path.join(binDir, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(port)], { timeoutMs: 5_000 })).code === 0,
            timeoutMs: 60_000,
            what: `${name} to accept connections on 127.0.0.1:${port}`,
        },
    );
    await server.start();

    const user = o.app?.user ?? "app";
    const database = o.app?.database ?? "app";
    const password = o.app?.password ?? randomBytes(18).toString("hex");
    await psql(`CREATE ROLE ${ident(user)} LOGIN PASSWORD ${literal(password)};\nCREATE DATABASE ${ident(database)} OWNER ${ident(user)};`);
    const app: AppDatabase = {
        user,
        password,
        database,
        url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    };

    return Object.assign(server, {
        name,
        host: "127.0.0.1" as const,
        port,
        dataDir,
        socketDir,
        binDir,
        app,
        psql,
        appEnv: () => ({ PATH: process.env.PATH, PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: user, PGPASSWORD: password, PGDATABASE: database }),
    });
}
