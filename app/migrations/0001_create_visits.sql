-- The table behind GET /api/visits. The app also creates it at start when missing (the same
-- statement, src/visits.js), so a database that never ran migrations keeps working; this
-- migration makes the schema explicit and versioned from here on.
CREATE TABLE IF NOT EXISTS visits (
    id bigserial PRIMARY KEY,
    visited_at timestamptz NOT NULL DEFAULT now(),
    request_id text
);
