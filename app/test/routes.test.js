'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { startApp } = require('../test-helpers/http');

const CSS = fs.readFileSync(path.resolve(__dirname, '..', 'static', 'app.css'));

test('GET / is a small HTML page that links the stylesheet', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const res = await app.fetch('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    assert.match(html, /<link rel="stylesheet" href="\/static\/app.css">/);
    assert.doesNotMatch(html, /<script|style=/, 'nothing inline: the edge sends a strict CSP');
});

test('GET /static/app.css is cacheable and revalidates with ETag', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const res = await app.fetch('/static/app.css');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=3600');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), CSS);
    const etag = res.headers.get('etag');
    assert.match(String(etag), /^"[A-Za-z0-9_-]{27}"$/);
    const again = await app.fetch('/static/app.css', { headers: { 'If-None-Match': String(etag) } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const head = await app.fetch('/static/app.css', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(CSS.length));
});

test('static paths outside the folder are 404, never read from disk', async (t) => {
    const app = await startApp();
    t.after(app.close);
    for (const p of ['/static/missing.css', '/static/../package.json', '/static/%2e%2e%2fpackage.json', '/static/']) {
        const res = await app.fetch(p);
        assert.equal(res.status, 404, p);
    }
});

test('POST /api/auth/login is a stub that always answers 401', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const res = await app.fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: 'a', password: 'hunter2' }),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'invalid credentials' });
    assert.ok(!JSON.stringify(app.log.entries).includes('hunter2'), 'the body is never logged');
});

test('a known path with the wrong method is 405 with Allow; an unknown path is 404', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const login = await app.fetch('/api/auth/login');
    assert.equal(login.status, 405);
    assert.equal(login.headers.get('allow'), 'POST');
    const del = await app.fetch('/health', { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD');
    const missing = await app.fetch('/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not found' });
});

test('GET /api/visits counts in Redis and PostgreSQL, creating the table once', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const first = await app.fetch('/api/visits', { headers: { 'X-Request-Id': 'visit-1' } });
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { visits: { redis: 1, postgres: 1 } });
    assert.deepEqual(app.db.lastValues, ['visit-1'], 'the row records the request id');
    const second = await app.fetch('/api/visits');
    assert.deepEqual(await second.json(), { visits: { redis: 2, postgres: 2 } });
    assert.equal(app.db.queries.filter((q) => q.startsWith('CREATE TABLE IF NOT EXISTS visits')).length, 1);
});

test('GET /api/visits answers 503 naming the dependency that failed', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.redis.up = false;
    const r = await app.fetch('/api/visits');
    assert.equal(r.status, 503);
    assert.deepEqual(await r.json(), { error: 'dependency unavailable', dependency: 'redis' });
    app.redis.up = true;
    app.db.up = false;
    const p = await app.fetch('/api/visits');
    assert.deepEqual([p.status, await p.json()], [503, { error: 'dependency unavailable', dependency: 'postgres' }]);
    app.db.up = true;
    const ok = await app.fetch('/api/visits');
    assert.equal(ok.status, 200, 'recovers once the dependency is back');
});

test('table creation is retried after a failure and a concurrent-create race is ignored', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.db.failCreateOnce = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    assert.equal((await app.fetch('/api/visits')).status, 503);
    assert.equal((await app.fetch('/api/visits')).status, 200);

    const raced = await startApp();
    t.after(raced.close);
    raced.db.failCreateOnce = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    assert.equal((await raced.fetch('/api/visits')).status, 200);
});

test('a handler error is a 500 without details, and logged', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.db.query = async () => { throw new TypeError('boom'); };
    // /metrics awaits the health check, which turns any failure into "down": no 500 there.
    assert.equal((await app.fetch('/metrics')).status, 200);
    const broken = await startApp({ metrics: /** @type {any} */ ({ ...app.server.metrics, registry: { contentType: 'text/plain', metrics: async () => { throw new Error('scrape failed'); } } }) });
    t.after(broken.close);
    const res = await broken.fetch('/metrics');
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: 'internal error' });
    assert.ok(broken.log.entries.some((e) => e.level === 'error' && e.msg === 'unhandled error' && e.fields.error.message === 'scrape failed'));
});
