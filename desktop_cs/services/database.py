"""Opening the app's database: the data folder, the SQLite file, pending migrations (with a backup first)."""
from __future__ import annotations

import logging
from pathlib import Path

import peewee as pw

from desktop_cs import paths
from desktop_cs.models import db as dbmod
from desktop_cs.models import migrations

log = logging.getLogger(__name__)


def open_app_database(path: Path | None = None) -> pw.Database:
    """Open (creating if needed) the database in the data folder and migrate it to the latest version."""
    paths.ensure_data_dir()
    db = dbmod.open_database(path or paths.database_path())
    applied = migrations.migrate(db, backup_dir=paths.backups_dir())
    if applied:
        log.info("applied migrations %s", applied)
    return db


def close_app_database() -> None:
    dbmod.close_database()
