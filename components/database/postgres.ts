import { argError } from "../shared/errors";

/**
 * Pure PostgreSQL-on-RDS helpers: version → parameter family, the parameter set, the password
 * alphabet and the connection URL. No Pulumi here, so each is tested on its own.
 */

/** Major versions RDS supports under standard support that Slipway has been checked against. */
export const supportedPostgresMajors = [14, 15, 16, 17, 18] as const;

/**
 * The major version of an `engineVersion` such as "16" or "16.4".
 * @throws when the version is malformed or not a supported major; `where` names the database.
 */
export function postgresMajorVersion(engineVersion: string, where = "the database"): number {
    const m = /^(\d+)(\.\d+)?$/.exec(engineVersion);
    const major = m ? Number(m[1]) : NaN;
    if (!(supportedPostgresMajors as readonly number[]).includes(major)) {
        throw argError(
            "engineVersion",
            engineVersion,
            `a PostgreSQL major version (optionally with a minor) from ${supportedPostgresMajors[0]} to ${supportedPostgresMajors[supportedPostgresMajors.length - 1]}, e.g. "16" or "16.4"`,
            { where },
        );
    }
    return major;
}

/** The DB parameter group family for an engine version ("16.4" → "postgres16"). */
export const postgresParameterFamily = (engineVersion: string): string => `postgres${postgresMajorVersion(engineVersion)}`;

export interface PostgresParameter {
    name: string;
    value: string;
    /** Static parameters only take effect after a reboot; RDS rejects "immediate" for them. */
    applyMethod: "immediate" | "pending-reboot";
}

/**
 * The parameters every Slipway database runs with: TLS required, slow queries and
 * connections logged (for the CloudWatch/Prometheus signals), pg_stat_statements loaded.
 */
export function postgresParameters(opts: { slowQueryMs: number }): PostgresParameter[] {
    return [
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        { name: "log_min_duration_statement", value: String(opts.slowQueryMs), applyMethod: "immediate" },
        { name: "log_connections", value: "1", applyMethod: "immediate" },
        { name: "log_disconnections", value: "1", applyMethod: "immediate" },
        { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
    ];
}

/**
 * Punctuation allowed in generated master passwords: RDS forbids `/`, `"`, `@` and space;
 * quotes and backslashes are left out too so the password survives shells and env files.
 */
export const rdsPasswordSpecials = "!#$%&*()-_=+[]{}<>:?";

/** encodeURIComponent, plus the sub-delimiters it leaves alone (`!'()*`), per RFC 3986. */
export const encodeUriStrict = (s: string): string =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A libpq connection URL that refuses unencrypted connections. */
export function postgresConnectionUrl(c: { username: string; password: string; address: string; port: number; databaseName: string }): string {
    return `postgres://${encodeUriStrict(c.username)}:${encodeUriStrict(c.password)}@${c.address}:${c.port}/${encodeUriStrict(c.databaseName)}?sslmode=require`;
}
