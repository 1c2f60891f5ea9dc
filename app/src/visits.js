'use strict';

const { withTimeout } = require('./health');

/** @typedef {{ query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }} Db */

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS visits (
    id bigserial PRIMARY KEY,
    visited_at timestamptz NOT NULL DEFAULT now(),
    request_id text
)`;

// Two replicas racing on CREATE TABLE IF NOT EXISTS can still collide on the catalog.
const ALREADY_EXISTS = new Set(['42P07', '23505']);

/**
 * Records a visit in both stores and returns both counts.
 * @param {{ db: Db, redis: { incr: (key: string) => Promise<number> }, timeoutMs?: number }} deps
 */
function createVisits({ db, redis, timeoutMs = 5000 }) {
    /** @type {Promise<void> | undefined} */
    let tableReady;

    function ensureTable() {
        if (!tableReady) {
            tableReady = db.query(CREATE_TABLE).then(
                () => undefined,
                (/** @type {{ code?: string }} */ err) => {
                    if (err && err.code && ALREADY_EXISTS.has(err.code)) return;
                    tableReady = undefined; // try again on the next request
                    throw err;
                },
            );
        }
        return tableReady;
    }

    return {
        /**
         * @param {string} requestId
         * @returns {Promise<{ redis: number, postgres: number }>}
         */
        async record(requestId) {
            // PostgreSQL queries carry their own query_timeout; a Redis command has none, and a
            // hung server would otherwise hold the request forever.
            const redisCount = withTimeout(redis.incr('slipway:visits'), timeoutMs, 'redis INCR').then(Number, (err) => {
                throw Object.assign(err instanceof Error ? err : new Error(String(err)), { dependency: 'redis' });
            });
            const pgCount = (async () => {
                await ensureTable();
                await db.query('INSERT INTO visits (request_id) VALUES ($1)', [requestId]);
                const { rows } = await db.query('SELECT count(*)::bigint AS n FROM visits');
                return Number(rows[0].n);
            })().catch((err) => {
                throw Object.assign(err instanceof Error ? err : new Error(String(err)), { dependency: 'postgres' });
            });
            const [r, p] = await Promise.all([redisCount, pgCount]);
            return { redis: r, postgres: p };
        },
    };
}

module.exports = { createVisits, CREATE_TABLE };
