/**
 * The rows the backup drill writes before its backup: several tables of the types a dump must
 * carry exactly — non-ASCII text (combining marks, right-to-left, emoji), text with tabs, newlines
 * and quotes, arrays, an enum, numeric, timestamptz, uuid, json and jsonb, bytea holding every
 * byte value, NULLs — with a foreign key, an index and a view. Deterministic (no random()), so
 * a failure reproduces.
 */

/** Rows per table: what a restore must bring back, whatever the fingerprint says. */
export const drillRowCounts = { customers: 3000, orders: 12000, events: 5000, attachments: 1500 } as const;

/** The schema and rows, created as `role` (the app role the dump runs as must own them). */
export function drillSeedSql(role: string): string {
    const n = drillRowCounts;
    return `
SET ROLE "${role.replace(/"/g, '""')}";
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'refunded');

CREATE TABLE customers (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    active boolean NOT NULL,
    tags text[] NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO customers (name, email, active, tags, created_at)
SELECT (ARRAY['Zoë', 'Łukasz', 'Søren', 'Ἀθηνᾶ', '東京 太郎', 'محمد', 'Ñandú 🚀', 'e' || chr(769)])[1 + i % 8] || ' #' || i,
       'user' || i || '@example.test',
       i % 3 <> 0,
       ARRAY['tier-' || i % 4, CASE WHEN i % 5 = 0 THEN 'quote''d "x"' ELSE 'tab' || chr(9) || 'here' END],
       timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes 13.25 seconds'
FROM generate_series(1, ${n.customers}) AS i;

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    status order_status NOT NULL,
    amount numeric(12, 2) NOT NULL CHECK (amount >= 0),
    placed_at timestamptz NOT NULL,
    note text
);
INSERT INTO orders (customer_id, status, amount, placed_at, note)
SELECT 1 + (i * 7919) % ${n.customers},
       (enum_range(NULL::order_status))[1 + i % 4],
       round((i * 13.37) % 10000, 2),
       timestamptz '2024-02-01 00:00:00+00' + i * interval '11 minutes',
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ' || i || chr(10) || 'second line ✓' END
FROM generate_series(1, ${n.orders}) AS i;
CREATE INDEX orders_customer_placed ON orders (customer_id, placed_at);

CREATE TABLE events (
    id uuid PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    payload jsonb NOT NULL,
    raw json
);
INSERT INTO events (id, occurred_at, payload, raw)
SELECT md5('event-' || i)::uuid,
       timestamptz '2024-03-01 12:00:00+00' + i * interval '1 second',
       jsonb_build_object('n', i, 'kind', (ARRAY['login', 'logout', 'purchase'])[1 + i % 3], 'ratio', i / 7.0,
                          'nested', jsonb_build_object('ok', i % 2 = 0, 'list', jsonb_build_array(i, i * 2, 'ünï', NULL))),
       CASE WHEN i % 10 = 0 THEN NULL ELSE json_build_object('raw', i, 'text', 'line' || chr(10) || 'break') END
FROM generate_series(1, ${n.events}) AS i;

-- 32 bytes to 2 KiB each; the sha256 blocks cover every byte value, 0x00 included.
CREATE TABLE attachments (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    name text NOT NULL,
    content bytea NOT NULL
);
INSERT INTO attachments (id, customer_id, name, content)
SELECT i, 1 + i % ${n.customers}, 'file-' || i || '.bin',
       (SELECT string_agg(sha256(int4send(i * 1000 + j)), ''::bytea) FROM generate_series(1, 1 + i % 64) AS j) || '\\x00ff00'::bytea
FROM generate_series(1, ${n.attachments}) AS i;

CREATE VIEW customer_totals AS
SELECT c.id, c.name, count(o.id) AS orders, coalesce(sum(o.amount), 0) AS total
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.name;
`;
}
