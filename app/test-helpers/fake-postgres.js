'use strict';

// Just enough of the PostgreSQL wire protocol (v3, trust auth, simple query) for pg to
// connect and run `SELECT 1`. Tests stop and restart it on the same port to exercise the
// real pool's error handling and reconnection without a PostgreSQL server.

const net = require('node:net');

/** @param {string} type @param {Buffer} [payload] */
function message(type, payload = Buffer.alloc(0)) {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'ascii');
    head.writeInt32BE(payload.length + 4, 1);
    return Buffer.concat([head, payload]);
}

const AUTH_OK = message('R', Buffer.from([0, 0, 0, 0]));
const READY = message('Z', Buffer.from('I'));

/** @param {number} [port] 0 = pick a free port */
async function startFakePostgres(port = 0) {
    /** @type {Set<net.Socket>} */
    const sockets = new Set();
    /** @type {string[]} */
    const queries = [];
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        let started = false;
        let buf = Buffer.alloc(0);
        socket.on('data', (chunk) => {
            buf = Buffer.concat([buf, chunk]);
            for (;;) {
                if (!started) {
                    // The startup message has no type byte: int32 length, then the body.
                    if (buf.length < 4 || buf.length < buf.readInt32BE(0)) return;
                    buf = buf.subarray(buf.readInt32BE(0));
                    started = true;
                    socket.write(Buffer.concat([AUTH_OK, READY]));
                    continue;
                }
                if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
                const type = String.fromCharCode(buf[0]);
                const body = buf.subarray(5, 1 + buf.readInt32BE(1));
                buf = buf.subarray(1 + buf.readInt32BE(1));
                if (type === 'Q') {
                    queries.push(body.toString('utf8').replace(/\0$/, ''));
                    socket.write(Buffer.concat([message('C', Buffer.from('SELECT 1\0')), READY]));
                } else if (type === 'X') {
                    socket.end();
                    return;
                }
            }
        });
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {net.AddressInfo} */ (server.address());
    return {
        port: address.port,
        url: `postgres://app:unused@127.0.0.1:${address.port}/app`,
        queries,
        /** Stops listening and drops every connection, like a crashed server. */
        async stop() {
            for (const socket of sockets) socket.destroy();
            await new Promise((resolve) => server.close(() => resolve(undefined)));
        },
    };
}

module.exports = { startFakePostgres };
