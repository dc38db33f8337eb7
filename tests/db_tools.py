"""Test helpers that reach below the services the way an attacker or a damaged file would, on either database."""
from __future__ import annotations

import peewee as pw


def drop_guards(db: pw.Database, table: str) -> None:
    """Switch off the guard triggers of TABLE (append-only, never-negative, lot limits) to plant damage."""
    if isinstance(db, pw.SqliteDatabase):
        names = [r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)).fetchall()]
        for name in names:
            db.execute_sql(f'DROP TRIGGER "{name}"')
    else:
        db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')


def raw(db: pw.Database, sql: str, params: tuple = ()):
    """Run SQL written with ? placeholders on either database."""
    return db.execute_sql(sql.replace("?", db.param), params)
