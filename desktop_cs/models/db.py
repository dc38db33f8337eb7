"""Database set-up in one place: the deferred database, its pragmas, write transactions and the base model."""
from __future__ import annotations

import logging
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import peewee as pw

log = logging.getLogger(__name__)

#: The database every model is bound to; ``open_database`` gives it a real connection.
database = pw.DatabaseProxy()

BUSY_TIMEOUT_MS = 5000
#: seconds to wait for the team server before saying it cannot be reached
CONNECT_TIMEOUT_S = 5

SQLITE_PRAGMAS = {
    "foreign_keys": 1,
    "synchronous": "full",
    "busy_timeout": BUSY_TIMEOUT_MS,
    "cache_size": -32000,  # 32 MB page cache
    "temp_store": "memory",
}


class BaseModel(pw.Model):
    """Base of every table: bound to the shared database, snake_case table names."""

    class Meta:
        database = database
        legacy_table_names = False


def make_sqlite_database(path: str | Path, *, wal: bool = True, read_only: bool = False) -> pw.SqliteDatabase:
    """An SQLite database whose transactions start with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another copy of the program holds the write lock, whatever busy_timeout
    says; BEGIN IMMEDIATE takes the lock first, so busy_timeout waits as intended.
    WAL does not work over network file systems: ``wal=False`` keeps the rollback journal.
    ``read_only=True`` opens the file with ``?mode=ro``: every write fails in SQLite itself
    (used after the start-up check found damage); the journal mode is left as it is.
    """
    pragmas = dict(SQLITE_PRAGMAS)
    if read_only:
        target = Path(path).absolute().as_uri() + "?mode=ro"
        db = pw.SqliteDatabase(target, pragmas=pragmas, lock_type="IMMEDIATE", check_same_thread=False, uri=True)
    else:
        pragmas["journal_mode"] = "wal" if wal else "delete"
        db = pw.SqliteDatabase(str(path), pragmas=pragmas, lock_type="IMMEDIATE", check_same_thread=False)
    db.file_path = Path(path)  # type: ignore[attr-defined]  # the file itself (the URI is not a path)
    db.read_only = read_only  # type: ignore[attr-defined]
    return db


def open_database(path: str | Path, *, wal: bool = True, read_only: bool = False) -> pw.Database:
    """Bind the models to the SQLite file at PATH, connect, and return the database."""
    db = make_sqlite_database(path, wal=wal, read_only=read_only)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


class _Psycopg3Adapter(pw.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with the driver imported here rather than at peewee's import (see
    ``desktop_cs._NoPsycopgInsidePeewee``): a PC on the built-in database never loads it."""

    def __init__(self):
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
        super().__init__()
        self._psycopg = psycopg
        self._status = TransactionStatus
        self.json_type, self.jsonb_type = Json, Jsonb
        self.txn_idle, self.txn_inerror = TransactionStatus.IDLE, TransactionStatus.INERROR
        self.txn_unknown = TransactionStatus.UNKNOWN

    def check_driver(self) -> None:
        pass

    def get_binary_type(self):
        return self._psycopg.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("dbname", db.database)
        return self._psycopg.connect(**params)

    def server_side_cursor(self, conn):
        in_txn = self.txn_status(conn) == self._status.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_txn)


#: server process ids of this program's own connections: change notices they sent are not news here
OWN_BACKEND_PIDS: set[int] = set()


class TeamServerDatabase(pw.PostgresqlDatabase):
    """PostgreSQL through psycopg 3, loaded on demand."""

    psycopg3_adapter = _Psycopg3Adapter

    def _connect(self):
        conn = super()._connect()
        OWN_BACKEND_PIDS.add(conn.info.backend_pid)
        return conn

    def init(self, database, **kwargs):
        kwargs.pop("prefer_psycopg3", None)
        super().init(database, **kwargs)
        self._adapter = _Psycopg3Adapter()
        self._isolation_level = self._adapter.isolation_level_int(kwargs.get("isolation_level"))


def make_postgres_database(url: str) -> pw.PostgresqlDatabase:
    """A PostgreSQL database (psycopg 3) from a URL ``postgresql://user:password@host:port/dbname``.

    Writes still go through ``database.atomic()``; PostgreSQL's row locks (``SELECT ... FOR
    UPDATE``) and advisory locks take the place of SQLite's single write lock.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ValueError(f"not a PostgreSQL URL: {redact_url(url)}")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    params: dict = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "connect_timeout": int(options.pop("connect_timeout", CONNECT_TIMEOUT_S)),
        "application_name": options.pop("application_name", "desktop_cs"),
        # a pulled cable or a sleeping server: notice it in ~15-25 s, not after the system's TCP timeout
        # (minutes, with the window waiting); tcp_user_timeout where the system has it, ignored elsewhere
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
        "tcp_user_timeout": 15000,
        # a statement waiting on another PC's row lock gives up instead of hanging the window
        # plan_cache_mode: psycopg prepares a statement run 5 times; a generic plan of the search's
        # LIKE '%...%' cannot use the trigram index (the pattern is unknown), so plan with the value each time
        "options": f"-c lock_timeout={BUSY_TIMEOUT_MS} -c plan_cache_mode=force_custom_plan",
        **options,
    }
    db = TeamServerDatabase(unquote(parts.path.strip("/")), autorollback=False, **params)
    db.url = url  # type: ignore[attr-defined]
    db.read_only = False  # type: ignore[attr-defined]
    return db


def redact_url(url: str) -> str:
    """URL with its password replaced by ***, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def open_database_url(url: str) -> pw.Database:
    """Bind the models to the PostgreSQL database at URL, connect, and return the database."""
    db = make_postgres_database(url)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def close_database() -> None:
    """Close the connection of the bound database, if any."""
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite(db: pw.Database | None = None) -> bool:
    """Whether DB (default: the bound database) is SQLite (the single-PC database) rather than a team server."""
    db = db or database.obj
    return isinstance(db, pw.SqliteDatabase)


def sqlite_path() -> Path | None:
    """The file of the bound SQLite database (None for another engine)."""
    obj = database.obj
    if isinstance(obj, pw.SqliteDatabase):
        return getattr(obj, "file_path", None) or Path(obj.database)
    return None


def backup_sqlite(source: pw.SqliteDatabase, target: str | Path) -> Path:
    """Copy SOURCE to TARGET with SQLite's online backup API (never a raw file copy)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(str(target))
    try:
        source.connection().backup(dest)
    finally:
        dest.close()
    return target
