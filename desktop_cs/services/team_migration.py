"""Moving this PC's database to a team server: ``desktop-cs migrate-to URL`` (no Qt).

The copy goes from this PC's SQLite file to an *empty* PostgreSQL database:

1. The target is reached and checked first: it must hold none of our tables with rows,
   and no newer schema; otherwise nothing is done.
2. A checked backup of the SQLite file (``backups.make_backup``), then one audit entry on
   this PC saying where the data went (it is copied along, so both chains agree).
3. One transaction on the target: the schema by the numbered migrations (the source is
   at the latest version: opening it migrated it), every table copied in dependency
   order with PostgreSQL's ``COPY`` in batches, ids kept, every serial sequence set past
   the largest id, then the verification; only a verified copy is committed, so a
   failure anywhere leaves the target as empty as it was.

The guards stay in force while rows go in: the append-only triggers and the AFTER INSERT
checks (never-negative balance, a lot never overdrawn) run for every copied row, rows go
in in id order as they were written, and the customer search rows are written by their
own triggers. Only the foreign keys are dropped during the copy (a customer may point to a
later one: a merge, a referral) and added back afterwards with their exact definitions,
which checks every row at once.

The verification compares, inside that transaction, the rows of every table on both
sides (one read snapshot of the source), every customer's points balance on both sides,
and verifies the audit chain on the target (``audit.verify_chain``).
"""
from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import peewee as pw

from desktop_cs.i18n import _
from desktop_cs.models import ALL_MODELS, User, database
from desktop_cs.models import db as dbmod
from desktop_cs.models import migrations
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import BACKUP_RESTORE, register, require

log = logging.getLogger(__name__)

#: rows read from SQLite and written to COPY at a time (and per progress report)
BATCH = 10_000

#: (message, rows done, rows in all) — MESSAGE is translated and says what is being done
ProgressFn = Callable[[str, int, int], None]


class MigrationRefused(ServiceError):
    """The target is not an empty database of this program (or the source cannot be copied): nothing was done."""


class MigrationFailed(ServiceError):
    """The copy or its verification failed; the target's transaction was rolled back."""


@dataclass
class TableCopy:
    """One table of the copy: its rows on both sides, and whether the target's triggers wrote them."""

    name: str
    rows: int
    target_rows: int = -1
    #: written by the target's own triggers from another table (e.g. the customer search rows)
    derived: bool = False
    seconds: float = 0.0


@dataclass
class MigrationReport:
    """What ``migrate_to`` did and checked."""

    server: str
    schema_version: int
    backup: Path | None = None
    tables: list[TableCopy] = field(default_factory=list)
    #: customers holding ledger lines, compared one by one on both sides
    customers_with_points: int = 0
    points_outstanding: int = 0
    audit_entries: int = 0
    #: seconds per phase: backup, schema, copy, constraints, verify, total
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# -- the target ------------------------------------------------------------------------------------

def _connect(url: str) -> pw.PostgresqlDatabase:
    from desktop_cs.services.database import ServerUnreachable
    try:
        target = dbmod.make_postgres_database(url)
    except ValueError as exc:
        raise MigrationRefused(_("The team server address is not valid: it looks like "
                                 "postgresql://user:password@host:5432/dbname.")) from exc
    try:
        target.connect()
    except (pw.OperationalError, pw.InterfaceError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServerUnreachable(_("The team server {server} cannot be reached ({detail}). Check the address, the "
                                  "user and password, and that the server is running. Nothing was changed.").format(
            server=dbmod.redact_url(url), detail=dbmod.redact_url(detail))) from exc
    return target


def _rows_in(db: pw.Database, table: str) -> int:
    return int(db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


def _refuse_unless_empty(target: pw.PostgresqlDatabase, tables: list[str]) -> None:
    """MigrationRefused when TARGET has a newer schema or any of TABLES holds rows."""
    version = migrations.current_version(target)
    if version > migrations.latest_version():
        raise MigrationRefused(_("The team server's database was made by a newer version of the program (schema "
                                 "{version}). Nothing was changed.").format(version=version))
    existing = set(target.get_tables())
    filled = []
    for table in tables:
        if table in existing:
            row = target.execute_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()
            if row and row[0]:
                filled.append(table)
    if filled:
        raise MigrationRefused(_("The team server's database is not empty: {tables} already hold data. migrate-to "
                                 "only copies into an empty database, so nothing was changed. Create a new database "
                                 "on the server (or ask its administrator) and try again.").format(
            tables=", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")))


def _foreign_keys(target: pw.PostgresqlDatabase) -> list[tuple[str, str, str]]:
    """(table, constraint name, definition) of every foreign key in the target's schema."""
    return list(target.execute_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema() "
        "ORDER BY 1, 2").fetchall())


