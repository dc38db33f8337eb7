"""Portable SQL expressions: the few things SQLite and PostgreSQL spell differently, in one place.

Services build queries with these instead of engine functions (``datetime(x, '+3 days')``,
``TOTAL(cond)``, ``date(x, 'weekday 0')``), so the same service call runs on this PC's
SQLite file and on the team server. Each looks at the database bound when the query is built.
"""
from __future__ import annotations

import peewee as pw

from desktop_cs.models.db import is_sqlite


def plus_days(column, days: int) -> pw.Node:
    """COLUMN (a timestamp) moved by DAYS whole days, comparable with a datetime value."""
    days = int(days)
    if is_sqlite():
        return pw.fn.datetime(column, f"{days:+d} days")
    return pw.NodeList((column, pw.SQL(f"+ INTERVAL '{days} days'")), parens=True)


def count_if(condition) -> pw.Node:
    """How many rows of the group satisfy CONDITION (an aggregate; 0 for none)."""
    if is_sqlite():
        # a condition is 1, 0 or NULL in SQLite; TOTAL adds them without a CASE per row
        return pw.fn.TOTAL(condition)
    return pw.fn.COUNT(pw.SQL("*")).filter(condition)


def week_start_text(column) -> pw.Node:
    """The Monday of COLUMN's week as 'YYYY-MM-DD' text."""
    if is_sqlite():
        # 'weekday 0' moves to the Sunday ending the week; 6 days before it is its Monday
        return pw.fn.date(column, "weekday 0", "-6 days").coerce(False)
    # literals, not parameters: GROUP BY must see the very same expression as the SELECT list
    return pw.fn.to_char(pw.fn.date_trunc(pw.SQL("'week'"), column), pw.SQL("'YYYY-MM-DD'")).coerce(False)


def no_index(column) -> pw.Node:
    """COLUMN written so that SQLite does not use an index on it (``+column``): reading the table in order is
    faster when most rows qualify anyway. PostgreSQL's planner decides by itself: the column as is."""
    if is_sqlite():
        return pw.NodeList((pw.SQL("+"), column), glue="")
    return column


def reserve_ids(model: type[pw.Model], count: int) -> list[int]:
    """COUNT new ids for MODEL's rows written with explicit ids (bulk inserts), inside the writing transaction.

    SQLite: the ids after the largest (the write lock is held, so nobody else takes them).
    PostgreSQL: taken from the table's sequence, so another PC creating a row meanwhile
    gets a different one.
    """
    if count <= 0:
        return []
    table = model._meta.table_name
    db = model._meta.database
    if is_sqlite():
        first = (db.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0] or 0) + 1
        return list(range(first, first + count))
    rows = db.execute_sql(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) "
                          f"FROM generate_series(1, {int(count)})").fetchall()
    return sorted(r[0] for r in rows)


def for_update(query: pw.Select) -> pw.Select:
    """QUERY locking the rows it reads until the transaction ends: ``SELECT ... FOR UPDATE`` on PostgreSQL
    inside a transaction, so two PCs saving the same record take turns and the second sees the first's
    version. SQLite needs nothing: BEGIN IMMEDIATE holds the whole database already."""
    if is_sqlite() or not query.model._meta.database.in_transaction():
        return query
    return query.for_update()
