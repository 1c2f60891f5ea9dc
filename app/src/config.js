'use strict';

const fs = require('node:fs');

/**
 * @typedef {'debug' | 'info' | 'warn' | 'error'} LogLevel
 *
 * @typedef {object} Config
 * @property {number} port            TCP port to listen on (0 = any free port).
 * @property {string} host            Address to bind.
 * @property {string} databaseUrl     postgres:// connection string (a secret).
 * @property {string} redisUrl        redis:// or rediss:// URL (a secret).
 * @property {LogLevel} logLevel      Lowest level written to stdout.
 * @property {number} shutdownTimeoutMs  How long in-flight requests get after SIGTERM.
 */

/** A setting is missing or invalid; the message is one line a user can act on. */
class ConfigError extends Error {
    /** @param {string} message */
    constructor(message) {
        super(message);
        this.name = 'ConfigError';
    }
}

const LOG_LEVELS = /** @type {const} */ (['debug', 'info', 'warn', 'error']);

/**
 * Reads `NAME` or the file named by `NAME_FILE` (Docker/Kubernetes secrets style).
 * Values are never echoed in errors: these settings hold passwords.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {(path: string) => string} readFile
 * @returns {string | undefined}
 */
function secretSetting(env, name, readFile) {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
        throw new ConfigError(`Set ${name} or ${name}_FILE, not both.`);
    }
    if (file !== undefined && file !== '') {
        let text;
        try {
            text = readFile(file);
        } catch (err) {
            const code = /** @type {NodeJS.ErrnoException} */ (err).code || 'read error';
            throw new ConfigError(`${name}_FILE=${file} cannot be read (${code}).`);
        }
        const value = text.trim();
        if (value === '') throw new ConfigError(`${name}_FILE=${file} is empty.`);
        return value;
    }
    return direct === '' ? undefined : direct;
}

/**
 * @param {string} name
 * @param {string | undefined} value
 * @param {string[]} schemes
 * @param {string} example
 */
function requireUrl(name, value, schemes, example) {
    if (value === undefined) {
        throw new ConfigError(`${name} (or ${name}_FILE) is required, e.g. ${example}.`);
    }
    const scheme = value.split(':', 1)[0].toLowerCase();
    if (!schemes.includes(scheme) || !value.includes('://')) {
        throw new ConfigError(
            `${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')} (value not shown: it may hold a password).`,
        );
    }
    return value;
}

/**
 * @param {string} name
 * @param {string | undefined} raw
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function intSetting(name, raw, fallback, min, max) {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        throw new ConfigError(`${name} is "${raw}"; expected an integer from ${min} to ${max}.`);
    }
    return Number(raw);
}

/** @param {NodeJS.ProcessEnv} env @returns {LogLevel} */
function logLevelSetting(env) {
    const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
    if (!(/** @type {readonly string[]} */ (LOG_LEVELS)).includes(logLevel)) {
        throw new ConfigError(`LOG_LEVEL is "${env.LOG_LEVEL}"; expected one of ${LOG_LEVELS.join(', ')}.`);
    }
    return /** @type {LogLevel} */ (logLevel);
}

/** @param {NodeJS.ProcessEnv} env @param {(path: string) => string} readFile */
function databaseUrlSetting(env, readFile) {
    return requireUrl(
        'DATABASE_URL',
        secretSetting(env, 'DATABASE_URL', readFile),
        ['postgres', 'postgresql'],
        'postgres://app:secret@127.0.0.1:5432/app',
    );
}

/** @param {{ readFile?: (path: string) => string }} io */
const fileReader = (io) => io.readFile || ((/** @type {string} */ path) => fs.readFileSync(path, 'utf8'));

/**
 * Builds the app's configuration from the environment. Pure apart from `readFile`.
 *
 * @param {NodeJS.ProcessEnv} [env]
 * @param {{ readFile?: (path: string) => string }} [io]
 * @returns {Config}
 * @throws {ConfigError}
 */
function loadConfig(env = process.env, io = {}) {
    const readFile = fileReader(io);
    const logLevel = logLevelSetting(env);
    return {
        port: intSetting('PORT', env.PORT, 8080, 0, 65535),
        host: env.HOST || '0.0.0.0',
        databaseUrl: databaseUrlSetting(env, readFile),
        redisUrl: requireUrl(
            'REDIS_URL',
            secretSetting(env, 'REDIS_URL', readFile),
            ['redis', 'rediss'],
            'redis://:secret@127.0.0.1:6379/0',
        ),
        logLevel,
        shutdownTimeoutMs: intSetting('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, 10000, 0, 300000),
    };
}

/**
 * The migration runner's configuration (`node src/migrate.js`): only the database, so the
 * one-off migration task needs no Redis. `MIGRATE_LOCK_TIMEOUT_MS` bounds the wait for another
 * runner holding the migration lock.
 *
 * @param {NodeJS.ProcessEnv} [env]
 * @param {{ readFile?: (path: string) => string }} [io]
 * @returns {{ databaseUrl: string, logLevel: LogLevel, lockTimeoutMs: number }}
 * @throws {ConfigError}
 */
function loadMigrateConfig(env = process.env, io = {}) {
    const logLevel = logLevelSetting(env);
    return {
        databaseUrl: databaseUrlSetting(env, fileReader(io)),
        logLevel,
        lockTimeoutMs: intSetting('MIGRATE_LOCK_TIMEOUT_MS', env.MIGRATE_LOCK_TIMEOUT_MS, 300000, 0, 3600000),
    };
}

module.exports = { loadConfig, loadMigrateConfig, ConfigError, LOG_LEVELS };