#: indexes the guard triggers read for every row that goes in (balance per customer, draws per lot): they stay
#: while rows are copied (as for the demo data's bulk load), the other plain indexes are built afterwards
GUARD_INDEXES = frozenset({"points_entry_customer", "points_entry_customer_id", "points_allocation_lot_id"})


#: the AFTER INSERT guards paused while their tables are copied, and the set-based query that finds, afterwards,
#: the first row they would have refused (the same rule, checked for every row at once, in id order)
GUARD_TRIGGERS: dict[tuple[str, str], str] = {
    ("points_entry", "points_entry_not_negative"):
        "SELECT customer_id, id FROM (SELECT customer_id, id, points, SUM(points) OVER "
        "(PARTITION BY customer_id ORDER BY id) AS balance FROM points_entry) AS running "
        "WHERE points < 0 AND balance < 0 ORDER BY id LIMIT 1",
    ("points_allocation", "points_allocation_within_lot"):
        "SELECT l.customer_id, a.lot_id FROM points_allocation a JOIN points_entry l ON l.id = a.lot_id "
        "GROUP BY a.lot_id, l.customer_id, l.points HAVING SUM(a.points) > l.points ORDER BY a.lot_id LIMIT 1",
}


def _pause_guards(target: pw.PostgresqlDatabase) -> list[tuple[str, str]]:
    """Disable the known AFTER INSERT guards that exist on the target (the table owner may; inside the copy's
    transaction, so a rollback re-enables them); return which."""
    present = {(t, n) for t, n in target.execute_sql(
        "SELECT c.relname, g.tgname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT g.tgisinternal "
        "AND g.tgenabled <> 'D'").fetchall()}
    paused = [key for key in GUARD_TRIGGERS if key in present]
    for table, name in paused:
        target.execute_sql(f"ALTER TABLE {_quote(table)} DISABLE TRIGGER {_quote(name)}")
    return paused


def _resume_guards(target: pw.PostgresqlDatabase, paused: list[tuple[str, str]]) -> None:
    """Find what the paused guards would have refused (MigrationFailed), then enable them again."""
    for table, name in paused:
        row = target.execute_sql(GUARD_TRIGGERS[(table, name)]).fetchone()
        if row:
            raise MigrationFailed(_("Row No. {id} of {table} breaks the rule {rule} (customer No. {customer}); "
                                    "run desktop-cs check on this PC.").format(
                id=row[1], table=table, rule=name, customer=row[0]))
        target.execute_sql(f"ALTER TABLE {_quote(table)} ENABLE TRIGGER {_quote(name)}")


def _plain_indexes(target: pw.PostgresqlDatabase) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index in the target's schema that enforces nothing (not primary,
    not unique) and that no guard trigger reads."""
    rows = target.execute_sql(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1").fetchall()
    return [(name, definition) for name, definition in rows if name not in GUARD_INDEXES]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the source ------------------------------------------------------------------------------------

def _source_snapshot(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file holding one read transaction: every read sees the same data."""
    con = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    con.execute("BEGIN")
    con.execute('SELECT COUNT(*) FROM "schema_migration"').fetchone()   # the snapshot starts at the first read
    return con


def _in_order(names) -> list[str]:
    """Table NAMES (not the schema version's) in dependency order: the models' order, then any others (derived)."""
    names = set(names) - {migrations.VERSION_TABLE}
    ordered = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name in names]
    return ordered + sorted(names - set(ordered))


def _source_tables(snapshot: sqlite3.Connection) -> list[str]:
    return _in_order(r[0] for r in snapshot.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                    "AND name NOT LIKE 'sqlite_%'"))


