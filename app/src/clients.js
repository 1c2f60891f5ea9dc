'use strict';

const pg = /** @type {any} */ (require('pg')); // pg ships no type declarations
const { createClient } = require('redis');

/** @typedef {import('./log').Logger} Logger */

/** Milliseconds before reconnect attempt `retries` (0-based): 100 ms doubling, capped at 2 s. */
function redisReconnectDelay(/** @type {number} */ retries) {
    return Math.min(100 * 2 ** Math.min(retries, 5), 2000);
}

/**
 * pg.Pool options. A pool reconnects by itself: every query checks out a client and a
 * broken one is discarded, so a restarted server is used again on the next query.
 * @param {string} connectionString
 */
function poolOptions(connectionString) {
    return {
        connectionString,
        max: 10,
        // A dead or unreachable server must fail a request quickly, not hang it.
        connectionTimeoutMillis: 2000,
        query_timeout: 5000,
        statement_timeout: 5000,
        idleTimeoutMillis: 30000,
        keepAlive: true,
        application_name: 'slipway-sample-app',
    };
}

/**
 * @param {string} connectionString
 * @param {Logger} log
 * @param {{ Pool?: new (options: object) => any }} [impl]
 */
function createDb(connectionString, log, impl = {}) {
    const Pool = impl.Pool || pg.Pool;
    const pool = new Pool(poolOptions(connectionString));
    // An idle client whose server went away emits `error` on the pool; without a listener
    // Node would crash the process. The pool has already dropped that client.
    pool.on('error', (/** @type {Error} */ err) => log.warn('postgres idle client error', { error: err }));
    return pool;
}

/**
 * Redis client options: reconnect forever with a capped backoff, and fail commands at once
 * while disconnected (no offline queue) so /health answers 503 instead of hanging.
 * @param {string} url
 */
function redisOptions(url) {
    return {
        url,
        disableOfflineQueue: true,
        socket: {
            connectTimeout: 2000,
            reconnectStrategy: redisReconnectDelay,
        },
    };
}

/**
 * Creates and starts connecting a Redis client without waiting for it: the app serves
 * (and reports `redis: down`) while Redis is unreachable, and picks it up when it comes.
 * @param {string} url
 * @param {Logger} log
 * @param {{ createClient?: typeof createClient }} [impl]
 */
function createRedis(url, log, impl = {}) {
    const client = (impl.createClient || createClient)(redisOptions(url));
    let reported = false;
    // node-redis emits `error` on every failed attempt while it retries; one warning per
    // outage is enough, the rest go to debug.
    client.on('error', (/** @type {Error} */ err) => {
        if (reported) {
            log.debug('redis connection error', { error: err });
        } else {
            reported = true;
            log.warn('redis connection error', { error: err });
        }
    });
    client.on('ready', () => {
        reported = false;
        log.info('redis ready');
    });
    client.connect().catch((/** @type {Error} */ err) => log.error('redis gave up connecting', { error: err }));
    return client;
}

module.exports = { createDb, createRedis, poolOptions, redisOptions, redisReconnectDelay };
