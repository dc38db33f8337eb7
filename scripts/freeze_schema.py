"""Freeze the DDL the current models produce, per database, into a migration's tables module.

Usage: python scripts/freeze_schema.py desktop_cs/models/migrations/mNNNN_tables.py
A migration keeps its own copy of the SQL so that later model changes never rewrite history;
only run this for a migration that has not been released.
"""
import sys

import peewee as pw

from desktop_cs.models import ALL_MODELS, database


def ddl(db: pw.Database) -> list[str]:
    database.initialize(db)
    out = []
    for model in ALL_MODELS:
        sql, params = db.get_sql_context().sql(model._schema._create_table(safe=False)).query()
        assert not params, params
        out.append(sql)
        for index in model._schema._create_indexes(safe=False):
            sql, params = db.get_sql_context().sql(index).query()
            assert not params, params
            out.append(sql)
    return out


def _literal(statements: list[str]) -> str:
    return "[\n" + "".join(f"    {s!r},\n" for s in statements) + "]"


if __name__ == "__main__":
    target = sys.argv[1]
    sqlite = ddl(pw.SqliteDatabase(":memory:"))
    postgres = ddl(pw.PostgresqlDatabase("frozen"))
    with open(target, "w", encoding="utf-8") as f:
        f.write('"""Tables and indexes frozen by scripts/freeze_schema.py (generated: do not edit)."""\n'
                "# flake8: noqa: E501\n\n"
                f"SQLITE_TABLES = {_literal(sqlite)}\n\nPOSTGRES_TABLES = {_literal(postgres)}\n")
