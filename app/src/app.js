'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { createHealthChecker } = require('./health');
const { silentLogger } = require('./log');
const { createMetrics } = require('./metrics');
const { HOME_HTML } = require('./pages');
const { createVisits } = require('./visits');

/**
 * @typedef {import('./log').Logger} Logger
 * @typedef {import('./metrics').Metrics} Metrics
 * @typedef {{ status: number, headers?: Record<string, string>, body?: string | Buffer }} Reply
 * @typedef {{ req: http.IncomingMessage, requestId: string }} Ctx
 * @typedef {(ctx: Ctx) => Promise<Reply> | Reply} Handler
 * @typedef {{ route: string, handler?: Handler, allow?: string[] }} Match
 */

/** Route label for requests that match no route: one series, whatever the URL. */
const UNMATCHED = 'unmatched';
const STATIC_ROUTE = '/static/:file';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** @param {number} status @param {unknown} value @param {Record<string, string>} [headers] @returns {Reply} */
function json(status, value, headers = {}) {
    return {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
        body: JSON.stringify(value),
    };
}

/**
 * Loads every file of `dir` (one level) into memory once: nothing is read per request,
 * no path from a URL ever reaches the file system.
 * @param {string} dir
 * @returns {Map<string, { body: Buffer, type: string, etag: string }>}
 */
function loadStatic(dir) {
    /** @type {Record<string, string>} */
    const types = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8' };
    const files = new Map();
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const body = fs.readFileSync(path.join(dir, entry.name));
        const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        files.set(entry.name, { body, type: types[path.extname(entry.name)] || 'application/octet-stream', etag });
    }
    return files;
}

/**
 * Picks a request id: the caller's `X-Request-Id` when it looks like an id, else a new UUID.
 * @param {string | string[] | undefined} header
 */
function requestIdFrom(header) {
    const value = Array.isArray(header) ? header[0] : header;
    return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}

/**
 * The HTTP service. Everything it talks to is passed in, so tests use fakes.
 *
 * @param {{
 *   db: import('./health').Db & import('./visits').Db,
 *   redis: import('./health').RedisPing & { incr: (key: string) => Promise<number> },
 *   log?: Logger,
 *   metrics?: Metrics,
 *   healthTimeoutMs?: number,
 *   staticDir?: string,
 * }} deps
 */
