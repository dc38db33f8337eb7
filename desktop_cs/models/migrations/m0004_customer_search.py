"""Migration 4: customer search — the narrow ``customer_search`` table kept by triggers; live customers per tier."""
# Never edit a released migration: add a new one.
#
# - customer_search (customer_id, keys, live, assigned_to_id): search as you type scans the
#   search keys. On the wide customer rows a LIKE '%q%' that finds fewer than a page of
#   matches reads every row of the table (~65 ms for 100,000 customers measured, well over
#   the 50 ms from keystroke to first page); over these short rows it takes ~20 ms. "live"
#   (not deleted, not merged) and the assigned specialist are copied too, so the common
#   searches (all live customers, or a specialist's own) read no other table.
# - The rows are derived: triggers on customer insert them with the customer and copy the
#   four columns on every update of those columns, whoever writes (services, the import's
#   bulk insert, the demo data, a copy from another database). The program never writes
#   them. Existing customers are copied here.
# - customer_live_tier: counting live customers per tier (the tier list, opened with the
#   archive tab) and filtering by tier read this index alone instead of every row
#   (~50 ms -> ~10 ms for 100,000 customers).
# PostgreSQL: a pg_trgm GIN index on customer_search.keys serves the same LIKE (added with
# the team server's own migration, which needs the extension).

_LIVE = '"deleted_at" IS NULL AND "merged_into_id" IS NULL'
_NEW_LIVE = 'NEW."deleted_at" IS NULL AND NEW."merged_into_id" IS NULL'
_WATCHED = '"search_key", "deleted_at", "merged_into_id", "assigned_to_id"'

_INSERT_NEW = ('INSERT INTO "customer_search" ("customer_id", "keys", "live", "assigned_to_id") '
               f'VALUES (NEW."id", NEW."search_key", {_NEW_LIVE}, NEW."assigned_to_id")')
_UPDATE_NEW = (f'UPDATE "customer_search" SET "keys" = NEW."search_key", "live" = {_NEW_LIVE}, '
               '"assigned_to_id" = NEW."assigned_to_id" WHERE "customer_id" = NEW."id"')

_BOOLEAN = {"sqlite": "INTEGER", "postgres": "BOOLEAN"}


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres')."""
    common = [
        'CREATE TABLE "customer_search" ("customer_id" INTEGER NOT NULL PRIMARY KEY '
        'REFERENCES "customer" ("id") ON DELETE CASCADE, "keys" TEXT NOT NULL, '
        f'"live" {_BOOLEAN[kind]} NOT NULL, "assigned_to_id" INTEGER)',
        'INSERT INTO "customer_search" ("customer_id", "keys", "live", "assigned_to_id") '
        f'SELECT "id", "search_key", {_LIVE}, "assigned_to_id" FROM "customer" ORDER BY "id"',
        'CREATE INDEX "customer_live_tier" ON "customer" ("merged_into_id", "deleted_at", "tier_id")',
    ]
    if kind == "sqlite":
        return common + [
            f'CREATE TRIGGER "customer_search_insert" AFTER INSERT ON "customer" BEGIN {_INSERT_NEW}; END',
            f'CREATE TRIGGER "customer_search_update" AFTER UPDATE OF {_WATCHED} ON "customer" '
            f'BEGIN {_UPDATE_NEW}; END',
        ]
    return common + [
        'CREATE FUNCTION dcs_customer_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ '
        f"BEGIN IF TG_OP = 'INSERT' THEN {_INSERT_NEW}; ELSE {_UPDATE_NEW}; END IF; RETURN NULL; END $$",
        f'CREATE TRIGGER "customer_search_sync" AFTER INSERT OR UPDATE OF {_WATCHED} ON "customer" '
        'FOR EACH ROW EXECUTE FUNCTION dcs_customer_search_sync()',
    ]
