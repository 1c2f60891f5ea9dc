'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { migrate, loadMigrations, MigrationError, LOCK_KEY, MIGRATIONS_DIR } = require('../src/migrate');
const { CREATE_TABLE } = require('../src/visits');
const { memoryLogger } = require('../test-helpers/fakes');

const APP = path.resolve(__dirname, '..');

/**
 * A PostgreSQL session reduced to what the runner relies on: an advisory lock another session
 * may hold, a `schema_migrations` ledger, and transactions that keep or drop both the
 * migration's effect and its ledger row. Migration SQL containing `boom` fails.
 */
class LedgerDb {
    constructor() {
        /** @type {Array<{ version: string, name: string, checksum: string }>} */
        this.ledger = [];
        /** @type {string[]} statements that took effect (committed migration bodies) */
        this.effects = [];
        /** @type {string[]} */
        this.log = [];
        this.lockedElsewhere = false;
        this.holdsLock = false;
        /** @type {{ ledger: LedgerDb['ledger'], effects: string[] } | undefined} */
        this.tx = undefined;
    }

    /** @param {string} text @param {unknown[]} [values] */
    async query(text, values = []) {
        const sql = text.trim();
        this.log.push(sql.split('\n')[0]);
        if (sql.startsWith('SELECT pg_try_advisory_lock')) {
            assert.equal(values[0], LOCK_KEY);
            if (this.lockedElsewhere) return { rows: [{ locked: false }] };
            this.holdsLock = true;
            return { rows: [{ locked: true }] };
        }
        if (sql.startsWith('SELECT pg_advisory_unlock')) {
            this.holdsLock = false;
            return { rows: [{ pg_advisory_unlock: true }] };
        }
        assert.ok(this.holdsLock, `ran without the lock: ${sql}`);
        if (sql.startsWith('CREATE TABLE IF NOT EXISTS schema_migrations')) return { rows: [] };
        if (sql.startsWith('SELECT version, name, checksum FROM schema_migrations')) {
            return { rows: [...this.ledger].sort((a, b) => a.version.localeCompare(b.version)) };
        }
        if (sql === 'BEGIN') {
            this.tx = { ledger: [...this.ledger], effects: [...this.effects] };
            return { rows: [] };
        }
        if (sql === 'COMMIT') {
            this.tx = undefined;
            return { rows: [] };
        }
        if (sql === 'ROLLBACK') {
            assert.ok(this.tx, 'ROLLBACK outside a transaction');
            this.ledger = this.tx.ledger;
            this.effects = this.tx.effects;
            this.tx = undefined;
            return { rows: [] };
        }
        assert.ok(this.tx, `ran outside a transaction: ${sql}`);
        if (sql.startsWith('INSERT INTO schema_migrations')) {
            const [version, name, checksum] = /** @type {string[]} */ (values);
            this.ledger.push({ version, name, checksum });
            return { rows: [] };
        }
        if (sql.includes('boom')) throw Object.assign(new Error('syntax error at or near "boom"'), { code: '42601' });
        this.effects.push(sql);
        return { rows: [] };
    }
}

/** @param {Record<string, string>} files */
const fromFiles = (files) => loadMigrations('/m', { readdir: () => Object.keys(files), readFile: (f) => files[path.basename(f)] });

const TWO = { '0002_add_path.sql': 'ALTER TABLE visits ADD COLUMN path text;', '0001_create.sql': 'CREATE TABLE visits (id int);', 'README.md': 'notes' };

test('the shipped migrations: 0001 creates the visits table with the statement the app runs at start', () => {
    const migrations = loadMigrations();
    assert.ok(migrations.length >= 1);
    assert.deepEqual(migrations.slice(0, 1).map((m) => `${m.version}_${m.name}`), ['0001_create_visits']);
    assert.ok(migrations[0].sql.includes(CREATE_TABLE), 'app startup (src/visits.js) and migration 0001 must create the same table');
    assert.equal(MIGRATIONS_DIR, path.join(APP, 'migrations'));
});

test('the image ships migrations/ where the runner looks for them', () => {
    const dockerfile = fs.readFileSync(path.join(APP, 'Dockerfile'), 'utf8');
    const dockerignore = fs.readFileSync(path.join(APP, '.dockerignore'), 'utf8').split('\n');
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^COPY src \.\/src$/m);
    assert.match(dockerfile, /^COPY migrations \.\/migrations$/m, 'src/migrate.js reads ../migrations');
    assert.ok(dockerignore.includes('!migrations/'), '.dockerignore must let migrations/ into the build context');
});

test('files load in version order; other files are ignored; bad names and duplicate versions are errors', () => {
    assert.deepEqual(
        fromFiles(TWO).map((m) => [m.version, m.name]),
        [['0001', 'create'], ['0002', 'add_path']],
    );
    assert.throws(() => fromFiles({ '1_create.sql': 'x' }), (e) => e instanceof MigrationError && /NNNN_snake_case_name\.sql/.test(e.message));
    assert.throws(() => fromFiles({ '0001_Create.sql': 'x' }), MigrationError);
    assert.throws(() => fromFiles({ '0001_a.sql': 'x', '0001_b.sql': 'y' }), /version 0001 is also 0001_a\.sql/);
});

