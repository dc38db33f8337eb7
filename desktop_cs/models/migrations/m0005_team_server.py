"""Migration 5: the team server — trigram search index, guard errors as integrity violations (PostgreSQL only)."""
# Never edit a released migration: add a new one.
#
# - pg_trgm: search as you type is LIKE '%text%' over customer_search.keys (migration 4).
#   SQLite scans the narrow table; PostgreSQL answers the same LIKE/ILIKE from a trigram
#   GIN index for three characters or more (shorter text scans the narrow table, as on
#   SQLite). pg_trgm is a trusted extension: the owner of the database may create it.
# - The guard functions of migration 1 raised plain exceptions (SQLSTATE P0001), which reach
#   the program as a generic error; SQLite's RAISE(ABORT) is a constraint failure. They now
#   raise integrity_constraint_violation (23000), so a refused write is the same
#   IntegrityError on both databases (and never looks like a bug).
# SQLite: nothing to do.

_INTEGRITY = "USING ERRCODE = 'integrity_constraint_violation'"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX "customer_search_keys_trgm" ON "customer_search" USING gin ("keys" gin_trgm_ops)',
    "CREATE OR REPLACE FUNCTION dcs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '% is append-only: no %', TG_TABLE_NAME, lower(TG_OP) {_INTEGRITY}; END $$",
    "CREATE OR REPLACE FUNCTION dcs_points_not_negative() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.points < 0 AND (SELECT SUM(points) FROM points_entry WHERE customer_id = NEW.customer_id) < 0 "
    f"THEN RAISE EXCEPTION 'points balance cannot go negative' {_INTEGRITY}; END IF; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION dcs_allocation_within_lot() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF (SELECT SUM(points) FROM points_allocation WHERE lot_id = NEW.lot_id) > "
    "(SELECT points FROM points_entry WHERE id = NEW.lot_id) "
    f"THEN RAISE EXCEPTION 'a lot cannot give more points than it holds' {_INTEGRITY}; END IF; RETURN NULL; END $$",
]


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres')."""
    return list(POSTGRES) if kind == "postgres" else []
