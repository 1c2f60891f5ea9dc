'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { loadConfig, ConfigError } = require('../src/config');

const DB = 'postgres://app:s3cret@127.0.0.1:5432/app';
const REDIS = 'redis://:r3dis@127.0.0.1:6379/0';
const SERVER = path.resolve(__dirname, '..', 'src', 'server.js');

/** @param {Record<string, string>} files */
const readFrom = (files) => ({
    readFile: (/** @type {string} */ p) => {
        if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
        return files[p];
    },
});

test('defaults: port 8080 on 0.0.0.0, info logs, 10 s shutdown', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: DB, REDIS_URL: REDIS }), {
        port: 8080,
        host: '0.0.0.0',
        databaseUrl: DB,
        redisUrl: REDIS,
        logLevel: 'info',
        shutdownTimeoutMs: 10000,
    });
});

test('PORT, HOST, LOG_LEVEL and SHUTDOWN_TIMEOUT_MS are read', () => {
    const c = loadConfig({
        DATABASE_URL: DB, REDIS_URL: 'rediss://:x@cache:6380', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'DEBUG', SHUTDOWN_TIMEOUT_MS: '2500',
    });
    assert.equal(c.port, 0);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.shutdownTimeoutMs, 2500);
    assert.equal(c.redisUrl, 'rediss://:x@cache:6380');
});

test('*_FILE variants are read and trimmed', () => {
    const c = loadConfig(
        { DATABASE_URL_FILE: '/run/secrets/db', REDIS_URL_FILE: '/run/secrets/redis' },
        readFrom({ '/run/secrets/db': `${DB}\n`, '/run/secrets/redis': `  ${REDIS}\r\n` }),
    );
    assert.equal(c.databaseUrl, DB);
    assert.equal(c.redisUrl, REDIS);
});

test('*_FILE reads the real file system by default', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-config-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'db'), `${DB}\n`);
    assert.equal(loadConfig({ DATABASE_URL_FILE: path.join(dir, 'db'), REDIS_URL: REDIS }).databaseUrl, DB);
});

test('missing required settings fail with one line naming the variable', () => {
    assert.throws(() => loadConfig({ REDIS_URL: REDIS }), {
        name: 'ConfigError',
        message: 'DATABASE_URL (or DATABASE_URL_FILE) is required, e.g. postgres://app:secret@127.0.0.1:5432/app.',
    });
    assert.throws(() => loadConfig({ DATABASE_URL: DB, REDIS_URL: '' }), /^ConfigError: REDIS_URL \(or REDIS_URL_FILE\) is required/);
});

test('a secret given twice, an unreadable or empty file are errors', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: DB, DATABASE_URL_FILE: '/x', REDIS_URL: REDIS }), {
        message: 'Set DATABASE_URL or DATABASE_URL_FILE, not both.',
    });
    assert.throws(() => loadConfig({ DATABASE_URL_FILE: '/missing', REDIS_URL: REDIS }, readFrom({})), {
        message: 'DATABASE_URL_FILE=/missing cannot be read (ENOENT).',
    });
    assert.throws(() => loadConfig({ DATABASE_URL: DB, REDIS_URL_FILE: '/empty' }, readFrom({ '/empty': '\n' })), {
        message: 'REDIS_URL_FILE=/empty is empty.',
    });
});

test('a wrong scheme is rejected without echoing the value', () => {
    const err = /** @type {Error} */ (captureError(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x', REDIS_URL: REDIS })));
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//);
    assert.doesNotMatch(err.message, /hunter2/);
    assert.throws(() => loadConfig({ DATABASE_URL: DB, REDIS_URL: 'http://cache' }), /REDIS_URL must start with redis:\/\/ or rediss:\/\//);
});

test('bad PORT, LOG_LEVEL and SHUTDOWN_TIMEOUT_MS are rejected', () => {
    const base = { DATABASE_URL: DB, REDIS_URL: REDIS };
    assert.throws(() => loadConfig({ ...base, PORT: '80a' }), { message: 'PORT is "80a"; expected an integer from 0 to 65535.' });
    assert.throws(() => loadConfig({ ...base, PORT: '70000' }), /PORT is "70000"/);
    assert.throws(() => loadConfig({ ...base, LOG_LEVEL: 'verbose' }), {
        message: 'LOG_LEVEL is "verbose"; expected one of debug, info, warn, error.',
    });
    assert.throws(() => loadConfig({ ...base, SHUTDOWN_TIMEOUT_MS: '-1' }), /SHUTDOWN_TIMEOUT_MS is "-1"/);
});

test('server.js exits 1 with a one-line error when a required setting is missing', () => {
    const result = spawnSync(process.execPath, [SERVER], {
        env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://app:topsecret@127.0.0.1:1/app' },
        encoding: 'utf8',
        timeout: 10000,
    });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'config error: REDIS_URL (or REDIS_URL_FILE) is required, e.g. redis://:secret@127.0.0.1:6379/0.\n');
    assert.doesNotMatch(result.stderr, /topsecret/);
});

/** @param {() => unknown} fn */
function captureError(fn) {
    try {
        fn();
    } catch (err) {
        return err;
    }
    assert.fail('expected an error');
}