test('pending migrations apply in order, each in a transaction with its ledger row, under the lock', async () => {
    const db = new LedgerDb();
    const log = memoryLogger();
    const result = await migrate({ client: db, migrations: fromFiles(TWO), log });
    assert.deepEqual(result, { applied: ['0001', '0002'], alreadyApplied: 0, unknown: [] });
    assert.deepEqual(db.effects, ['CREATE TABLE visits (id int);', 'ALTER TABLE visits ADD COLUMN path text;']);
    assert.deepEqual(db.ledger.map((r) => r.version), ['0001', '0002']);
    assert.equal(db.holdsLock, false, 'the lock is released');
    assert.deepEqual(db.log.slice(0, 3), ['SELECT pg_try_advisory_lock($1) AS locked', 'CREATE TABLE IF NOT EXISTS schema_migrations (', 'SELECT version, name, checksum FROM schema_migrations ORDER BY version']);
    assert.deepEqual(db.log.slice(3, 7), ['BEGIN', 'CREATE TABLE visits (id int);', 'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', 'COMMIT']);
    assert.deepEqual(log.entries.filter((e) => e.msg === 'migration applied').map((e) => e.fields.version), ['0001', '0002']);
});

test('a second run applies nothing', async () => {
    const db = new LedgerDb();
    await migrate({ client: db, migrations: fromFiles(TWO), log: memoryLogger() });
    const before = db.effects.length;
    const result = await migrate({ client: db, migrations: fromFiles(TWO), log: memoryLogger() });
    assert.deepEqual(result, { applied: [], alreadyApplied: 2, unknown: [] });
    assert.equal(db.effects.length, before);
});

test('a failing migration is rolled back with its ledger row, stops the run and names the file', async () => {
    const db = new LedgerDb();
    const files = { ...TWO, '0002_add_path.sql': 'ALTER TABLE visits boom;', '0003_later.sql': 'SELECT 3;' };
    await assert.rejects(migrate({ client: db, migrations: fromFiles(files), log: memoryLogger() }), (e) => {
        assert.ok(e instanceof MigrationError);
        assert.match(e.message, /^0002_add_path\.sql failed and was rolled back: syntax error at or near "boom"$/);
        return true;
    });
    assert.deepEqual(db.ledger.map((r) => r.version), ['0001'], '0001 stays applied; 0002 left no row; 0003 never ran');
    assert.deepEqual(db.effects, ['CREATE TABLE visits (id int);']);
    assert.ok(db.log.includes('ROLLBACK'));
    assert.equal(db.holdsLock, false, 'the lock is released on failure');
});

test('an applied migration whose file changed is refused before anything runs', async () => {
    const db = new LedgerDb();
    await migrate({ client: db, migrations: fromFiles({ '0001_create.sql': 'CREATE TABLE visits (id int);' }), log: memoryLogger() });
    const edited = fromFiles({ '0001_create.sql': 'CREATE TABLE visits (id bigint);', '0002_add_path.sql': 'SELECT 2;' });
    await assert.rejects(migrate({ client: db, migrations: edited, log: memoryLogger() }), /0001_create\.sql changed after it was applied .* add a new migration instead/);
    assert.deepEqual(db.ledger.map((r) => r.version), ['0001']);
    assert.equal(db.holdsLock, false);
});

test('versions the image does not know (an older image after a newer one migrated) are reported, not fatal', async () => {
    const db = new LedgerDb();
    await migrate({ client: db, migrations: fromFiles(TWO), log: memoryLogger() });
    const log = memoryLogger();
    const older = fromFiles({ '0001_create.sql': TWO['0001_create.sql'] });
    const result = await migrate({ client: db, migrations: older, log });
    assert.deepEqual(result, { applied: [], alreadyApplied: 1, unknown: ['0002'] });
    assert.deepEqual(log.entries.filter((e) => e.level === 'warn').map((e) => e.fields.versions), [['0002']]);
});

test('the lock wait is bounded: polls while another runner holds it, then gives up with a clear error', async () => {
    const db = new LedgerDb();
    db.lockedElsewhere = true;
    let clock = 0;
    /** @type {number[]} */
    const sleeps = [];
    const sleep = async (/** @type {number} */ ms) => {
        sleeps.push(ms);
        clock += ms;
    };
    await assert.rejects(
        migrate({ client: db, migrations: fromFiles(TWO), log: memoryLogger(), lockTimeoutMs: 3000, sleep, now: () => clock }),
        /another migration run held the lock for over 3000 ms/,
    );
    assert.deepEqual(sleeps, [1000, 1000, 1000]);
    assert.equal(db.log.filter((l) => l.startsWith('SELECT pg_try_advisory_lock')).length, 4);
    assert.deepEqual(db.ledger, [], 'nothing ran without the lock');
});

test('a runner waiting for the lock proceeds once the other one releases it', async () => {
    const db = new LedgerDb();
    db.lockedElsewhere = true;
    let clock = 0;
    const sleep = async (/** @type {number} */ ms) => {
        clock += ms;
        if (clock >= 2000) db.lockedElsewhere = false;
    };
    const result = await migrate({ client: db, migrations: fromFiles(TWO), log: memoryLogger(), lockTimeoutMs: 10000, sleep, now: () => clock });
    assert.deepEqual(result.applied, ['0001', '0002']);
    assert.equal(clock, 2000);
});

test('the CLI without DATABASE_URL prints one config error line and exits 1', () => {
    const env = { PATH: process.env.PATH || '' };
    const run = spawnSync(process.execPath, [path.join(APP, 'src', 'migrate.js')], { env, encoding: 'utf8', timeout: 20000 });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'config error: DATABASE_URL (or DATABASE_URL_FILE) is required, e.g. postgres://app:secret@127.0.0.1:5432/app.\n');
    assert.equal(run.stdout, '');
});

test('the CLI does not need REDIS_URL and reports an unreachable database as a failed migration, exit 1', () => {
    const env = { PATH: process.env.PATH || '', DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/app' };
    const run = spawnSync(process.execPath, [path.join(APP, 'src', 'migrate.js')], { env, encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 1);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['error', 'migration failed']]);
    assert.ok(!run.stdout.includes('s3cret'), 'the password never reaches the log');
});
