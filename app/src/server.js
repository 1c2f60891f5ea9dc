'use strict';

// Entry point: node src/server.js. Configuration is read from the environment (see README).

const { createServer } = require('./app');
const { createDb, createRedis } = require('./clients');
const { loadConfig, ConfigError } = require('./config');
const { createLogger } = require('./log');
const { shutdown } = require('./shutdown');

function main() {
    let config;
    try {
        config = loadConfig(process.env);
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`config error: ${err.message}\n`);
        process.exit(1);
    }

    const log = createLogger({ level: config.logLevel });
    const db = createDb(config.databaseUrl, log);
    const redis = createRedis(config.redisUrl, log);
    const server = createServer({ db, redis, log });

    server.on('error', (err) => {
        log.error('server error', { error: err });
        process.exit(1);
    });
    // A deeper accept queue than Node's default 511: a burst of new connections from the edge
    // (after a reload, or past its keepalive pool) waits instead of being dropped, which costs
    // the client a 1 s SYN retransmit. The kernel caps it at net.core.somaxconn.
    server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => {
        const address = server.address();
        const port = address && typeof address === 'object' ? address.port : config.port;
        log.info('listening', { host: config.host, port, node: process.version });
    });

    let stopping = false;
    /** @param {NodeJS.Signals} signal */
    const onSignal = (signal) => {
        if (stopping) {
            log.warn('second signal: exiting now', { signal });
            process.exit(1);
        }
        stopping = true;
        log.info('shutting down', { signal, timeout_ms: config.shutdownTimeoutMs });
        shutdown({
            server,
            timeoutMs: config.shutdownTimeoutMs,
            log,
            closers: [
                { name: 'postgres', close: () => db.end() },
                {
                    name: 'redis',
                    close: async () => {
                        // close() waits for queued commands; while reconnecting there is no
                        // server to wait for, so just drop the socket.
                        if (redis.isReady) await redis.close();
                        else redis.destroy();
                    },
                },
            ],
        }).then(({ forced }) => {
            log.info('stopped', { forced });
            process.exit(0);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
}

main();
