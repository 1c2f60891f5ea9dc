'use strict';

// The real pg pool and node-redis client, with the app's options, against protocol fakes
// that the tests stop and restart: no crash on a dropped connection, recovery afterwards.

const test = require('node:test');
const assert = require('node:assert/strict');

const { createDb, createRedis, poolOptions, redisOptions, redisReconnectDelay } = require('../src/clients');
const { createHealthChecker } = require('../src/health');
const { startFakePostgres } = require('../test-helpers/fake-postgres');
const { startFakeRedis } = require('../test-helpers/fake-redis');
const { memoryLogger } = require('../test-helpers/fakes');

/**
 * Polls `fn` until it returns true or `ms` passes.
 * @param {() => Promise<boolean> | boolean} fn
 */
async function eventually(fn, ms = 5000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (await fn()) return;
        await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail(`condition not met within ${ms} ms`);
}

test('reconnect backoff starts at 100 ms, doubles and is capped at 2 s forever', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 50, 10000].map(redisReconnectDelay), [100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000]);
    const opts = redisOptions('redis://x');
    assert.equal(opts.socket.reconnectStrategy, redisReconnectDelay);
    assert.equal(opts.disableOfflineQueue, true, 'commands fail fast while disconnected');
    assert.ok(opts.socket.connectTimeout <= 5000);
});

test('pool options bound connection and query time', () => {
    const opts = poolOptions('postgres://a@b/c');
    assert.ok(opts.connectionTimeoutMillis > 0 && opts.connectionTimeoutMillis <= 5000);
    assert.ok(opts.query_timeout > 0 && opts.query_timeout <= 10000);
    assert.ok(opts.statement_timeout > 0);
});

test('redis: a dropped server is reported down without a crash, and the client reconnects', { timeout: 15000 }, async (t) => {
    const server = await startFakeRedis();
    let current = server;
    const log = memoryLogger();
    const redis = createRedis(server.url, log);
    t.after(async () => {
        redis.destroy();
        await current.stop();
    });
    await eventually(() => redis.isReady);
    assert.equal(await redis.ping(), 'PONG');
    assert.equal(await redis.incr('k'), 1);

    await server.stop();
    await eventually(() => !redis.isReady);
    await assert.rejects(redis.ping(), /offline|closed/i, 'fails at once while disconnected');
    // Several failed attempts, one warning.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(log.entries.filter((e) => e.level === 'warn' && e.msg === 'redis connection error').length, 1);

    current = await startFakeRedis(server.port);
    await eventually(() => redis.isReady);
    assert.equal(await redis.ping(), 'PONG');
    assert.ok(log.entries.some((e) => e.msg === 'redis ready'));
});

test('redis: starting while the server is down does not block, and connects when it appears', { timeout: 15000 }, async (t) => {
    const probe = await startFakeRedis();
    const port = probe.port;
    await probe.stop();
    const log = memoryLogger();
    const redis = createRedis(`redis://127.0.0.1:${port}`, log);
    /** @type {Awaited<ReturnType<typeof startFakeRedis>> | undefined} */
    let server;
    t.after(async () => {
        redis.destroy();
        if (server) await server.stop();
    });
    await assert.rejects(redis.ping(), /offline/i);
    server = await startFakeRedis(port);
    await eventually(() => redis.isReady);
    assert.equal(await redis.ping(), 'PONG');
});

test('postgres: an idle connection dropped by the server does not crash, and the pool reconnects', { timeout: 15000 }, async (t) => {
    const server = await startFakePostgres();
    let current = server;
    const log = memoryLogger();
    const db = createDb(server.url, log);
    t.after(async () => {
        await db.end().catch(() => {});
        await current.stop();
    });
    await db.query('SELECT 1');
    assert.equal(db.idleCount, 1);

    await server.stop(); // kills the idle client: the pool emits `error`
    await eventually(() => log.entries.some((e) => e.msg === 'postgres idle client error'));
    await eventually(() => db.totalCount === 0);
    await assert.rejects(db.query('SELECT 1'), /ECONNREFUSED/);

    current = await startFakePostgres(server.port);
    await db.query('SELECT 1');
    assert.deepEqual(current.queries, ['SELECT 1']);
});

test('health over the real clients: ok, down while a server is gone, ok again', { timeout: 15000 }, async (t) => {
    const pgServer = await startFakePostgres();
    const redisServer = await startFakeRedis();
    const servers = { pg: pgServer, redis: redisServer };
    const log = memoryLogger();
    const db = createDb(pgServer.url, log);
    const redis = createRedis(redisServer.url, log);
    t.after(async () => {
        redis.destroy();
        await db.end().catch(() => {});
        await servers.pg.stop();
        await servers.redis.stop();
    });
    const checker = createHealthChecker({ db, redis, timeoutMs: 1000 });
    await eventually(async () => (await checker.check()).ok);

    await redisServer.stop();
    await pgServer.stop();
    await eventually(async () => {
        const { checks } = await checker.check();
        return checks.postgres === 'down' && checks.redis === 'down';
    });

    servers.pg = await startFakePostgres(pgServer.port);
    servers.redis = await startFakeRedis(redisServer.port);
    await eventually(async () => (await checker.check()).ok);
});
