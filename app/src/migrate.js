'use strict';

// `node src/migrate.js`: applies the SQL files in migrations/ that the database has not seen,
// in order, each in its own transaction, under an advisory lock so two runners (two deploys,
// or a retry racing the first attempt) never apply the same file twice. Run it as a one-off
// task with the new image before traffic moves to it. Exit 0 when the schema is current.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** @typedef {import('./log').Logger} Logger */
/** @typedef {{ query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }} Client */
/** @typedef {{ version: string, name: string, sql: string, checksum: string }} Migration */

const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

/** `0001_create_visits.sql`: a four-digit version, then a snake_case name. */
const FILE_NAME = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

/** The advisory lock every runner of this app takes (any constant bigint; "slip" in ASCII). */
const LOCK_KEY = 0x736c6970;

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** A migration problem a person must fix; the message says what and where. */
class MigrationError extends Error {
    /** @param {string} message */
    constructor(message) {
        super(message);
        this.name = 'MigrationError';
    }
}

/** @param {string} sql */
const checksumOf = (sql) => crypto.createHash('sha256').update(sql).digest('hex');

/**
 * Reads `dir`'s migrations in version order. A `.sql` file that does not follow the naming
 * rule, or two files with one version, is an error rather than silently skipped.
 *
 * @param {string} [dir]
 * @param {{ readdir?: (dir: string) => string[], readFile?: (file: string) => string }} [io]
 * @returns {Migration[]}
 */
function loadMigrations(dir = MIGRATIONS_DIR, io = {}) {
    const readdir = io.readdir || ((d) => fs.readdirSync(d));
    const readFile = io.readFile || ((f) => fs.readFileSync(f, 'utf8'));
    /** @type {Map<string, Migration>} */
    const byVersion = new Map();
    for (const file of readdir(dir).filter((f) => f.endsWith('.sql')).sort()) {
        const match = FILE_NAME.exec(file);
        if (!match) throw new MigrationError(`${file}: migration files are named NNNN_snake_case_name.sql, e.g. 0002_add_visits_path.sql`);
        const [, version, name] = match;
        const existing = byVersion.get(version);
        if (existing) throw new MigrationError(`${file}: version ${version} is also ${existing.version}_${existing.name}.sql`);
        const sql = readFile(path.join(dir, file));
        byVersion.set(version, { version, name, sql, checksum: checksumOf(sql) });
    }
    return [...byVersion.values()];
}

/**
 * Takes the migration lock, polling so the wait is bounded: `pg_advisory_lock` would wait
 * forever behind a runner that hangs.
 *
 * @param {Client} client
 * @param {{ timeoutMs: number, pollMs?: number, sleep?: (ms: number) => Promise<void>, now?: () => number }} o
 */
async function acquireLock(client, o) {
    const pollMs = o.pollMs ?? 1000;
    const sleep = o.sleep || ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const now = o.now || Date.now;
    const deadline = now() + o.timeoutMs;
    const maxAttempts = Math.floor(o.timeoutMs / pollMs) + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
        if (rows[0] && rows[0].locked === true) return;
        if (attempt === maxAttempts || now() + pollMs > deadline) break;
        await sleep(pollMs);
    }
    throw new MigrationError(`another migration run held the lock for over ${o.timeoutMs} ms; try again when it has finished`);
}

/**
 * Applies every migration the ledger (`schema_migrations`) lacks, in version order, each in a
 * transaction with its ledger row, so a failed file leaves neither its changes nor its row.
 * An applied file whose content changed is an error: fix forward with a new file instead.
 * Versions in the ledger that this image does not have (a newer image migrated, then the app
 * was rolled back) are reported and left alone: migrations are written to be compatible with
 * the previous release, which is what makes that rollback safe.
 *
 * @param {{ client: Client, migrations: Migration[], log: Logger, lockTimeoutMs?: number,
 *           sleep?: (ms: number) => Promise<void>, now?: () => number }} o
 * @returns {Promise<{ applied: string[], alreadyApplied: number, unknown: string[] }>}
 */
async function migrate(o) {
    const { client, migrations, log } = o;
    await acquireLock(client, { timeoutMs: o.lockTimeoutMs ?? 300000, sleep: o.sleep, now: o.now });
    try {
        await client.query(CREATE_LEDGER);
        const { rows } = await client.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
        /** @type {Map<string, { version: string, name: string, checksum: string }>} */
        const ledger = new Map(rows.map((r) => [String(r.version), r]));

        for (const m of migrations) {
            const row = ledger.get(m.version);
            if (row && row.checksum !== m.checksum) {
                throw new MigrationError(
                    `${m.version}_${m.name}.sql changed after it was applied (checksum ${String(row.checksum).slice(0, 12)}… in schema_migrations, ${m.checksum.slice(0, 12)}… now); add a new migration instead of editing an applied one`,
                );
            }
        }
        const known = new Set(migrations.map((m) => m.version));
        const unknown = [...ledger.keys()].filter((v) => !known.has(v));
        if (unknown.length > 0) log.warn('database has migrations this image does not know', { versions: unknown });

        /** @type {string[]} */
        const applied = [];
        for (const m of migrations.filter((x) => !ledger.has(x.version))) {
            const started = Date.now();
            await client.query('BEGIN');
            try {
                await client.query(m.sql);
                await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
                await client.query('COMMIT');
            } catch (err) {
                await client.query('ROLLBACK').catch(() => undefined);
                const reason = err instanceof Error ? err.message : String(err);
                throw Object.assign(new MigrationError(`${m.version}_${m.name}.sql failed and was rolled back: ${reason}`), { cause: err });
            }
            applied.push(m.version);
            log.info('migration applied', { version: m.version, name: m.name, duration_ms: Date.now() - started });
        }
        return { applied, alreadyApplied: migrations.length - applied.length, unknown };
    } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
}

/** The CLI: reads DATABASE_URL (or DATABASE_URL_FILE), migrates, exits 0 or 1. */
async function main() {
    const { loadMigrateConfig, ConfigError } = require('./config');
    const { createLogger } = require('./log');
    let config;
    try {
        config = loadMigrateConfig(process.env);
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`config error: ${err.message}\n`);
        return 1;
    }
    const log = createLogger({ level: config.logLevel });
    const pg = /** @type {any} */ (require('pg')); // pg ships no type declarations
    // One session, not a pool: the advisory lock belongs to the connection that took it.
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 10000, application_name: 'slipway-migrate' });
    try {
        await client.connect();
        const result = await migrate({ client, migrations: loadMigrations(), log, lockTimeoutMs: config.lockTimeoutMs });
        log.info('schema is current', { applied: result.applied, already_applied: result.alreadyApplied });
        return 0;
    } catch (err) {
        log.error('migration failed', { error: err });
        return 1;
    } finally {
        await client.end().catch(() => undefined);
    }
}

if (require.main === module) {
    main().then((code) => {
        process.exitCode = code;
    });
}

module.exports = { migrate, loadMigrations, acquireLock, MigrationError, LOCK_KEY, CREATE_LEDGER, MIGRATIONS_DIR };
