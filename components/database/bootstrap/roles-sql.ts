import { argError } from "../../shared/errors";
/**
 * The SQL that gives the app and the backup job their own least-privilege PostgreSQL roles on
 * RDS, run by the bootstrap function (./handler.mjs) as the RDS master user at every deploy
 * that changes it. Pure: no Pulumi, no passwords (the handler sets those from Secrets Manager,
 * as SCRAM verifiers), so it is tested alone and against a real PostgreSQL (tests/live).
 *
 * Why it is shaped this way:
 * - The RDS master user is `rds_superuser`, not a superuser: it may create roles and grant them,
 *   but may not set SUPERUSER, REPLICATION or BYPASSRLS (PostgreSQL refuses even `NOSUPERUSER`
 *   from a non-superuser), so those are checked and refused rather than set.
 * - Idempotent: `CREATE ROLE` only when absent, every attribute, grant and owner restated, so a
 *   re-run (a retried deploy, a changed secret) converges instead of failing.
 * - The app owns one schema named after its role: PostgreSQL's default `search_path`
 *   ("$user", public) puts it first, so the app's unqualified `CREATE TABLE` (and its migration
 *   ledger) land there without a setting, and `public` stays readable for extensions.
 * - The backup role is `pg_read_all_data` (PostgreSQL 14+: SELECT on every table, view and
 *   sequence, USAGE on every schema, now and later), enough for `pg_dump`, and nothing else:
 *   no CREATE anywhere, no TEMP, read-only transactions by default. Note that
 *   `pg_read_all_data` also reads `pg_authid`: the roles' SCRAM verifiers (never passwords;
 *   the handler only ever sends verifiers of 40 random characters, and RDS's master password
 *   is random and rotated), which is why the backup role's secret is as guarded as the app's.
 * - Nobody else connects to the app's database (CONNECT and TEMP revoked from PUBLIC); the
 *   master connects as the database's owner.
 */

/** What the roles are for and where. Names are PostgreSQL identifiers (validated here). */
export interface DatabaseRolesSpec {
    /** The application database (RDS `dbName`, owned by the master user). */
    database: string;
    /** The app's role; it owns the schema of the same name. */
    appRole: string;
    /** The backup job's read-only role. */
    backupRole: string;
}

/** Roles and databases this renderer accepts: plain identifiers, so quoting is never in doubt. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** A double-quoted SQL identifier (case kept). */
export const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
/** A single-quoted SQL string literal. */
export const sqlLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Any constant bigint: the bootstrap runs one at a time even when two deploys race. */
export const bootstrapLockKey = 0x736c7277; // "slrw"

/**
 * The statements, in order, for one transaction (the handler wraps them in BEGIN/COMMIT and
 * then sets each role's password). Throws on a name that is not a plain identifier, or when
 * the two roles are one.
 */
export function databaseRolesSql(spec: DatabaseRolesSpec): string[] {
    for (const [key, value] of Object.entries(spec)) {
        if (!IDENTIFIER.test(value) || /^pg_/i.test(value)) {
            throw argError(key, value, "a plain PostgreSQL identifier (a letter, then up to 62 letters, digits or underscores; not pg_*)", { where: "databaseRolesSql" });
        }
    }
    if (spec.appRole.toLowerCase() === spec.backupRole.toLowerCase()) {
        throw argError("backupRole", spec.backupRole, `a role other than appRole (${JSON.stringify(spec.appRole)}): the app and the backup job need roles of their own`, { where: "databaseRolesSql" });
    }
    const app = sqlIdent(spec.appRole);
    const backup = sqlIdent(spec.backupRole);
    const db = sqlIdent(spec.database);
    const names = `${sqlLiteral(spec.appRole)}, ${sqlLiteral(spec.backupRole)}`;
    const createIfAbsent = (role: string) =>
        `DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE ${sqlIdent(role)}; END IF; END$$`;
    return [
        `SELECT pg_advisory_xact_lock(${bootstrapLockKey})`,
        createIfAbsent(spec.appRole),
        createIfAbsent(spec.backupRole),
        // A role someone made superuser (or a member of another role) by hand is refused, not
        // silently kept: least privilege is the point of these roles. First, so the refusal is ours.
        `DO $$BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname IN (${names}) AND (rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION 'a Slipway database role is SUPERUSER, REPLICATION or BYPASSRLS; remove that attribute (as rdsadmin support, or recreate the role) before deploying'; END IF; END$$`,
        `DO $$BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE (r.rolname = ${sqlLiteral(spec.appRole)}) OR (r.rolname = ${sqlLiteral(spec.backupRole)} AND g.rolname <> 'pg_read_all_data')) THEN RAISE EXCEPTION 'a Slipway database role was granted another role by hand; revoke it (the app role is a member of none, the backup role of pg_read_all_data only)'; END IF; END$$`,
        // What a non-superuser may restate (the attributes checked above it may not touch).
        `ALTER ROLE ${app} WITH LOGIN NOCREATEDB NOCREATEROLE NOINHERIT`,
        `ALTER ROLE ${backup} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT`,
        // Belt and braces: pg_dump runs read-only anyway, and the role has nothing to write to.
        `ALTER ROLE ${backup} SET default_transaction_read_only = on`,
        `GRANT pg_read_all_data TO ${backup}`,
        // The database: only these two roles (and its owner, the master user) may connect.
        `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
        `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${app}`,
        `GRANT CONNECT ON DATABASE ${db} TO ${backup}`,
        // PostgreSQL 14 still lets PUBLIC create in `public` (15+ does not): nobody creates there.
        `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
        // Creating a schema for another role takes being able to SET ROLE to it.
        `GRANT ${app} TO CURRENT_USER`,
        `CREATE SCHEMA IF NOT EXISTS ${app} AUTHORIZATION ${app}`,
        `ALTER SCHEMA ${app} OWNER TO ${app}`,
        `REVOKE ALL ON SCHEMA ${app} FROM PUBLIC`,
    ];
}
