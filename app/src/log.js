'use strict';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * @typedef {(msg: string, fields?: Record<string, unknown>) => void} LogFn
 * @typedef {{ debug: LogFn, info: LogFn, warn: LogFn, error: LogFn }} Logger
 */

// Connection strings carry passwords (`scheme://user:password@host`); error messages from
// drivers sometimes echo them, so every string that reaches a log line goes through this.
const CREDENTIALS_IN_URL = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

/** @param {string} text */
function redact(text) {
    return text.replace(CREDENTIALS_IN_URL, '$1[redacted]@');
}

/** @param {unknown} value @returns {unknown} */
function clean(value) {
    if (typeof value === 'string') return redact(value);
    if (value instanceof Error) {
        const code = /** @type {NodeJS.ErrnoException} */ (value).code;
        return code ? { message: redact(value.message), code } : { message: redact(value.message) };
    }
    return value;
}

/**
 * A JSON-lines logger: one object per line with `time`, `level`, `msg`, then the fields.
 *
 * @param {{ level?: keyof LEVELS, write?: (line: string) => void, now?: () => Date }} [opts]
 * @returns {Logger}
 */
function createLogger(opts = {}) {
    const min = LEVELS[opts.level || 'info'];
    const write = opts.write || ((line) => process.stdout.write(line));
    const now = opts.now || (() => new Date());
    /** @param {keyof LEVELS} level @returns {LogFn} */
    const at = (level) => (msg, fields = {}) => {
        if (LEVELS[level] < min) return;
        /** @type {Record<string, unknown>} */
        const entry = { time: now().toISOString(), level, msg: redact(msg) };
        for (const [key, value] of Object.entries(fields)) {
            if (!(key in entry)) entry[key] = clean(value);
        }
        write(`${JSON.stringify(entry)}\n`);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that drops everything (tests). @type {Logger} */
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

module.exports = { createLogger, silentLogger, redact, LEVELS };
