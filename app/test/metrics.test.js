'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');

const { createMetrics, methodLabel, DURATION_BUCKETS } = require('../src/metrics');
const { startApp } = require('../test-helpers/http');

/**
 * `{method,route,status} -> count` from the http_requests_total counter.
 * @param {Awaited<ReturnType<typeof startApp>>} app
 */
async function requestCounts(app) {
    const metric = await app.server.metrics.httpRequests.get();
    return Object.fromEntries(metric.values.map((v) => [`${v.labels.method} ${v.labels.route} ${v.labels.status}`, v.value]));
}

test('route label is the matched route, never the raw URL', async (t) => {
    const app = await startApp();
    t.after(app.close);
    const calls = [
        ['GET', '/'],
        ['GET', '/?utm=1'],
        ['GET', '/health'],
        ['GET', '/static/app.css'],
        ['GET', '/static/app.css?v=123'],
        ['GET', '/static/other.css'],
        ['POST', '/api/auth/login'],
        ['GET', '/api/visits'],
        ['GET', '/no/such/page/1'],
        ['GET', '/no/such/page/2'],
        ['PUT', '/health'],
    ];
    for (const [method, p] of calls) await (await app.fetch(p, { method })).arrayBuffer();
    assert.deepEqual(await requestCounts(app), {
        'GET / 200': 2,
        'GET /health 200': 1,
        'GET /static/:file 200': 2,
        'GET /static/:file 404': 1,
        'POST /api/auth/login 401': 1,
        'GET /api/visits 200': 1,
        'GET unmatched 404': 2,
        'PUT /health 405': 1,
    });
});

test('unknown methods collapse into OTHER', () => {
    assert.equal(methodLabel('get'), 'GET');
    assert.equal(methodLabel('PROPFIND'), 'OTHER');
    assert.equal(methodLabel(undefined), 'OTHER');
});

test('/metrics is Prometheus text with the documented names, labels and buckets', async (t) => {
    const app = await startApp({ metrics: createMetrics() });
    t.after(app.close);
    await app.fetch('/health');
    const res = await app.fetch('/metrics');
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.match(text, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(text, /^# TYPE app_dependency_up gauge$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="\/health",status="200"\} 1$/m);
    assert.match(text, /^http_request_duration_seconds_bucket\{le="0\.5",method="GET",route="\/health",status="200"\} 1$/m);
    assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1$/m);
    assert.match(text, /^app_dependency_up\{dependency="postgres"\} 1$/m);
    assert.match(text, /^app_dependency_up\{dependency="redis"\} 1$/m);
    // Default process metrics.
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^process_resident_memory_bytes /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
});

test('a scrape refreshes app_dependency_up even when nobody probes /health', async (t) => {
    const app = await startApp();
    t.after(app.close);
    app.redis.up = false;
    let text = await (await app.fetch('/metrics')).text();
    assert.match(text, /^app_dependency_up\{dependency="redis"\} 0$/m);
    assert.match(text, /^app_dependency_up\{dependency="postgres"\} 1$/m);
    app.redis.up = true;
    text = await (await app.fetch('/metrics')).text();
    assert.match(text, /^app_dependency_up\{dependency="redis"\} 1$/m);
});

test('duration buckets are dense around the 500 ms SLO and include it exactly', () => {
    assert.ok(DURATION_BUCKETS.includes(0.5));
    const below = DURATION_BUCKETS.filter((b) => b >= 0.2 && b < 0.5);
    assert.ok(below.length >= 3, `bounds between 200 and 500 ms: ${below}`);
    assert.deepEqual([...DURATION_BUCKETS].sort((a, b) => a - b), DURATION_BUCKETS);
    assert.ok(DURATION_BUCKETS[0] <= 0.005 && Number(DURATION_BUCKETS.at(-1)) >= 10);
});

test('durations land in the right bucket', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeRequest('GET', '/api/visits', 200, 0.45);
    m.observeRequest('GET', '/api/visits', 200, 0.55);
    const { values } = await m.httpDuration.get();
    /** @param {string} le */
    const bucket = (le) => values.find((v) => v.metricName === 'http_request_duration_seconds_bucket' && String(/** @type {Record<string, unknown>} */ (v.labels).le) === le)?.value;
    assert.equal(bucket('0.4'), 0);
    assert.equal(bucket('0.5'), 1);
    assert.equal(bucket('0.75'), 2);
});

test('each app instance has its own registry', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.observeRequest('GET', '/', 200, 0.01);
    assert.equal((await a.httpRequests.get()).values.length, 1);
    assert.equal((await b.httpRequests.get()).values.length, 0);
});
