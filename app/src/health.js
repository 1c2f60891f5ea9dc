'use strict';

/**
 * @typedef {{ query: (config: { text: string, query_timeout?: number }) => Promise<unknown> }} Db
 * @typedef {{ ping: () => Promise<unknown> }} RedisPing
 * @typedef {'ok' | 'down'} CheckState
 * @typedef {{ ok: boolean, checks: { postgres: CheckState, redis: CheckState } }} HealthResult
 */

/**
 * Rejects after `ms` unless `promise` settles first. The timer never keeps the process up.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
        timer.unref();
    });
    return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/**
 * Checks PostgreSQL (`SELECT 1`) and Redis (`PING`), each bounded by `timeoutMs`.
 * Concurrent callers share one in-flight check, so a burst of probes costs one query.
 * Reports state changes (down / recovered) through `onChange` instead of on every probe.
 *
 * @param {{
 *   db: Db,
 *   redis: RedisPing,
 *   timeoutMs?: number,
 *   onResult?: (dependency: 'postgres' | 'redis', up: boolean) => void,
 *   onChange?: (dependency: 'postgres' | 'redis', up: boolean, error?: unknown) => void,
 * }} deps
 */
function createHealthChecker({ db, redis, timeoutMs = 2000, onResult = () => {}, onChange = () => {} }) {
    /** @type {Record<string, boolean | undefined>} */
    const last = {};
    /** @type {Promise<HealthResult> | undefined} */
    let inFlight;

    /**
     * @param {'postgres' | 'redis'} name
     * @param {() => Promise<unknown>} probe
     * @returns {Promise<CheckState>}
     */
    async function check(name, probe) {
        let up = true;
        /** @type {unknown} */
        let error;
        try {
            // A client may throw synchronously (e.g. closed); treat it like a failed probe.
            await withTimeout(Promise.resolve().then(probe), timeoutMs, name);
        } catch (err) {
            up = false;
            error = err;
        }
        onResult(name, up);
        if (last[name] !== up) {
            // The first result only counts as a change when it is bad (no "recovered" at boot).
            if (last[name] !== undefined || !up) onChange(name, up, error);
            last[name] = up;
        }
        return up ? 'ok' : 'down';
    }

    async function run() {
        const [postgres, redisState] = await Promise.all([
            check('postgres', () => db.query({ text: 'SELECT 1', query_timeout: timeoutMs })),
            check('redis', () => redis.ping()),
        ]);
        return { ok: postgres === 'ok' && redisState === 'ok', checks: { postgres, redis: redisState } };
    }

    return {
        /** @returns {Promise<HealthResult>} */
        check() {
            if (!inFlight) inFlight = run().finally(() => { inFlight = undefined; });
            return inFlight;
        },
    };
}

module.exports = { createHealthChecker, withTimeout };
