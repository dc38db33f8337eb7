"""Numbered schema migrations, run at start-up; the schema version lives in the database.

Each migration is a module ``mNNNN_name.py`` with ``statements(kind) -> list[str]`` (SQL
per database kind: triggers and checks differ between SQLite and PostgreSQL). They are
listed explicitly below (no directory scan, so a frozen bundle finds them too). A copy of
the database is taken with the online backup API before an existing database migrates.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.db import backup_sqlite
from desktop_cs.models.migrations import m0001_initial, m0002_points, m0003_complaints, m0004_customer_search, \
    m0005_team_server, m0006_change_notices

log = logging.getLogger(__name__)

VERSION_TABLE = "schema_migration"
#: PostgreSQL advisory lock held while one PC migrates the team server
MIGRATION_LOCK_KEY = 7_310_001


@dataclass(frozen=True)
class Migration:
    """One numbered step of the schema."""

    version: int
    name: str
    module: ModuleType


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", m0001_initial),
    Migration(2, "points indexes and complaint link of adjustments", m0002_points),
    Migration(3, "complaint deadlines, promises, staff complained about; caller look-up index", m0003_complaints),
    Migration(4, "customer search table kept by triggers; live customers per tier index", m0004_customer_search),
    Migration(5, "team server: trigram search index, guard errors as integrity violations", m0005_team_server),
    Migration(6, "team server: changes to callbacks and complaints announced (LISTEN/NOTIFY)", m0006_change_notices),
]


def latest_version() -> int:
    return MIGRATIONS[-1].version


def database_kind(db: pw.Database) -> str:
    return "sqlite" if isinstance(db, pw.SqliteDatabase) else "postgres"


def _ensure_version_table(db: pw.Database) -> None:
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
                   "(version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                   "applied_at VARCHAR(19) NOT NULL)")


def current_version(db: pw.Database) -> int:
    """The schema version of DB (0 for an empty database)."""
    if VERSION_TABLE not in db.get_tables():
        return 0
    row = db.execute_sql(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0] or 0)


def pending(db: pw.Database) -> list[Migration]:
    version = current_version(db)
    return [m for m in MIGRATIONS if m.version > version]


def migrate(db: pw.Database, backup_dir: Path | None = None) -> list[int]:
    """Bring DB to the latest version; return the versions applied (empty when up to date).

    Each migration runs in its own transaction with its version row, so a failure leaves
    the database at the last complete version.
    """
    if not pending(db):
        return []
    if isinstance(db, pw.SqliteDatabase):
        return _migrate(db, backup_dir)
    # several PCs may start at once against one team server: one migrates, the others wait
    db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    try:
        return _migrate(db, None)
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


def _execute_ddl(db: pw.Database, statement: str) -> None:
    """Run one statement of a migration as written: no parameters, so a '%' in PL/pgSQL stays a '%'."""
    if isinstance(db, pw.SqliteDatabase):
        db.execute_sql(statement)
    else:
        with pw.__exception_wrapper__:    # psycopg's errors as peewee's, as execute_sql gives them
            db.cursor().execute(statement)


def _migrate(db: pw.Database, backup_dir: Path | None) -> list[int]:
    todo = pending(db)
    if not todo:
        return []
    version = current_version(db)
    if version > 0 and backup_dir is not None and isinstance(db, pw.SqliteDatabase):
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        target = backup_sqlite(db, Path(backup_dir) / f"before-migration-v{version}-{stamp}.sqlite3")
        log.info("backed up the database to %s before migrating", target)
    kind = database_kind(db)
    applied = []
    for migration in todo:
        with db.atomic():
            _ensure_version_table(db)
            for statement in migration.module.statements(kind):
                _execute_ddl(db, statement)
            db.execute_sql(f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (%s, %s, %s)"
                           .replace("%s", db.param), (migration.version, migration.name,
                                                      clock.now().strftime("%Y-%m-%d %H:%M:%S")))
        log.info("database migrated to version %d (%s)", migration.version, migration.name)
        applied.append(migration.version)
    return applied