function createServer({ db, redis, log = silentLogger, metrics = createMetrics(), healthTimeoutMs = 2000, staticDir }) {
    const staticFiles = loadStatic(staticDir || path.resolve(__dirname, '..', 'static'));
    const visits = createVisits({ db, redis });
    let shuttingDown = false;

    const health = createHealthChecker({
        db,
        redis,
        timeoutMs: healthTimeoutMs,
        onResult: (dependency, up) => metrics.dependencyUp.set({ dependency }, up ? 1 : 0),
        onChange: (dependency, up, error) =>
            up ? log.info('dependency recovered', { dependency }) : log.warn('dependency down', { dependency, error }),
    });

    /** @type {Record<string, Record<string, Handler>>} */
    const routes = {
        '/': {
            GET: () => ({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: HOME_HTML }),
        },
        '/health': {
            GET: async () => {
                if (shuttingDown) {
                    return json(503, { status: 'shutting_down' });
                }
                const result = await health.check();
                return json(result.ok ? 200 : 503, { status: result.ok ? 'ok' : 'error', checks: result.checks });
            },
        },
        '/metrics': {
            GET: async () => {
                // Refresh app_dependency_up on every scrape, so it is current even if nobody probes /health.
                await health.check();
                return {
                    status: 200,
                    headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' },
                    body: await metrics.registry.metrics(),
                };
            },
        },
        '/api/auth/login': {
            // A stub: the edge rate-limits auth paths harder, and tests need one to hit.
            POST: ({ req }) => {
                req.resume(); // discard the body unread: it may hold a password
                return json(401, { error: 'invalid credentials' }, { 'WWW-Authenticate': 'Bearer' });
            },
        },
        '/api/visits': {
            GET: async ({ requestId }) => {
                try {
                    return json(200, { visits: await visits.record(requestId) });
                } catch (err) {
                    const dependency = /** @type {{ dependency?: string }} */ (err).dependency;
                    if (!dependency) throw err;
                    log.warn('visit not recorded', { dependency, error: err, request_id: requestId });
                    return json(503, { error: 'dependency unavailable', dependency });
                }
            },
        },
    };

    /** @type {Handler} */
    function serveStatic({ req }) {
        const name = (req.url || '').split('?', 1)[0].slice('/static/'.length);
        const file = staticFiles.get(name);
        if (!file) return json(404, { error: 'not found' });
        const headers = { ETag: file.etag, 'Cache-Control': 'public, max-age=3600' };
        if (req.headers['if-none-match'] === file.etag) return { status: 304, headers };
        return { status: 200, headers: { ...headers, 'Content-Type': file.type }, body: file.body };
    }

    /**
     * Maps a request to its route label and handler. HEAD is served by the GET handler.
     * @param {string} method
     * @param {string} pathname
     * @returns {Match}
     */
    function match(method, pathname) {
        /** @type {Record<string, Handler | undefined> | undefined} */
        let table = Object.prototype.hasOwnProperty.call(routes, pathname) ? routes[pathname] : undefined;
        let route = pathname;
        if (!table && pathname.startsWith('/static/')) {
            table = { GET: serveStatic };
            route = STATIC_ROUTE;
        }
        if (!table) return { route: UNMATCHED };
        const handler = table[method] || (method === 'HEAD' ? table.GET : undefined);
        if (handler) return { route, handler };
        const allow = Object.keys(table);
        if (allow.includes('GET')) allow.push('HEAD');
        return { route, allow };
    }

    const server = http.createServer(async (req, res) => {
        const started = process.hrtime.bigint();
        const requestId = requestIdFrom(req.headers['x-request-id']);
        const method = req.method || 'GET';
        const pathname = (req.url || '/').split('?', 1)[0];
        const { route, handler, allow } = match(method, pathname);

        let done = false;
        const finish = () => {
            if (done) return;
            done = true;
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            metrics.observeRequest(method, route, res.statusCode, seconds);
            const fields = {
                method,
                // The path only: query strings may carry tokens.
                path: pathname.length > 512 ? `${pathname.slice(0, 512)}…` : pathname,
                route,
                status: res.statusCode,
                duration_ms: Math.round(seconds * 1e6) / 1e3,
                request_id: requestId,
                ...(res.writableFinished ? {} : { aborted: true }),
            };
            (res.statusCode >= 500 ? log.error : log.info)('request', fields);
        };
        res.on('finish', finish);
        res.on('close', finish);

        /** @type {Reply} */
        let reply;
        try {
            if (handler) reply = await handler({ req, requestId });
            else if (allow) reply = json(405, { error: 'method not allowed' }, { Allow: allow.join(', ') });
            else reply = json(404, { error: 'not found' });
        } catch (err) {
            log.error('unhandled error', { error: err, request_id: requestId, route });
            reply = json(500, { error: 'internal error' });
        }
        if (res.headersSent || res.destroyed) return;
        res.statusCode = reply.status;
        for (const [name, value] of Object.entries(reply.headers || {})) res.setHeader(name, value);
        res.setHeader('X-Request-Id', requestId);
        if (shuttingDown) res.setHeader('Connection', 'close');
        if (reply.body !== undefined) res.setHeader('Content-Length', Buffer.byteLength(reply.body));
        res.end(reply.body);
    });

    // Behind nginx or a load balancer the proxy must close idle keep-alive connections
    // first (ALB: 60 s), or it may send a request on a socket Node is closing → 502.
    server.keepAliveTimeout = 65000;
    server.headersTimeout = 66000;

    return Object.assign(server, {
        metrics,
        health,
        /** Makes /health answer 503 and asks keep-alive clients to go away. */
        beginShutdown() {
            shuttingDown = true;
        },
    });
}

module.exports = { createServer, requestIdFrom, UNMATCHED, STATIC_ROUTE };
