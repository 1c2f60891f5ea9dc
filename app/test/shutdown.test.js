'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

const { shutdown } = require('../src/shutdown');
const { memoryLogger } = require('../test-helpers/fakes');
const { startApp } = require('../test-helpers/http');
const { startFakePostgres } = require('../test-helpers/fake-postgres');
const { startFakeRedis } = require('../test-helpers/fake-redis');

const SERVER = path.resolve(__dirname, '..', 'src', 'server.js');

/** GET over a fresh keep-alive agent; resolves with status and body. */
function get(/** @type {string} */ url, /** @type {http.Agent} */ agent) {
    return new Promise((resolve, reject) => {
        http.get(url, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => { body += c; });
            res.on('end', () => resolve({ status: res.statusCode, body, connection: res.headers.connection }));
        }).on('error', reject);
    });
}

test('in-flight requests finish, new connections are refused, then pools close', { timeout: 15000 }, async (t) => {
    const app = await startApp({ healthTimeoutMs: 5000 });
    t.after(app.close);
    const agent = new http.Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    // An idle keep-alive connection must not hold the shutdown open.
    assert.equal((await get(`${app.base}/`, agent)).status, 200);

    /** @type {(value: unknown) => void} */
    let release = () => {};
    app.db.query = () => new Promise((resolve) => { release = resolve; });
    const inFlight = get(`${app.base}/health`, new http.Agent());
    await new Promise((r) => setTimeout(r, 100));

    /** @type {string[]} */
    const closed = [];
    const log = memoryLogger();
    const done = shutdown({
        server: app.server,
        timeoutMs: 5000,
        log,
        closers: [
            { name: 'postgres', close: async () => { closed.push('postgres'); } },
            { name: 'redis', close: async () => { closed.push('redis'); } },
        ],
    });
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(fetch(`${app.base}/`), 'the listener is closed');
    assert.deepEqual(closed, [], 'pools stay open while a request is in flight');

    release({ rows: [] });
    const res = /** @type {{ status: number, connection: string }} */ (await inFlight);
    assert.equal(res.status, 200);
    assert.equal(res.connection, 'close');
    assert.deepEqual(await done, { forced: false });
    assert.deepEqual(closed, ['postgres', 'redis']);
    assert.equal(log.entries.length, 0);
});

test('requests still running after the timeout are cut and a closer failure is only logged', { timeout: 15000 }, async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.db.hang = true;
    app.redis.hang = true;
    const inFlight = get(`${app.base}/api/visits`, new http.Agent()).catch((err) => err);
    await new Promise((r) => setTimeout(r, 100));
    const log = memoryLogger();
    const started = Date.now();
    const result = await shutdown({
        server: app.server,
        timeoutMs: 200,
        log,
        closeTimeoutMs: 100,
        closers: [
            { name: 'postgres', close: () => new Promise(() => {}) },
            { name: 'redis', close: () => { throw new Error('already closed'); } },
        ],
    });
    assert.deepEqual(result, { forced: true });
    assert.ok(Date.now() - started < 2000);
    assert.ok((await inFlight) instanceof Error, 'the cut request sees a reset');
    assert.deepEqual(log.entries.map((e) => [e.level, e.msg, e.fields.dependency]), [
        ['warn', 'shutdown timeout: closing connections with requests still in flight', undefined],
        ['warn', 'close failed', 'postgres'],
        ['warn', 'close failed', 'redis'],
    ]);
});

test('server.js serves, reports dependencies, and exits 0 on SIGTERM', { timeout: 20000 }, async (t) => {
    const pg = await startFakePostgres();
    const redis = await startFakeRedis();
    t.after(() => Promise.all([pg.stop(), redis.stop()]));
    const child = spawn(process.execPath, [SERVER], {
        env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: pg.url, REDIS_URL: redis.url },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    /** @type {any[]} */
    const entries = [];
    /** @type {(port: number) => void} */
    let onPort = () => {};
    const portKnown = new Promise((resolve) => { onPort = resolve; });
    readline.createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
        const entry = JSON.parse(line); // every stdout line is JSON
        entries.push(entry);
        if (entry.msg === 'listening') onPort(entry.port);
    });
    let stderr = '';
    child.stderr?.on('data', (c) => { stderr += c; });

    const port = await portKnown;
    let health;
    for (let i = 0; i < 50; i++) {
        health = await fetch(`http://127.0.0.1:${port}/health`);
        if (health.status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await health?.json(), { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });

    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.equal(stderr, '');
    const msgs = entries.map((e) => e.msg);
    assert.ok(msgs.includes('shutting down') && msgs.at(-1) === 'stopped', msgs.join(', '));
    assert.ok(!JSON.stringify(entries).includes('unused'), 'the database password never reaches a log line');
});
