/**
 * What a restore must reproduce, read straight from PostgreSQL's catalogs and tables (never from
 * a dump or the scripts under test): per table the row count and an MD5 of
 * `COPY (SELECT * FROM t ORDER BY <primary key>) TO STDOUT`, plus the schema (columns,
 * constraints, indexes, views, types) and the sequences' positions.
 */
import { createHash } from "node:crypto";

/** Runs SQL on one database and returns psql's `-qAt` output (the harness's `PostgresCluster.psql`). */
export type Psql = (sql: string, o?: { database?: string }) => Promise<string>;

export interface TableFingerprint {
    rows: number;
    /** MD5 of the table's COPY text in primary-key order. */
    md5: string;
}

export interface DatabaseFingerprint {
    tables: Record<string, TableFingerprint>;
    schema: string[];
    sequences: string[];
}

const SCHEMA_QUERIES = [
    `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name
            || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    `SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    `SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
    `SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public' ORDER BY viewname`,
    `SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1`,
];

const lines = (out: string): string[] => (out === "" ? [] : out.split("\n"));

export async function databaseFingerprint(psql: Psql, database: string): Promise<DatabaseFingerprint> {
    const q = (sql: string): Promise<string> => psql(sql, { database });
    const tables: Record<string, TableFingerprint> = {};
    const tableNames = lines(
        await q("SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname"),
    );
    for (const table of tableNames) {
        const primaryKey = await q(
            `SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum))
             FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = '${table}'::regclass AND i.indisprimary`,
        );
        // Without a key the row order (and so the checksum) would be arbitrary.
        if (primaryKey === "") throw new Error(`table ${table} has no primary key: its checksum would depend on row order`);
        const copy = await q(`COPY (SELECT * FROM ${table} ORDER BY ${primaryKey}) TO STDOUT`);
        tables[table] = {
            rows: Number(await q(`SELECT count(*) FROM ${table}`)),
            md5: createHash("md5").update(copy).digest("hex"),
        };
    }
    const schema: string[] = [];
    for (const sql of SCHEMA_QUERIES) schema.push(...lines(await q(sql)));
    const sequences = lines(
        await q("SELECT sequencename || ' last_value=' || coalesce(last_value::text, 'unset') FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"),
    );
    return { tables, schema, sequences };
}
