'use strict';

// A few lines of the Redis protocol (RESP2), enough for node-redis to connect, PING and
// INCR. It lets tests drop and restore "Redis" on a fixed port to exercise the real
// client's reconnect logic without a Redis server.

const net = require('node:net');

/**
 * Parses complete RESP arrays of bulk strings from `buf`.
 * @param {Buffer} buf
 * @returns {{ commands: string[][], rest: Buffer }}
 */
function parse(buf) {
    const commands = [];
    let pos = 0;
    for (;;) {
        if (buf[pos] !== 0x2a /* '*' */) break;
        const lineEnd = buf.indexOf('\r\n', pos);
        if (lineEnd < 0) break;
        const count = Number(buf.subarray(pos + 1, lineEnd).toString());
        let p = lineEnd + 2;
        const args = [];
        for (let i = 0; i < count; i++) {
            const end = buf.indexOf('\r\n', p);
            if (end < 0 || buf[p] !== 0x24 /* '$' */) return { commands, rest: buf.subarray(pos) };
            const len = Number(buf.subarray(p + 1, end).toString());
            if (end + 2 + len + 2 > buf.length) return { commands, rest: buf.subarray(pos) };
            args.push(buf.subarray(end + 2, end + 2 + len).toString());
            p = end + 2 + len + 2;
        }
        commands.push(args);
        pos = p;
    }
    return { commands, rest: buf.subarray(pos) };
}

/** @param {number} [port] 0 = pick a free port */
async function startFakeRedis(port = 0) {
    /** @type {Set<net.Socket>} */
    const sockets = new Set();
    /** @type {Record<string, number>} */
    const counters = {};
    /** @type {string[]} */
    const seen = [];
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        /** @type {Buffer} */
        let pending = Buffer.alloc(0);
        socket.on('data', (chunk) => {
            const { commands, rest } = parse(Buffer.concat([pending, chunk]));
            pending = rest;
            for (const [name, ...args] of commands) {
                const cmd = name.toUpperCase();
                seen.push(cmd);
                if (cmd === 'PING') socket.write('+PONG\r\n');
                else if (cmd === 'INCR') {
                    counters[args[0]] = (counters[args[0]] || 0) + 1;
                    socket.write(`:${counters[args[0]]}\r\n`);
                } else if (cmd === 'QUIT') socket.end('+OK\r\n');
                else socket.write('+OK\r\n');
            }
        });
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {net.AddressInfo} */ (server.address());
    return {
        port: address.port,
        url: `redis://127.0.0.1:${address.port}`,
        seen,
        /** Stops listening and drops every connection, like a crashed server. */
        async stop() {
            for (const socket of sockets) socket.destroy();
            await new Promise((resolve) => server.close(() => resolve(undefined)));
        },
    };
}

module.exports = { startFakeRedis };
