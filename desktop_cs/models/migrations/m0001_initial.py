"""Migration 1: the initial schema of all four working areas (tables frozen in m0001_tables.py) and its guards."""
# Never edit a released migration: add a new one.
from desktop_cs.models.migrations.m0001_tables import POSTGRES_TABLES, SQLITE_TABLES

_APPEND_ONLY = ("points_entry", "points_allocation", "audit_entry")
#: (table, column) pairs of integer points and money: a REAL or text value is refused
_INTEGER_COLUMNS = (
    ("points_entry", "points"), ("points_allocation", "points"), ("points_rule", "points"),
    ("points_rule", "per_amount_fen"), ("points_adjustment", "points"),
    ("complaint", "compensation_points"), ("complaint", "compensation_fen"),
)

SQLITE_GUARDS = [
    *[f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
      f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: no update'); END" for t in _APPEND_ONLY],
    *[f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
      f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: no delete'); END" for t in _APPEND_ONLY],
    *[f"CREATE TRIGGER {t}_{c}_integer_{op.lower()} BEFORE {op} ON {t} "
      f"WHEN typeof(NEW.{c}) <> 'integer' "
      f"BEGIN SELECT RAISE(ABORT, '{t}.{c} must be an integer'); END"
      for t, c in _INTEGER_COLUMNS for op in ("INSERT", "UPDATE")
      if not (op == "UPDATE" and t in _APPEND_ONLY)],
    # Only a negative entry can take a balance below zero, so only those pay for the check.
    "CREATE TRIGGER points_entry_not_negative AFTER INSERT ON points_entry WHEN NEW.points < 0 "
    "BEGIN SELECT RAISE(ABORT, 'points balance cannot go negative') "
    "WHERE (SELECT SUM(points) FROM points_entry WHERE customer_id = NEW.customer_id) < 0; END",
    "CREATE TRIGGER points_allocation_within_lot AFTER INSERT ON points_allocation "
    "BEGIN SELECT RAISE(ABORT, 'a lot cannot give more points than it holds') "
    "WHERE (SELECT SUM(points) FROM points_allocation WHERE lot_id = NEW.lot_id) > "
    "(SELECT points FROM points_entry WHERE id = NEW.lot_id); END",
]

POSTGRES_GUARDS = [
    "CREATE FUNCTION dcs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only: no %', TG_TABLE_NAME, lower(TG_OP); END $$",
    *[f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
      f"FOR EACH ROW EXECUTE FUNCTION dcs_append_only()" for t in _APPEND_ONLY],
    "CREATE FUNCTION dcs_points_not_negative() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.points < 0 AND (SELECT SUM(points) FROM points_entry WHERE customer_id = NEW.customer_id) < 0 "
    "THEN RAISE EXCEPTION 'points balance cannot go negative'; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER points_entry_not_negative AFTER INSERT ON points_entry "
    "FOR EACH ROW EXECUTE FUNCTION dcs_points_not_negative()",
    "CREATE FUNCTION dcs_allocation_within_lot() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF (SELECT SUM(points) FROM points_allocation WHERE lot_id = NEW.lot_id) > "
    "(SELECT points FROM points_entry WHERE id = NEW.lot_id) "
    "THEN RAISE EXCEPTION 'a lot cannot give more points than it holds'; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER points_allocation_within_lot AFTER INSERT ON points_allocation "
    "FOR EACH ROW EXECUTE FUNCTION dcs_allocation_within_lot()",
]


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres')."""
    if kind == "sqlite":
        return SQLITE_TABLES + SQLITE_GUARDS
    return POSTGRES_TABLES + POSTGRES_GUARDS
