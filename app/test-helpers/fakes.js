'use strict';

// In-memory stand-ins for a pg Pool and a node-redis client, switchable up and down.

class FakeDb {
    constructor() {
        this.up = true;
        this.hang = false;
        /** @type {Array<string>} */
        this.queries = [];
        this.rows = 0;
        /** @type {Error | undefined} */
        this.failCreateOnce = undefined;
    }

    /** @param {string | { text: string }} q @param {unknown[]} [values] */
    async query(q, values) {
        const text = typeof q === 'string' ? q : q.text;
        this.queries.push(text);
        if (this.hang) return new Promise(() => {});
        if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        if (text.startsWith('CREATE TABLE') && this.failCreateOnce) {
            const err = this.failCreateOnce;
            this.failCreateOnce = undefined;
            throw err;
        }
        if (text.startsWith('INSERT')) {
            this.rows += 1;
            this.lastValues = values;
        }
        if (text.startsWith('SELECT count')) return { rows: [{ n: String(this.rows) }] };
        return { rows: [{ '?column?': 1 }] };
    }
}

class FakeRedis {
    constructor() {
        this.up = true;
        this.hang = false;
        this.pings = 0;
        this.counter = 0;
    }

    async ping() {
        this.pings += 1;
        if (this.hang) return new Promise(() => {});
        if (!this.up) throw new Error('The client is offline');
        return 'PONG';
    }

    /** @param {string} _key */
    async incr(_key) {
        if (this.hang) return new Promise(() => {});
        if (!this.up) throw new Error('The client is offline');
        this.counter += 1;
        return this.counter;
    }
}

/** A logger that keeps its entries, for assertions. */
function memoryLogger() {
    /** @type {Array<{ level: string, msg: string, fields: Record<string, any> }>} */
    const entries = [];
    /** @param {string} level */
    const at = (level) => (/** @type {string} */ msg, fields = {}) => entries.push({ level, msg, fields });
    return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

module.exports = { FakeDb, FakeRedis, memoryLogger };
