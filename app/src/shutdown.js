'use strict';

/**
 * @typedef {import('./log').Logger} Logger
 * @typedef {import('node:http').Server & { beginShutdown?: () => void }} AppServer
 */

/**
 * Stops accepting, lets in-flight requests finish for up to `timeoutMs`, cuts what is left,
 * then runs `closers` (pools) and resolves. It never rejects.
 *
 * @param {{
 *   server: AppServer,
 *   timeoutMs: number,
 *   log: Logger,
 *   closers?: Array<{ name: string, close: () => Promise<unknown> | unknown }>,
 *   closeTimeoutMs?: number,
 * }} opts
 * @returns {Promise<{ forced: boolean }>}
 */
async function shutdown({ server, timeoutMs, log, closers = [], closeTimeoutMs = 3000 }) {
    if (server.beginShutdown) server.beginShutdown();
    // close() stops listening and (Node >= 19) drops idle keep-alive connections; busy ones
    // get `Connection: close` on their response (see beginShutdown) and end after it.
    const closed = new Promise((resolve) => server.close(() => resolve(undefined)));

    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const expired = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([closed, expired]);
    clearTimeout(timer);
    const forced = outcome === 'timeout';
    if (forced) {
        log.warn('shutdown timeout: closing connections with requests still in flight', { timeout_ms: timeoutMs });
        server.closeAllConnections();
        await closed;
    }

    for (const { name, close } of closers) {
        /** @type {NodeJS.Timeout | undefined} */
        let closeTimer;
        try {
            await Promise.race([
                Promise.resolve().then(close),
                new Promise((_, reject) => {
                    closeTimer = setTimeout(() => reject(new Error(`closing ${name} took over ${closeTimeoutMs} ms`)), closeTimeoutMs);
                }),
            ]);
        } catch (err) {
            log.warn('close failed', { dependency: name, error: err });
        } finally {
            clearTimeout(closeTimer);
        }
    }
    return { forced };
}

module.exports = { shutdown };
