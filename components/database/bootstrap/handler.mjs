// @ts-check
// Slipway database bootstrap: run inside the VPC by `aws.lambda.Invocation` at deploy, as the
// RDS master user, to create or converge the app's and the backup job's own roles
// (./roles-sql.ts renders the SQL into statements.json beside this file) and set each role's
// password to the value in its Secrets Manager secret. Safe to re-run: the SQL is idempotent
// and a password is restated every time.
//
// The master password belongs to RDS (manageMasterUserPassword): it is read from RDS's secret at
// each invocation and never kept, since RDS rotates it every 7 days.
//
// Passwords reach PostgreSQL as SCRAM-SHA-256 verifiers computed here, never as plain text, so
// a statement that lands in the server log (log_min_duration_statement, an error) shows no
// password. The event and the function's environment carry ARNs only.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** @typedef {{ name: string, secretArn: string }} RoleRef */
/** @typedef {{ host: string, port: number, database: string, masterSecretArn: string, roles: RoleRef[] }} BootstrapEvent */
/** @typedef {{ query: (text: string) => Promise<unknown>, end: () => Promise<void> }} SqlClient */
/**
 * @typedef {object} BootstrapDeps
 * @property {string[]} statements the SQL of roles-sql.ts, run in one transaction
 * @property {(arn: string) => Promise<Record<string, unknown>>} readSecret a secret's JSON value
 * @property {(c: { host: string, port: number, database: string, user: string, password: string }) => Promise<SqlClient>} connect
 */

/** SCRAM iterations: PostgreSQL's default (scram_iterations, 4096). */
const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, as libpq's
 * PQencryptPasswordConn builds it). Passwords here are ASCII, where SASLprep is the identity.
 * @param {string} password
 * @param {Buffer} [salt]
 */
export function scramSha256Verifier(password, salt = randomBytes(16)) {
    if (!/^[\x20-\x7e]+$/.test(password)) throw new Error("role passwords must be printable ASCII (SASLprep is not implemented)");
    const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** @param {string} s */
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

/**
 * @param {Record<string, unknown>} value
 * @param {string} key
 * @param {string} what
 */
function field(value, key, what) {
    const v = value[key];
    if (typeof v !== "string" || v === "") throw new Error(`${what} has no "${key}" string`);
    return v;
}

/**
 * Connects as the master user, runs the statements and sets every role's password, all in one
 * transaction (a failure leaves the database as it was). Returns what it did, without secrets.
 * @param {BootstrapEvent} event
 * @param {BootstrapDeps} deps
 */
export async function bootstrap(event, deps) {
    if (!event || !Array.isArray(event.roles) || event.roles.length === 0) throw new Error("the event names no roles");
    const master = await deps.readSecret(event.masterSecretArn);
    const passwords = [];
    for (const role of event.roles) {
        const secret = await deps.readSecret(role.secretArn);
        // The secret's username must be the role it sets: a swapped ARN would hand one role the other's password.
        const username = field(secret, "username", `the secret of role ${role.name}`);
        if (username !== role.name) throw new Error(`the secret for role ${role.name} is for "${username}"`);
        passwords.push({ role: role.name, verifier: scramSha256Verifier(field(secret, "password", `the secret of role ${role.name}`)) });
    }
    const client = await deps.connect({
        host: event.host,
        port: event.port,
        database: event.database,
        user: field(master, "username", "the master secret"),
        password: field(master, "password", "the master secret"),
    });
    try {
        await client.query("BEGIN");
        for (const sql of deps.statements) await client.query(sql);
        // A verifier is base64, digits, '$' and ':' only: no quote can end the literal.
        for (const p of passwords) await client.query(`ALTER ROLE ${ident(p.role)} PASSWORD '${p.verifier}'`);
        await client.query("COMMIT");
    } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
    } finally {
        await client.end();
    }
    return { database: event.database, roles: passwords.map((p) => p.role), statements: deps.statements.length };
}

/**
 * The Lambda entry point: Secrets Manager through the SDK the runtime ships, PostgreSQL through
 * the bundled `pg`, TLS verified against the RDS CAs the runtime provides (NODE_EXTRA_CA_CERTS,
 * set on the function).
 * @param {BootstrapEvent} event
 */
export async function handler(event) {
    const { readFileSync } = await import("node:fs");
    const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    const { default: pg } = await import("pg");
    const sm = new SecretsManagerClient({});
    const statements = JSON.parse(readFileSync(new URL("./statements.json", import.meta.url), "utf8"));
    const result = await bootstrap(event, {
        statements,
        readSecret: async (arn) => {
            const out = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
            return JSON.parse(out.SecretString ?? "{}");
        },
        connect: async (c) => {
            const client = new pg.Client({ ...c, ssl: { rejectUnauthorized: true, servername: c.host }, connectionTimeoutMillis: 10_000, statement_timeout: 60_000 });
            await client.connect();
            return client;
        },
    });
    console.log(JSON.stringify({ msg: "database roles converged", ...result }));
    return result;
}
