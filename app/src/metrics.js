'use strict';

const client = require('prom-client');

// Bounds around 0.5 s are dense so `histogram_quantile(0.95, ...)` is accurate where the
// SLO (p95 < 500 ms) is judged; 0.5 itself is a bound, so "share of requests over 500 ms"
// is exact from the `le="0.5"` bucket.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Label value for a request method: anything exotic collapses into OTHER, so a client
 * inventing methods cannot create new series.
 * @param {string | undefined} method
 */
function methodLabel(method) {
    const upper = (method || '').toUpperCase();
    return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

/**
 * @typedef {object} Metrics
 * @property {client.Registry} registry
 * @property {client.Counter<'method' | 'route' | 'status'>} httpRequests
 * @property {client.Histogram<'method' | 'route' | 'status'>} httpDuration
 * @property {client.Gauge<'dependency'>} dependencyUp
 * @property {(method: string | undefined, route: string, status: number, seconds: number) => void} observeRequest
 */

/**
 * One registry per app instance (not prom-client's global one) so tests can build many.
 *
 * @param {{ defaultMetrics?: boolean }} [opts]
 * @returns {Metrics}
 */
function createMetrics(opts = {}) {
    const registry = new client.Registry();
    if (opts.defaultMetrics !== false) client.collectDefaultMetrics({ register: registry });
    const labelNames = /** @type {const} */ (['method', 'route', 'status']);
    const httpRequests = new client.Counter({
        name: 'http_requests_total',
        help: 'HTTP requests handled, by method, matched route and status code.',
        labelNames,
        registers: [registry],
    });
    const httpDuration = new client.Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration in seconds, by method, matched route and status code.',
        labelNames,
        buckets: DURATION_BUCKETS,
        registers: [registry],
    });
    const dependencyUp = new client.Gauge({
        name: 'app_dependency_up',
        help: 'Whether the last check of a dependency succeeded (1) or failed (0).',
        labelNames: /** @type {const} */ (['dependency']),
        registers: [registry],
    });
    return {
        registry,
        httpRequests,
        httpDuration,
        dependencyUp,
        observeRequest(method, route, status, seconds) {
            const labels = { method: methodLabel(method), route, status: String(status) };
            httpRequests.inc(labels);
            httpDuration.observe(labels, seconds);
        },
    };
}

module.exports = { createMetrics, methodLabel, DURATION_BUCKETS };
