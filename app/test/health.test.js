'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');

const { createHealthChecker } = require('../src/health');
const { FakeDb, FakeRedis, memoryLogger } = require('../test-helpers/fakes');
const { startApp } = require('../test-helpers/http');

/** @param {Awaited<ReturnType<typeof startApp>>} app */
async function health(app) {
    const res = await app.fetch('/health');
    return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}

/** @param {Awaited<ReturnType<typeof startApp>>} app */
async function dependencyUp(app) {
    const metric = await app.server.metrics.dependencyUp.get();
    return Object.fromEntries(metric.values.map((v) => [v.labels.dependency, v.value]));
}

test('both dependencies up: 200 with both checks ok', async (t) => {
    const app = await startApp();
    t.after(app.close);
    assert.deepEqual(await health(app), {
        status: 200,
        body: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } },
        type: 'application/json; charset=utf-8',
    });
    assert.deepEqual(app.db.queries, ['SELECT 1']);
    assert.equal(app.redis.pings, 1);
    assert.deepEqual(await dependencyUp(app), { postgres: 1, redis: 1 });
});

test('PostgreSQL down: 503 naming postgres, then recovery without a restart', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.db.up = false;
    assert.deepEqual(await health(app), {
        status: 503,
        body: { status: 'error', checks: { postgres: 'down', redis: 'ok' } },
        type: 'application/json; charset=utf-8',
    });
    assert.deepEqual(await dependencyUp(app), { postgres: 0, redis: 1 });
    app.db.up = true;
    assert.equal((await health(app)).status, 200);
    assert.deepEqual(await dependencyUp(app), { postgres: 1, redis: 1 });
    const changes = app.log.entries.filter((e) => e.msg.startsWith('dependency'));
    assert.deepEqual(changes.map((e) => [e.level, e.msg, e.fields.dependency]), [
        ['warn', 'dependency down', 'postgres'],
        ['info', 'dependency recovered', 'postgres'],
    ]);
    assert.equal(changes[0].fields.error.code, 'ECONNREFUSED');
});

test('Redis down: 503 naming redis, then recovery', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.redis.up = false;
    assert.deepEqual(await health(app), {
        status: 503,
        body: { status: 'error', checks: { postgres: 'ok', redis: 'down' } },
        type: 'application/json; charset=utf-8',
    });
    assert.deepEqual(await dependencyUp(app), { postgres: 1, redis: 0 });
    app.redis.up = true;
    assert.deepEqual(await health(app), {
        status: 200,
        body: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } },
        type: 'application/json; charset=utf-8',
    });
});

test('a hung dependency fails its check within the timeout', async (t) => {
    const app = await startApp({ healthTimeoutMs: 150 });
    t.after(app.close);
    app.db.hang = true;
    app.redis.hang = true;
    const started = Date.now();
    const { status, body } = await health(app);
    const elapsed = Date.now() - started;
    assert.equal(status, 503);
    assert.deepEqual(body.checks, { postgres: 'down', redis: 'down' });
    assert.ok(elapsed >= 140 && elapsed < 1500, `took ${elapsed} ms`);
});

test('a client that throws synchronously counts as down, not as a crash', async () => {
    const db = new FakeDb();
    const redis = { ping() { throw new Error('The client is closed'); } };
    const checker = createHealthChecker({ db, redis });
    assert.deepEqual(await checker.check(), { ok: false, checks: { postgres: 'ok', redis: 'down' } });
});

test('concurrent probes share one check', async () => {
    const db = new FakeDb();
    const redis = new FakeRedis();
    const checker = createHealthChecker({ db, redis });
    const results = await Promise.all(Array.from({ length: 20 }, () => checker.check()));
    assert.equal(db.queries.length, 1);
    assert.equal(redis.pings, 1);
    assert.ok(results.every((r) => r.ok));
    await checker.check();
    assert.equal(db.queries.length, 2, 'a later probe runs a new check');
});

test('state changes are reported once per transition, not per probe', async () => {
    const db = new FakeDb();
    const redis = new FakeRedis();
    const log = memoryLogger();
    /** @type {Array<[string, boolean]>} */
    const changes = [];
    const checker = createHealthChecker({ db, redis, onChange: (d, up) => changes.push([d, up]) });
    await checker.check(); // healthy at boot: nothing to report
    redis.up = false;
    await checker.check();
    await checker.check();
    redis.up = true;
    await checker.check();
    await checker.check();
    assert.deepEqual(changes, [['redis', false], ['redis', true]]);
    assert.equal(log.entries.length, 0);
});

test('/health answers 503 shutting_down once shutdown has begun', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.server.beginShutdown();
    const res = await app.fetch('/health');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'shutting_down' });
    assert.equal(res.headers.get('connection'), 'close');
});