def _source_columns(snapshot: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """(columns, primary key columns) of TABLE in the source."""
    info = snapshot.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    columns = [r[1] for r in info]
    key = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return columns, key


def _balances(db_or_con) -> dict[int, int]:
    sql = "SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id"
    cursor = db_or_con.execute(sql) if isinstance(db_or_con, sqlite3.Connection) else db_or_con.execute_sql(sql)
    return {int(cid): int(total) for cid, total in cursor.fetchall()}


# -- the copy --------------------------------------------------------------------------------------

def _copy_table(snapshot: sqlite3.Connection, target: pw.PostgresqlDatabase, table: str,
                columns: list[str], key: list[str], report: Callable[[int], None]) -> int:
    """Stream TABLE from the snapshot into the target with COPY, in key order; return the rows copied."""
    names = ", ".join(_quote(c) for c in columns)
    order = ", ".join(_quote(c) for c in key) or "rowid"
    source = snapshot.execute(f"SELECT {names} FROM {_quote(table)} ORDER BY {order}")
    copied = 0
    with target.cursor() as cursor:
        with cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
            while True:
                rows = source.fetchmany(BATCH)
                if not rows:
                    break
                for row in rows:
                    copy.write_row(row)
                copied += len(rows)
                report(len(rows))
    return copied


def _set_sequences(target: pw.PostgresqlDatabase, tables: list[str]) -> None:
    """Every serial sequence continues after the largest id copied (a fresh table starts at 1)."""
    for table in tables:
        if "id" not in {c.name for c in target.get_columns(table)}:
            continue
        row = target.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (_quote(table),)).fetchone()
        if not row or not row[0]:
            continue
        target.execute_sql(f"SELECT setval(%s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {_quote(table)}",
                           (row[0],))


def _verify(snapshot: sqlite3.Connection, target: pw.PostgresqlDatabase, result: MigrationReport) -> None:
    """Rows of every table, every customer's balance and the audit chain on the target; MigrationFailed otherwise."""
    from desktop_cs.services import audit
    for copy in result.tables:
        copy.target_rows = _rows_in(target, copy.name)
        if copy.target_rows != copy.rows:
            raise MigrationFailed(_("Table {table} has {target} rows on the server but {source} on this PC.").format(
                table=copy.name, target=copy.target_rows, source=copy.rows))
    here, there = _balances(snapshot), _balances(target)
    if here != there:
        differ = sorted(cid for cid in set(here) | set(there) if here.get(cid, 0) != there.get(cid, 0))
        cid = differ[0]
        raise MigrationFailed(_("The points balance of customer No. {id} is {target} on the server but {source} on "
                                "this PC ({n} customers differ).").format(
            id=cid, target=there.get(cid, 0), source=here.get(cid, 0), n=len(differ)))
    result.customers_with_points = len(here)
    result.points_outstanding = sum(here.values())
    with target.bind_ctx(ALL_MODELS):
        chain = audit.verify_chain()
    if not chain.ok:
        raise MigrationFailed(_("The audit chain does not verify on the server: it breaks at entry No. {id}. Run "
                                "desktop-cs check on this PC.").format(id=chain.first_broken_id))
    result.audit_entries = chain.checked


def migrate_to(actor: User | None, url: str, *, progress: ProgressFn | None = None) -> MigrationReport:
    """Copy this PC's database (the bound SQLite database) into the empty PostgreSQL database at URL, verified.

    A supervisor's (BACKUP_RESTORE); before anyone has an account (a fresh install moving
    its demo or imported data) no sign-in is needed, as for the demo data.
    """
    from desktop_cs.services import audit, backups, users

    if actor is not None or users.has_users():
        require(actor, BACKUP_RESTORE, "team.migrate_to")
    progress = progress or (lambda _message, _done, _total: None)
    source = database.obj
    if not isinstance(source, pw.SqliteDatabase):
        raise MigrationRefused(_("migrate-to copies this PC's built-in database; this PC already works on a team "
                                 "server."))
    version = migrations.current_version(source)
    if version != migrations.latest_version():
        raise MigrationRefused(_("This PC's database is at schema version {version}, not {latest}: open it once "
                                 "with this program (it migrates itself) and try again.").format(
            version=version, latest=migrations.latest_version()))
    server = dbmod.redact_url(url)
    started = time.perf_counter()
    target = _connect(url)
    snapshot: sqlite3.Connection | None = None
    try:
        _refuse_unless_empty(target, _in_order(source.get_tables()))
        result = MigrationReport(server, version)
        progress(_("Backing up this PC's database"), 0, 0)
        mark = time.perf_counter()
        result.backup = backups.make_backup("before-migration", check="quick").path
        with database.atomic():
            audit.record(actor, "data_exported", entity="database", summary=server,
                         details={"to": "team server", "server": server, "backup": result.backup.name})
        result.seconds["backup"] = time.perf_counter() - mark
        snapshot = _source_snapshot(Path(dbmod.sqlite_path() or source.database))
        tables = _source_tables(snapshot)
        counts = {t: _rows_in_source(snapshot, t) for t in tables}
        total = sum(counts.values())
        try:
            with target.atomic():
                _copy_all(snapshot, target, tables, counts, total, result, progress)
        except MigrationFailed as exc:
            log.warning("migrate-to %s failed its verification: %s", server, exc.message)
            raise MigrationFailed(exc.message + "\n" + _("The copy was undone: the server's database is as empty "
                                                         "as before, and nothing changed on this PC.")) from exc
        except (pw.DatabaseError, pw.InterfaceError) as exc:
            log.warning("migrate-to %s failed: %s", server, exc)
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MigrationFailed(_("The copy to the team server failed and was undone: the server's database is as "
                                    "empty as before, and nothing changed on this PC. ({error})").format(
                error=dbmod.redact_url(detail))) from exc
        mark = time.perf_counter()
        try:
            target.execute_sql("ANALYZE")     # fresh statistics for the first queries of the team
        except pw.DatabaseError:
            log.warning("ANALYZE after migrate-to failed", exc_info=True)
        result.seconds["analyze"] = time.perf_counter() - mark
        result.seconds["total"] = time.perf_counter() - started
        log.info("migrate-to %s: %d rows of %d tables in %.1f s", server, result.rows, len(result.tables),
                 result.seconds["total"])
        return result
    finally:
        if snapshot is not None:
            snapshot.close()
        if not target.is_closed():
            target.close()


