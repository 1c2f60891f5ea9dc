'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');

const { createLogger, redact } = require('../src/log');
const { startApp } = require('../test-helpers/http');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** @param {'debug' | 'info' | 'warn' | 'error'} [level] */
function capture(level = 'info') {
    /** @type {string[]} */
    const lines = [];
    const log = createLogger({ level, write: (l) => lines.push(l), now: () => new Date('2026-01-02T03:04:05.678Z') });
    return { log, lines };
}

test('one JSON object per line: time, level, msg, then fields', () => {
    const { log, lines } = capture();
    log.info('request', { method: 'GET', status: 200 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n') && !lines[0].slice(0, -1).includes('\n'));
    assert.equal(lines[0], '{"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"request","method":"GET","status":200}\n');
});

test('levels below LOG_LEVEL are dropped', () => {
    const { log, lines } = capture('warn');
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['c', 'd']);
});

test('errors become {message, code}, and credentials in URLs are redacted', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('cannot reach postgres://app:s3cret@db:5432/app'), { code: 'ECONNREFUSED' });
    log.warn('dependency down for redis://:hunter2@cache:6379', { error: err, url: 'rediss://default:tok@c:6380' });
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.msg, 'dependency down for redis://[redacted]@cache:6379');
    assert.deepEqual(entry.error, { message: 'cannot reach postgres://[redacted]@db:5432/app', code: 'ECONNREFUSED' });
    assert.equal(entry.url, 'rediss://[redacted]@c:6380');
    assert.doesNotMatch(lines[0], /s3cret|hunter2|tok@/);
    assert.equal(redact('http://example.com/a@b'), 'http://example.com/a@b', 'an @ in a path is not a credential');
});

test('fields cannot overwrite time, level or msg', () => {
    const { log, lines } = capture();
    log.info('real', { level: 'error', msg: 'fake', time: 'never' });
    const entry = JSON.parse(lines[0]);
    assert.deepEqual([entry.time, entry.level, entry.msg], ['2026-01-02T03:04:05.678Z', 'info', 'real']);
});

test('each request logs one line with method, path, route, status, duration_ms and request_id', async (t) => {
    /** @type {string[]} */
    const lines = [];
    const app = await startApp({ log: createLogger({ write: (l) => lines.push(l) }) });
    t.after(app.close);
    const res = await app.fetch('/health?token=abc', { headers: { 'X-Request-Id': 'req-42' } });
    assert.equal(res.headers.get('x-request-id'), 'req-42');
    await res.arrayBuffer();
    await new Promise((r) => setImmediate(r));
    const requests = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'request');
    assert.equal(requests.length, 1);
    const [entry] = requests;
    assert.deepEqual(Object.keys(entry), ['time', 'level', 'msg', 'method', 'path', 'route', 'status', 'duration_ms', 'request_id']);
    assert.equal(entry.level, 'info');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.path, '/health', 'the query string is never logged');
    assert.equal(entry.status, 200);
    assert.equal(entry.request_id, 'req-42');
    assert.equal(typeof entry.duration_ms, 'number');
    assert.ok(entry.duration_ms >= 0 && entry.duration_ms < 5000);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
});

test('a missing or malformed X-Request-Id is replaced by a UUID', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const none = await app.fetch('/');
    assert.match(String(none.headers.get('x-request-id')), UUID);
    const bad = await app.fetch('/', { headers: { 'X-Request-Id': 'x"}\\ {inject' } });
    assert.match(String(bad.headers.get('x-request-id')), UUID);
    const long = await app.fetch('/', { headers: { 'X-Request-Id': 'a'.repeat(129) } });
    assert.match(String(long.headers.get('x-request-id')), UUID);
});

test('5xx requests log at error, others at info', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.db.up = false;
    await (await app.fetch('/health')).arrayBuffer();
    await (await app.fetch('/nope')).arrayBuffer();
    await new Promise((r) => setImmediate(r));
    const requests = app.log.entries.filter((e) => e.msg === 'request');
    assert.deepEqual(requests.map((e) => [e.level, e.fields.status]), [['error', 503], ['info', 404]]);
});
