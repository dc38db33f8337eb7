"""Migration 6: the team server announces changes to callbacks and complaints (LISTEN/NOTIFY; PostgreSQL only)."""
# Never edit a released migration: add a new one.
#
# A statement that writes callbacks or complaints sends NOTIFY desktop_cs_changes with the
# table's name when its transaction commits (PostgreSQL folds repeats within a transaction
# into one). Every PC listens (services/change_feed.py): My day and the complaint list
# refresh within a second of a change on another PC instead of at their next poll.
# Statement-level triggers: one notice per statement, not per row (an import or a copy of
# 500,000 callbacks sends one). SQLite: one PC, nothing to announce.

CHANNEL = "desktop_cs_changes"
TABLES = ("callback", "complaint")

POSTGRES = [
    "CREATE FUNCTION dcs_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$",
    *[f'CREATE TRIGGER "{t}_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "{t}" '
      "FOR EACH STATEMENT EXECUTE FUNCTION dcs_notify_change()" for t in TABLES],
]


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres')."""
    return list(POSTGRES) if kind == "postgres" else []
