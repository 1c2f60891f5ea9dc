import { postgresMajorVersion } from "./postgres";
import { argError, withComponent } from "../shared/errors";

/**
 * The PostgreSQL database of a Slipway app, whatever the target: sizes, retention and safety
 * switches. Target implementations add their own wiring (VPC and subnets on AWS, a Docker
 * network on a VPS) and ignore what they cannot offer (e.g. `multiAz` on a single host).
 */
export interface DatabaseArgs {
    /**
     * Major (or major.minor) PostgreSQL version. Minor upgrades are applied in the maintenance
     * window, so a major version alone is enough.
     * @default "16"
     * @example
     * ```ts
     * { engineVersion: "17" }
     * ```
     */
    engineVersion?: string;
    /**
     * Storage allocated at creation, in GB.
     * @default 50
     * @example
     * ```ts
     * { storageGb: 100 }
     * ```
     */
    storageGb?: number;
    /**
     * Ceiling for storage autoscaling, in GB; must be at least `storageGb`.
     * @default 200
     * @example
     * ```ts
     * { storageGb: 100, maxStorageGb: 1000 }
     * ```
     */
    maxStorageGb?: number;
    /**
     * Days automated backups (point-in-time recovery) are kept, from 1 to 35.
     * @default 30
     * @example
     * ```ts
     * { backupRetentionDays: 7 }
     * ```
     */
    backupRetentionDays?: number;
    /**
     * Keep a synchronous standby in a second availability zone, with automatic failover.
     * Turning it off roughly halves the instance cost and gives up the 99.9% target.
     * @default true
     * @example
     * ```ts
     * { multiAz: false }
     * ```
     */
    multiAz?: boolean;
    /**
     * Refuse to delete the database server until this is turned off.
     * @default true
     * @example
     * ```ts
     * { deletionProtection: false }
     * ```
     */
    deletionProtection?: boolean;
    /**
     * Name of the database created for the app (letters, digits, underscores; starts with a letter).
     * @default "app"
     * @example
     * ```ts
     * { databaseName: "shop" }
     * ```
     */
    databaseName?: string;
    /**
     * Name of the database owner the app connects as. Its password is generated.
     * @default "app"
     * @example
     * ```ts
     * { username: "shop_owner" }
     * ```
     */
    username?: string;
    /**
     * Add an asynchronous read replica for read-heavy traffic (see the component's reader address).
     * @default false
     * @example
     * ```ts
     * { readReplica: true }
     * ```
     */
    readReplica?: boolean;
    /**
     * Collect query-level performance data (Performance Insights on AWS).
     * @default true
     * @example
     * ```ts
     * { performanceInsights: false }
     * ```
     */
    performanceInsights?: boolean;
    /**
     * Log every statement slower than this many milliseconds (`log_min_duration_statement`);
     * `-1` turns slow-query logging off, `0` logs every statement.
     * @default 500
     * @example
     * ```ts
     * { slowQueryMs: 250 }
     * ```
     */
    slowQueryMs?: number;
    /**
     * Protect the database (and its key) from `pulumi destroy` and replacement.
     * @default true
     * @example
     * ```ts
     * { protect: false } // throwaway review stacks only
     * ```
     */
    protect?: boolean;
}

/** `DatabaseArgs` with every default applied and every value checked. */
export type NormalizedDatabaseArgs = Required<DatabaseArgs>;

export const databaseDefaults: NormalizedDatabaseArgs = {
    engineVersion: "16",
    storageGb: 50,
    maxStorageGb: 200,
    backupRetentionDays: 30,
    multiAz: true,
    deletionProtection: true,
    databaseName: "app",
    username: "app",
    readReplica: false,
    performanceInsights: true,
    slowQueryMs: 500,
    protect: true,
};

/** Largest gp3 volume RDS accepts, in GB. */
const maxRdsStorageGb = 65536;

/** Role names PostgreSQL or RDS reserve for themselves (PostgreSQL also reserves every `pg_*`). */
const reservedUsernames = new Set(["public", "rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_iam"]);
const isReservedUsername = (u: string): boolean => reservedUsernames.has(u.toLowerCase()) || /^pg_/i.test(u);

const isInt = (n: number): boolean => Number.isInteger(n);

/**
 * Applies the defaults and checks every value, failing with a sentence that names the
 * database, the key, the value and the fix.
 */
export function normalizeDatabaseArgs(name: string, args: DatabaseArgs = {}): NormalizedDatabaseArgs {
    // Claims its errors for the component, whichever constructor (or stack) calls it.
    return withComponent("Database", name, () => checkDatabaseArgs(name, args));
}

function checkDatabaseArgs(name: string, args: DatabaseArgs): NormalizedDatabaseArgs {
    const a: NormalizedDatabaseArgs = { ...databaseDefaults };
    for (const [k, v] of Object.entries(args)) {
        if (v !== undefined) (a as unknown as Record<string, unknown>)[k] = v;
    }
    const where = `the ${name} Postgres database`;

    postgresMajorVersion(a.engineVersion, where);
    if (!isInt(a.storageGb) || a.storageGb < 20 || a.storageGb > maxRdsStorageGb) {
        throw argError("storageGb", a.storageGb, `a whole number of GB from 20 to ${maxRdsStorageGb}`);
    }
    if (!isInt(a.maxStorageGb) || a.maxStorageGb < a.storageGb || a.maxStorageGb > maxRdsStorageGb) {
        throw argError("maxStorageGb", a.maxStorageGb, `a whole number of GB from storageGb (${a.storageGb}) to ${maxRdsStorageGb}: raise maxStorageGb or lower storageGb`);
    }
    if (!isInt(a.backupRetentionDays) || a.backupRetentionDays < 1 || a.backupRetentionDays > 35) {
        throw argError("backupRetentionDays", a.backupRetentionDays, "a whole number of days from 1 to 35 (0 would turn backups off, which Slipway does not allow)");
    }
    if (!isInt(a.slowQueryMs) || a.slowQueryMs < -1) {
        throw argError("slowQueryMs", a.slowQueryMs, "a whole number of milliseconds, 0 to log every statement or -1 to turn it off");
    }
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(a.databaseName)) {
        throw argError("databaseName", a.databaseName, "1 to 63 letters, digits or underscores, starting with a letter");
    }
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(a.username) || isReservedUsername(a.username)) {
        throw argError("username", a.username, `1 to 63 letters, digits or underscores, starting with a letter, and not a reserved role (pg_*, ${[...reservedUsernames].join(", ")})`);
    }
    return a;
}
