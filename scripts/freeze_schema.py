"""Print the DDL the current models produce, per database, to freeze into a new numbered migration.

Usage: python scripts/freeze_schema.py sqlite|postgres
A migration keeps its own copy of the SQL so that later model changes never rewrite history.
"""
import sys

import peewee as pw

from desktop_cs.models import ALL_MODELS, database


def ddl(db: pw.Database) -> list[str]:
    database.initialize(db)
    out = []
    for model in ALL_MODELS:
        ctx = db.get_sql_context()
        sql, params = ctx.sql(model._schema._create_table(safe=False)).query()
        assert not params, params
        out.append(sql)
        for index in model._schema._create_indexes(safe=False):
            sql, params = db.get_sql_context().sql(index).query()
            assert not params, params
            out.append(sql)
    return out


if __name__ == "__main__":
    kind = sys.argv[1]
    db = pw.SqliteDatabase(":memory:") if kind == "sqlite" else pw.PostgresqlDatabase("x")
    for statement in ddl(db):
        print(statement + ";")
