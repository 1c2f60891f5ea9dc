'use strict';

const { createServer } = require('../src/app');
const { createMetrics } = require('../src/metrics');
const { FakeDb, FakeRedis, memoryLogger } = require('./fakes');

/**
 * Starts the app on 127.0.0.1:0 with fakes and returns helpers; `close()` when done.
 * @param {Partial<Parameters<typeof createServer>[0]>} [overrides]
 */
async function startApp(overrides = {}) {
    const db = new FakeDb();
    const redis = new FakeRedis();
    const log = memoryLogger();
    const server = createServer({ db, redis, log, metrics: createMetrics({ defaultMetrics: false }), ...overrides });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
    const base = `http://127.0.0.1:${port}`;
    return {
        db,
        redis,
        log,
        server,
        base,
        port,
        /** @param {string} path @param {RequestInit} [init] */
        fetch: (path, init) => fetch(base + path, init),
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve(undefined));
            }),
    };
}

module.exports = { startApp };