def _rows_in_source(snapshot: sqlite3.Connection, table: str) -> int:
    return int(snapshot.execute(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0])


def _copy_all(snapshot: sqlite3.Connection, target: pw.PostgresqlDatabase, tables: list[str],
              counts: dict[str, int], total: int, result: MigrationReport, progress: ProgressFn) -> None:
    """Inside the target's transaction: schema, foreign keys off, every table, keys back, sequences, verification."""
    mark = time.perf_counter()
    progress(_("Creating the tables on the team server"), 0, total)
    migrations.migrate(target)
    if migrations.current_version(target) != result.schema_version:
        raise MigrationFailed(_("The team server's schema is at version {target}, this PC's at {source}.").format(
            target=migrations.current_version(target), source=result.schema_version))
    on_target = set(target.get_tables())
    missing = [t for t in tables if t not in on_target]
    if missing:
        raise MigrationFailed(_("The team server's database lacks the tables {tables}.").format(
            tables=", ".join(missing)))
    keys = _foreign_keys(target)
    for table, name, _definition in keys:
        target.execute_sql(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
    paused = _pause_guards(target)
    indexes = _plain_indexes(target)
    for name, _definition in indexes:
        target.execute_sql(f"DROP INDEX {_quote(name)}")
    result.seconds["schema"] = time.perf_counter() - mark

    mark = time.perf_counter()
    done = 0
    for table in tables:
        began = time.perf_counter()
        entry = TableCopy(table, counts[table])
        result.tables.append(entry)
        if counts[table] and _rows_in(target, table):
            # already filled by the target's triggers from the tables before it (customer search rows)
            entry.derived = True
            done += counts[table]
            continue
        columns, key = _source_columns(snapshot, table)
        target_columns = {c.name for c in target.get_columns(table)}
        unknown = [c for c in columns if c not in target_columns]
        if unknown:
            raise MigrationFailed(_("The team server's table {table} lacks the columns {columns}.").format(
                table=table, columns=", ".join(unknown)))
        message = _("Copying {table}").format(table=table)
        progress(message, done, total)

        def report(n: int, message: str = message) -> None:
            nonlocal done
            done += n
            progress(message, done, total)

        copied = _copy_table(snapshot, target, table, columns, key, report)
        if copied != counts[table]:
            raise MigrationFailed(_("Table {table}: {copied} rows copied of {rows}.").format(
                table=table, copied=copied, rows=counts[table]))
        entry.seconds = time.perf_counter() - began
    result.seconds["copy"] = time.perf_counter() - mark

    mark = time.perf_counter()
    progress(_("Building the indexes"), done, total)
    target.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        target.execute_sql(definition)
    result.seconds["indexes"] = time.perf_counter() - mark
    mark = time.perf_counter()
    progress(_("Checking every reference (foreign keys)"), done, total)
    for table, name, definition in keys:
        target.execute_sql(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")
    _set_sequences(target, tables)
    _resume_guards(target, paused)
    result.seconds["constraints"] = time.perf_counter() - mark

    mark = time.perf_counter()
    progress(_("Verifying rows, points balances and the audit chain"), done, total)
    _verify(snapshot, target, result)
    result.seconds["verify"] = time.perf_counter() - mark


# Checks its permission itself: before the first account exists no sign-in is possible (as for the demo data).
register("team.migrate_to", BACKUP_RESTORE, migrate_to)
