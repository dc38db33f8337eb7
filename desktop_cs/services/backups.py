"""Backups and recovery: online-API copies checked before they count, retention, an encrypted second copy, restore, checks.

- A backup is made with SQLite's online backup API (never a raw file copy) into a hidden
  partial file, checked (``PRAGMA integrity_check``, or ``quick_check`` where the user
  waits: at exit and before an import, restore or migration), and only then given its
  final name ``desktop_cs-YYYYMMDD-HHMMSS-<reason>.sqlite3`` with a JSON sidecar (check
  level, counts, the last audit entry). A backup that fails its check never counts.
- Retention keeps the newest backup of each of the last 7 days, 4 weeks and 12 months
  (settings), the "before-…" backups of the last 7 days, and never touches other files.
- A second copy goes to a folder of the user's choice (USB disk, network folder),
  encrypted with a key derived from a passphrase (``backup_crypto``); the settings file
  keeps the derived key, never the passphrase.
- Restore backs the current database up first (or, when it is too damaged to copy, moves
  it aside), then copies the backup into place with the online backup API.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import peewee as pw

from desktop_cs import clock, paths
from desktop_cs.i18n import _
from desktop_cs.models import User, database
from desktop_cs.models import db as dbmod
from desktop_cs.services import backup_crypto
from desktop_cs.services.errors import Conflict, FormErrors, ServiceError, ValidationError
from desktop_cs.services.permissions import BACKUP_RESTORE, REPORTS, action

log = logging.getLogger(__name__)

REASONS = ("manual", "auto", "exit", "before-import", "before-restore", "before-migration")
FILE_PREFIX = "desktop_cs-"
PLAIN_SUFFIX = ".sqlite3"
ENCRYPTED_SUFFIX = ".dcsbak"
NAME_RE = re.compile(r"^desktop_cs-(\d{8})-(\d{6})(?:_(\d+))?-([a-z][a-z-]*)\.(sqlite3|dcsbak)$")
SETTINGS_FILE = "backup-settings.json"
#: minutes between automatic backups while data changes
AUTO_INTERVAL_MINUTES = 30
#: "before-…" backups are kept at least this long, whatever the daily/weekly/monthly buckets say
KEEP_BEFORE_DAYS = 7
#: audit actions that do not count as a change of data (no new backup needed for them)
UNCHANGED_ACTIONS = ("backup_made", "sign_in", "sign_out", "sign_in_failed", "screen_locked", "audit_verified",
                     "data_exported", "unmask", "permission_denied")
#: memory-mapped reads make the checks of a large copy about twice as fast
CHECK_MMAP_BYTES = 1 << 30
CHECKS = ("integrity", "quick")


class BackupFailed(ServiceError):
    """The backup could not be made or failed its check."""


# -- settings --------------------------------------------------------------------------------------

@dataclass
class BackupSettings:
    """Retention and the encrypted second copy; kept in the data folder (not in the database a restore replaces)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    #: folder of the encrypted second copy ("" = none)
    second_folder: str = ""
    #: the key derived from the passphrase (KeyMaterial.to_json), never the passphrase itself
    key: dict | None = None

    @property
    def second_copy_enabled(self) -> bool:
        return bool(self.second_folder and self.key)


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def load_settings() -> BackupSettings:
    """The backup settings in force (defaults when the file is missing or unreadable)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BackupSettings()
    defaults = BackupSettings()
    try:
        return BackupSettings(daily=int(data.get("daily", defaults.daily)),
                              weekly=int(data.get("weekly", defaults.weekly)),
                              monthly=int(data.get("monthly", defaults.monthly)),
                              second_folder=str(data.get("second_folder") or ""),
                              key=data.get("key") or None)
    except (TypeError, ValueError):
        return defaults


def _write_settings(settings: BackupSettings) -> None:
    target = settings_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(settings), f, ensure_ascii=False, indent=1)
    os.replace(partial, target)


@action("backups.settings", BACKUP_RESTORE)
def save_settings(actor: User, daily: int, weekly: int, monthly: int, second_folder: str = "",
                  passphrase: str | None = None, repeat: str | None = None) -> BackupSettings:
    """Change retention and the second copy; a new PASSPHRASE (typed twice) replaces the key. Audited, without secrets."""
    errors: dict[str, str] = {}
    for name, value, top in (("daily", daily, 90), ("weekly", weekly, 104), ("monthly", monthly, 240)):
        if not 0 <= int(value) <= top:
            errors[name] = _("Between 0 and {n}.").format(n=top)
    if int(daily) < 1:
        errors["daily"] = _("Keep at least one daily backup.")
    folder = (second_folder or "").strip()
    current = load_settings()
    key = current.key
    if folder:
        target = Path(folder).expanduser()
        if not target.is_dir():
            errors["second_folder"] = _("This folder does not exist (is the USB disk plugged in?).")
        elif not os.access(target, os.W_OK):
            errors["second_folder"] = _("This folder cannot be written to.")
        elif _inside(target, paths.data_dir()):
            errors["second_folder"] = _("Choose a folder outside the data folder: the second copy must survive "
                                        "the loss of this disk.")
    if passphrase:
        if passphrase != (repeat or ""):
            errors["repeat"] = _("The two passphrases differ.")
        elif len(passphrase) < backup_crypto.MIN_PASSPHRASE:
            errors["passphrase"] = _("The passphrase needs at least {n} characters.").format(
                n=backup_crypto.MIN_PASSPHRASE)
    elif folder and not key:
        errors["passphrase"] = _("Choose a passphrase: the second copy leaves this PC, so it is encrypted.")
    if errors:
        raise FormErrors(errors)
    if passphrase:
        key = backup_crypto.derive_key(passphrase).to_json()
    settings = BackupSettings(int(daily), int(weekly), int(monthly), str(Path(folder).expanduser()) if folder else "",
                              key)
    _write_settings(settings)
    from desktop_cs.services import audit
    with database.atomic():
        audit.record(actor, "backup_settings_changed", entity="backup",
                     details={"daily": settings.daily, "weekly": settings.weekly, "monthly": settings.monthly,
                              "second_folder": settings.second_folder, "new_passphrase": bool(passphrase)})
    return settings


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


# -- what a backup holds ---------------------------------------------------------------------------

@dataclass
class BackupInfo:
    """One backup file: when, why, how it was checked, and (when known) what it holds."""

    path: Path
    created_at: dt.datetime
    reason: str
    size: int = 0
    encrypted: bool = False
    #: "integrity" / "quick" / "" (unknown: made by hand or an older program)
    checked: str = ""
    counts: dict = field(default_factory=dict)
    schema_version: int | None = None
    #: id of the newest audit entry that changed data when the backup was made
    audit_id: int | None = None
    seconds: float = 0.0
    check_seconds: float = 0.0
    second_copy: Path | None = None
    second_copy_error: str = ""
    removed: list[Path] = field(default_factory=list)


def _connect_ro(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True)
    con.execute(f"PRAGMA mmap_size={CHECK_MMAP_BYTES}")
    return con


def check_file(path: str | os.PathLike, level: str = "integrity") -> list[str]:
    """The problems PRAGMA integrity_check (or quick_check) finds in the SQLite file PATH; empty when it is sound."""
    if level not in CHECKS:
        raise ValueError(level)
    try:
        con = _connect_ro(Path(path))
        try:
            rows = con.execute(f"PRAGMA {level}_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    lines = [str(r[0]) for r in rows]
    return [] if lines == ["ok"] else lines


def _scalar(con: sqlite3.Connection, sql: str, default=None):
    try:
        row = con.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return default
    return row[0] if row and row[0] is not None else default


COUNTED_TABLES = ("customer", "callback", "complaint", "points_entry", "enquiry", "user", "audit_entry")


def file_summary(path: str | os.PathLike) -> dict:
    """Schema version, row counts of the main tables, live customers, points outstanding and the last change of a file."""
    con = _connect_ro(Path(path))
    try:
        counts = {t: _scalar(con, f'SELECT COUNT(*) FROM "{t}"', 0) for t in COUNTED_TABLES}
        counts["live_customers"] = _scalar(
            con, "SELECT COUNT(*) FROM customer WHERE deleted_at IS NULL AND merged_into_id IS NULL", 0)
        counts["points_outstanding"] = _scalar(con, "SELECT SUM(points) FROM points_entry", 0)
        unchanged = ", ".join(f"'{a}'" for a in UNCHANGED_ACTIONS)
        return {"schema_version": _scalar(con, "SELECT MAX(version) FROM schema_migration"),
                "audit_id": _scalar(con, f"SELECT id FROM audit_entry WHERE action NOT IN ({unchanged}) "
                                         "ORDER BY id DESC LIMIT 1", 0),
                "counts": counts}
    finally:
        con.close()


def table_counts(path: str | os.PathLike) -> dict[str, int]:
    """Rows of every table of the SQLite file PATH (for comparing a restore with its backup)."""
    con = _connect_ro(Path(path))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


# -- names and listing ---------------------------------------------------------------------------

def _parse_name(path: Path) -> tuple[dt.datetime, str] | None:
    match = NAME_RE.match(path.name)
    if not match:
        return None
    try:
        at = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return at, match.group(4)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _info(path: Path) -> BackupInfo | None:
    parsed = _parse_name(path)
    if parsed is None:
        return None
    info = BackupInfo(path, parsed[0], parsed[1], encrypted=path.suffix == ENCRYPTED_SUFFIX)
    try:
        info.size = path.stat().st_size
    except OSError:
        return None
    with contextlib.suppress(OSError, ValueError, TypeError):
        meta = json.loads(_sidecar(path).read_text(encoding="utf-8"))
        info.checked = meta.get("checked", "")
        info.counts = meta.get("counts") or {}
        info.schema_version = meta.get("schema_version")
        info.audit_id = meta.get("audit_id")
    return info


def backups_folder() -> Path:
    return paths.backups_dir()


def list_backups(folder: str | os.PathLike | None = None) -> list[BackupInfo]:
    """The backups in FOLDER (the local backups folder by default), newest first; other files are ignored."""
    folder = Path(folder) if folder else backups_folder()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = [info for info in (_info(p) for p in entries if p.is_file()) if info is not None]
    return sorted(found, key=lambda i: (i.created_at, i.path.name), reverse=True)


def _unique_name(folder: Path, reason: str, suffix: str, at: dt.datetime) -> Path:
    stamp = at.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{FILE_PREFIX}{stamp}-{reason}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{FILE_PREFIX}{stamp}_{n}-{reason}{suffix}"
        n += 1
    return candidate


# -- making backups --------------------------------------------------------------------------------

def _bound_sqlite() -> pw.SqliteDatabase:
    obj = database.obj
    if not isinstance(obj, pw.SqliteDatabase):
        raise BackupFailed(_("Backups are made of the SQLite database on this PC; the team server backs up "
                             "its own database."))
    return obj


#: how long a backup or restore waits for another writer (another window, another PC) before it gives up
LOCK_WAIT_SECONDS = 15.0


def _deadline(seconds: float = LOCK_WAIT_SECONDS) -> Callable[[int, int, int], None]:
    """A progress callback for ``Connection.backup``: Python retries a busy step forever; this gives up instead."""
    end = time.monotonic() + seconds

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > end:
            raise BackupFailed(_("Another window or PC kept the database busy for {n} seconds. Try again when "
                                 "it has finished saving (or close the other windows of the program).").format(
                n=int(seconds)))

    return progress


def online_copy(source: pw.SqliteDatabase | sqlite3.Connection, target: Path) -> None:
    """Copy SOURCE into the new file TARGET with the online backup API, as a single file (rollback journal)."""
    connection = source if isinstance(source, sqlite3.Connection) else source.connection()
    dest = sqlite3.connect(str(target))
    try:
        connection.backup(dest, progress=_deadline())
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()


def make_backup(reason: str = "manual", *, target: str | os.PathLike | None = None, check: str = "integrity",
                second_copy: bool = True, prune_old: bool = True) -> BackupInfo:
    """Back the database up now with the online backup API; the copy counts only once CHECK passed.

    Without TARGET the copy goes to the backups folder under an app-made name, with its
    sidecar, the encrypted second copy (a failure there is reported, not raised) and
    retention; with TARGET it is written exactly there (nothing else happens).
    """
    if reason not in REASONS:
        raise ValueError(reason)
    source = _bound_sqlite()
    now = clock.now()
    folder = backups_folder()
    if target is None:
        folder.mkdir(parents=True, exist_ok=True)
        final = _unique_name(folder, reason, PLAIN_SUFFIX, now)
    else:
        final = Path(target)
        if final.is_dir():
            final = _unique_name(final, reason, PLAIN_SUFFIX, now)
        final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    start = time.perf_counter()
    try:
        online_copy(source, partial)
    except (sqlite3.Error, pw.DatabaseError, OSError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        log.exception("backup to %s failed", final)
        raise BackupFailed(_("The backup could not be made: {error}").format(error=exc)) from exc
    copied = time.perf_counter()
    problems = check_file(partial, check)
    checked = time.perf_counter()
    if problems:
        with contextlib.suppress(OSError):
            partial.unlink()
        log.error("backup copy failed its %s check: %s", check, problems[:5])
        raise BackupFailed(_("The backup copy failed its check, so it was not kept: {problem}").format(
            problem=problems[0]))
    summary = file_summary(partial)
    os.replace(partial, final)
    info = BackupInfo(final, now, reason, final.stat().st_size, checked=check, counts=summary["counts"],
                      schema_version=summary["schema_version"], audit_id=summary["audit_id"],
                      seconds=copied - start, check_seconds=checked - copied)
    if target is None:
        _write_sidecar(info)
        if second_copy:
            _second_copy(info)
        if prune_old:
            info.removed = prune()
    log.info("backup %s made in %.2f s, %s check in %.2f s", final.name, info.seconds, check, info.check_seconds)
    return info


def _write_sidecar(info: BackupInfo) -> None:
    meta = {"reason": info.reason, "created_at": info.created_at.isoformat(timespec="seconds"),
            "checked": info.checked, "counts": info.counts, "schema_version": info.schema_version,
            "audit_id": info.audit_id}
    with contextlib.suppress(OSError):
        _sidecar(info.path).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _second_copy(info: BackupInfo, settings: BackupSettings | None = None) -> None:
    settings = settings or load_settings()
    if not settings.second_copy_enabled:
        return
    folder = Path(settings.second_folder)
    try:
        if not folder.is_dir():
            raise OSError(_("the folder {folder} is not available").format(folder=folder))
        target = folder / (info.path.stem + ENCRYPTED_SUFFIX)
        backup_crypto.encrypt_file(info.path, target, backup_crypto.KeyMaterial.from_json(settings.key or {}))
        info.second_copy = target
        with contextlib.suppress(OSError):
            _sidecar(target).write_text(json.dumps({"reason": info.reason, "checked": info.checked,
                                                    "created_at": info.created_at.isoformat(timespec="seconds"),
                                                    "counts": info.counts, "schema_version": info.schema_version},
                                                   ensure_ascii=False), encoding="utf-8")
        prune(folder, settings)
    except (OSError, ValueError, KeyError) as exc:
        info.second_copy_error = _("The encrypted second copy was not written: {error}").format(error=exc)
        log.warning("second copy of %s failed: %s", info.path.name, exc)


@action("backups.backup", BACKUP_RESTORE)
def backup(actor: User, target: str | os.PathLike | None = None) -> BackupInfo:
    """Back up now (File → Backup now, ``desktop-cs backup``): to the backups folder, or to TARGET. Audited.

    On a team server: ``pg_dump -Fc`` of the server's database, checked with ``pg_restore --list``
    (or, without pg_dump on this PC, BackupFailed saying what the administrator runs).
    """
    if database.obj is not None and not dbmod.is_sqlite():
        info = _pg_dump_backup(target)
    else:
        info = make_backup("manual", target=target, check="integrity")
    from desktop_cs.services import audit
    with database.atomic():
        audit.record(actor, "backup_made", entity="backup", summary=info.path.name,
                     details={"file": str(info.path), "seconds": round(info.seconds + info.check_seconds, 2)})
    return info


def last_change_id() -> int:
    """Id of the newest audit entry that changed data (every write is audited), 0 when none."""
    row = database.execute_sql(
        "SELECT id FROM audit_entry WHERE action NOT IN ({}) ORDER BY id DESC LIMIT 1".format(
            ", ".join(database.param for _a in UNCHANGED_ACTIONS)), UNCHANGED_ACTIONS).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def changed_since_last_backup() -> bool:
    """Whether data changed since the newest local backup (compared by the last data-changing audit entry)."""
    current = last_change_id()
    for info in list_backups():
        if info.encrypted:
            continue
        if info.audit_id is None:
            with contextlib.suppress(sqlite3.Error, OSError):
                info.audit_id = file_summary(info.path)["audit_id"]
        return current != (info.audit_id or 0)
    return current > 0


def backup_if_changed(reason: str = "auto", check: str = "integrity") -> BackupInfo | None:
    """The automatic backup (every 30 minutes, at exit): made only when data changed since the last one.

    None on a team server: its backups are scheduled on the server (README, Team server); a PC
    backs it up only when asked (``backup``: pg_dump).
    """
    if database.obj is not None and not dbmod.is_sqlite():
        return None
    if not changed_since_last_backup():
        return None
    return make_backup(reason, check=check)


def backup_on_exit() -> BackupInfo | None:
    """The backup when the program closes, if data changed: quick_check only, the user is waiting."""
    return backup_if_changed("exit", check="quick")


# -- the team server: pg_dump and pg_restore ------------------------------------------------------

#: a team server's backup: pg_dump's custom format (not listed or pruned with the SQLite backups)
DUMP_SUFFIX = ".dump"


def _server() -> dict:
    """Host, port, user, password and database name of the team server in use."""
    from urllib.parse import unquote, urlsplit
    parts = urlsplit(getattr(database.obj, "url", "") or "")
    return {"host": parts.hostname or "localhost", "port": str(parts.port or 5432),
            "user": unquote(parts.username or ""), "password": unquote(parts.password or ""),
            "dbname": unquote(parts.path.strip("/"))}


def _pg_args(server: dict) -> list[str]:
    """Connection options of pg_dump / pg_restore (never the password: that goes through PGPASSWORD)."""
    args = ["-h", server["host"], "-p", server["port"]]
    if server["user"]:
        args += ["-U", server["user"]]
    return args


def _pg_env(server: dict) -> dict[str, str]:
    env = dict(os.environ, PGCONNECT_TIMEOUT=str(dbmod.CONNECT_TIMEOUT_S))
    if server["password"]:
        env["PGPASSWORD"] = server["password"]
    return env


def _pg_tool(name: str, near: str | None = None) -> str | None:
    """The PostgreSQL client program NAME on PATH (or next to NEAR, the pg_dump found)."""
    import shutil
    found = shutil.which(name)
    if found is None and near:
        found = shutil.which(name, path=str(Path(near).parent))
    return found


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _pg_dump_backup(target: str | os.PathLike | None = None) -> BackupInfo:
    """``pg_dump -Fc`` of the team server's database into the backups folder (or TARGET), checked with
    ``pg_restore --list``; without pg_dump, BackupFailed with the command the server administrator runs."""
    import shlex
    import subprocess

    server = _server()
    now = clock.now()
    if target is None:
        folder = backups_folder()
        folder.mkdir(parents=True, exist_ok=True)
        final = _unique_name(folder, "manual", DUMP_SUFFIX, now)
    else:
        final = Path(target)
        if final.is_dir():
            final = _unique_name(final, "manual", DUMP_SUFFIX, now)
        final.parent.mkdir(parents=True, exist_ok=True)
    pg_dump = _pg_tool("pg_dump")
    if pg_dump is None:
        command = shlex.join(["pg_dump", "-Fc", *_pg_args(server), "-d", server["dbname"], "-f", final.name])
        raise BackupFailed(_("pg_dump (PostgreSQL's backup program) is not installed on this PC, so the team server "
                             "cannot be backed up from here. The server's administrator backs it up with this "
                             "command (it asks for the password of the database user):\n  {command}\nOr install "
                             "the PostgreSQL client programs on this PC (Debian/Ubuntu: sudo apt-get install "
                             "postgresql-client) and run the backup again.").format(command=command))
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    env = _pg_env(server)
    start = time.perf_counter()
    try:
        done = subprocess.run([pg_dump, "-Fc", "--no-password", *_pg_args(server), "-d", server["dbname"],
                               "-f", str(partial)], env=env, capture_output=True, text=True)
    except OSError as exc:
        raise BackupFailed(_("The backup could not be made: {error}").format(error=exc)) from exc
    copied = time.perf_counter()
    if done.returncode != 0 or not partial.is_file():
        with contextlib.suppress(OSError):
            partial.unlink()
        log.error("pg_dump failed (%s): %s", done.returncode, done.stderr[-2000:])
        raise BackupFailed(_("pg_dump could not back up the team server: {error}").format(
            error=dbmod.redact_url(_last_line(done.stderr) or str(done.returncode))))
    pg_restore = _pg_tool("pg_restore", near=pg_dump)
    tables = 0
    problem = _("pg_restore is not installed next to pg_dump") if pg_restore is None else ""
    if pg_restore is not None:
        listing = subprocess.run([pg_restore, "--list", str(partial)], capture_output=True, text=True)
        tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
        if listing.returncode != 0:
            problem = _last_line(listing.stderr) or str(listing.returncode)
        elif not tables:
            problem = _("the dump holds no table data")
    checked = time.perf_counter()
    if problem:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise BackupFailed(_("The backup copy failed its check, so it was not kept: {problem}").format(
            problem=problem))
    os.replace(partial, final)
    log.info("pg_dump of the team server to %s in %.2f s, %d tables listed", final, copied - start, tables)
    return BackupInfo(final, now, "manual", final.stat().st_size, checked="pg_restore --list",
                      counts={"tables": tables}, seconds=copied - start, check_seconds=checked - copied)


def _team_restore_message(source: str | os.PathLike) -> str:
    """What a restore on a team server says: the administrator's job, with the pg_restore command."""
    import shlex
    server = _server()
    command = shlex.join(["pg_restore", "--clean", "--if-exists", *_pg_args(server), "-d", server["dbname"],
                          Path(source).name])
    return _("This PC works on a team server: restoring it is the server administrator's job, as it replaces the "
             "data of every PC. With the program closed on every PC, the administrator restores a backup made by "
             "desktop-cs backup (pg_dump) with:\n  {command}").format(command=command)


# -- retention -------------------------------------------------------------------------------------

def retained(backups: list[BackupInfo], settings: BackupSettings, now: dt.datetime) -> set[Path]:
    """Which of BACKUPS the retention keeps: newest per day / ISO week / month within the counts, recent "before-" ones."""
    ordered = sorted(backups, key=lambda i: (i.created_at, i.path.name), reverse=True)
    keep: set[Path] = set()
    if ordered:
        keep.add(ordered[0].path)
    for count, bucket in ((settings.daily, lambda d: d.date()),
                          (settings.weekly, lambda d: tuple(d.isocalendar())[:2]),
                          (settings.monthly, lambda d: (d.year, d.month))):
        seen: list = []
        for info in ordered:
            key = bucket(info.created_at)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(info.path)
    for info in ordered:
        if info.reason.startswith("before-") and now - info.created_at <= dt.timedelta(days=KEEP_BEFORE_DAYS):
            keep.add(info.path)
    return keep


def prune(folder: str | os.PathLike | None = None, settings: BackupSettings | None = None) -> list[Path]:
    """Delete the backups of FOLDER that the retention no longer keeps (only files named like our backups)."""
    settings = settings or load_settings()
    backups = list_backups(folder)
    keep = retained(backups, settings, clock.now())
    removed = []
    for info in backups:
        if info.path in keep:
            continue
        for path in (info.path, _sidecar(info.path)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(info.path)
    if removed:
        log.info("retention removed %d backups from %s", len(removed), folder or backups_folder())
    return removed


# -- checks ----------------------------------------------------------------------------------------

@dataclass
class CheckReport:
    """What a database check found: one line per problem (empty = sound), and what was checked."""

    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def startup_check(path: str | os.PathLike | None = None) -> CheckReport:
    """``PRAGMA quick_check`` of the database file (run after the window shows, off the UI thread)."""
    path = Path(path or dbmod.sqlite_path() or paths.database_path())
    start = time.perf_counter()
    problems = check_file(path, "quick")
    return CheckReport(problems, ["quick_check"], time.perf_counter() - start)


def _foreign_key_problems(con: sqlite3.Connection) -> list[str]:
    problems = []
    try:
        rows = con.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    for table, rowid, parent, _fkid in rows[:200]:
        problems.append(_("Table {table}, row {rowid}: refers to a missing row of {parent}.").format(
            table=table, rowid=rowid, parent=parent))
    if len(rows) > 200:
        problems.append(_("… and {n} more broken references.").format(n=len(rows) - 200))
    return problems


def check_structure(path: str | os.PathLike | None = None) -> CheckReport:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` of the database file (no sign-in needed: the file may
    be too damaged to sign in)."""
    path = Path(path or dbmod.sqlite_path() or paths.database_path())
    start = time.perf_counter()
    report = CheckReport(checks=["integrity_check", "foreign_key_check"])
    report.problems += [_("Integrity: {problem}").format(problem=p) for p in check_file(path, "integrity")]
    try:
        con = _connect_ro(path)
        try:
            con.execute("PRAGMA foreign_keys=ON")
            report.problems += _foreign_key_problems(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        report.problems.append(_("Foreign keys: {problem}").format(problem=exc))
    report.seconds = time.perf_counter() - start
    return report


@action("backups.check_data", REPORTS)
def check_data(actor: User) -> CheckReport:
    """The points ledger reconciled and the audit chain verified."""
    from desktop_cs.services import audit, points

    start = time.perf_counter()
    report = CheckReport(checks=["points", "audit_chain"])
    try:
        reconcile = points.reconcile(actor)
        report.problems += [_("Points: {problem}").format(problem=p.message) for p in reconcile.problems]
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        report.problems.append(_("Points: the ledger could not be read ({error}).").format(error=exc))
    try:
        chain = audit.verify_chain()
        if not chain.ok:
            report.problems.append(_("Audit log: the chain is broken at entry No. {id} (changed or removed after "
                                     "it was written).").format(id=chain.first_broken_id))
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        report.problems.append(_("Audit log: it could not be read ({error}).").format(error=exc))
    report.seconds = time.perf_counter() - start
    return report


@action("backups.check", REPORTS)
def check_database(actor: User) -> CheckReport:
    """The full check (``desktop-cs check``, Tools → Check database): structure, foreign keys, points, audit chain."""
    first = check_structure()
    second = check_data(actor)
    return CheckReport(first.problems + second.problems, first.checks + second.checks, first.seconds + second.seconds)


def newest_good_backup(folder: str | os.PathLike | None = None) -> BackupInfo | None:
    """The newest local backup that passes quick_check now (what the read-only banner offers)."""
    for info in list_backups(folder):
        if info.encrypted:
            continue
        if not check_file(info.path, "quick"):
            return info
    return None


# -- restore ---------------------------------------------------------------------------------------

@dataclass
class BackupDetails:
    """What the restore dialog shows before the user confirms: date, reason, counts, and whether it is usable."""

    path: Path
    created_at: dt.datetime | None
    reason: str
    encrypted: bool
    size: int
    schema_version: int | None
    counts: dict
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@contextlib.contextmanager
def _plain_copy(source: Path, passphrase: str | None) -> Iterator[Path]:
    """SOURCE itself, or its decrypted content in a temporary file removed afterwards."""
    if not backup_crypto.is_encrypted(source):
        yield source
        return
    if not passphrase:
        raise ValidationError(_("This backup is encrypted: enter its passphrase."), "passphrase")
    folder = backups_folder()
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".decrypted-", suffix=".sqlite3", dir=folder)
    os.close(fd)
    plain = Path(name)
    try:
        backup_crypto.decrypt_file(source, plain, passphrase)
        yield plain
    finally:
        with contextlib.suppress(OSError):
            plain.unlink()


def _details(source: Path, plain: Path, encrypted: bool) -> BackupDetails:
    from desktop_cs.models.migrations import latest_version

    parsed = _parse_name(source)
    created = parsed[0] if parsed else dt.datetime.fromtimestamp(source.stat().st_mtime).replace(microsecond=0)
    details = BackupDetails(source, created, parsed[1] if parsed else "", encrypted, source.stat().st_size, None, {})
    problems = check_file(plain, "quick")
    if problems:
        details.problem = _("This backup is damaged: {problem}").format(problem=problems[0])
        return details
    summary = file_summary(plain)
    details.schema_version, details.counts = summary["schema_version"], summary["counts"]
    if details.schema_version is None:
        details.problem = _("This file is not a database of this program.")
    elif details.schema_version > latest_version():
        details.problem = _("This backup was made by a newer version of the program; install that version to "
                            "restore it.")
    return details


def inspect_backup(source: str | os.PathLike, passphrase: str | None = None) -> BackupDetails:
    """Date, reason, counts and usability of a backup file (decrypted on the fly when encrypted)."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(_("The file {name} does not exist.").format(name=source))
    with _plain_copy(source, passphrase) as plain:
        return _details(source, plain, plain != source)


@dataclass
class RestoreResult:
    """What a restore did: the backup put in place and where the previous database went."""

    source: Path
    before_restore: Path | None
    #: the previous database was too damaged to copy: its files were moved here instead
    moved_aside: Path | None
    counts: dict
    seconds: float


@action("backups.restore", BACKUP_RESTORE)
def restore(actor: User, source: str | os.PathLike, passphrase: str | None = None) -> RestoreResult:
    """Put a backup in place of the database (supervisor): the current one is backed up first; audited afterwards."""
    return restore_database(source, passphrase, by=actor.login)


def restore_database(source: str | os.PathLike, passphrase: str | None = None, *, by: str = "",
                     path: str | os.PathLike | None = None) -> RestoreResult:
    """The restore itself (the action checks the permission; ``restore_as`` checks the user against the backup
    when the database is too damaged to sign in). PATH: the database file (the one in use by default)."""
    if database.obj is not None and not dbmod.is_sqlite():
        raise ServiceError(_team_restore_message(source))
    start = time.perf_counter()
    source = Path(source)
    path = Path(path or dbmod.sqlite_path() or paths.database_path())
    if database.obj is not None and not database.is_closed() and database.in_transaction():
        raise Conflict(_("A restore cannot run in the middle of another change: finish it first."))
    with _plain_copy(source, passphrase) as plain:
        details = _details(source, plain, plain != source)
        if not details.ok:
            raise ValidationError(details.problem)
        before: Path | None = None
        aside: Path | None = None
        from desktop_cs.services import database as app_database
        try:
            if dbmod.sqlite_path() != path:
                app_database.open_app_database(path, read_only=True)
            before = make_backup("before-restore", check="quick", second_copy=False, prune_old=False).path
        except (BackupFailed, ServiceError, pw.DatabaseError, sqlite3.Error) as exc:
            log.warning("the database could not be backed up before the restore (%s): moving it aside", exc)
        dbmod.close_database()
        if before is None and path.exists():
            try:
                aside = _move_aside(path)
            except OSError as exc:     # e.g. Windows: another window still has the file open
                log.warning("the damaged database could not be moved aside (%s): restoring over it", exc)
        src = sqlite3.connect(plain.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(str(path), timeout=dbmod.BUSY_TIMEOUT_MS / 1000)
            try:
                src.backup(dest, progress=_deadline())
            finally:
                dest.close()
        except (sqlite3.Error, BackupFailed) as exc:
            app_database.open_app_database(path)       # the database as it was: the copy is all or nothing
            if isinstance(exc, BackupFailed):
                raise
            raise BackupFailed(_("The backup could not be put in place: {error}").format(error=exc)) from exc
        finally:
            src.close()
    app_database.open_app_database(path)
    from desktop_cs.services import audit
    with database.atomic():
        audit.record(None, "database_restored", entity="backup", summary=source.name, user_name=by,
                     details={"backup": source.name, "backup_date": details.created_at.isoformat(timespec="seconds")
                              if details.created_at else None,
                              "before_restore": before.name if before else None,
                              "moved_aside": aside.name if aside else None})
    return RestoreResult(source, before, aside, details.counts, time.perf_counter() - start)


def _move_aside(path: Path) -> Path:
    """Move a database too damaged to copy (and its -wal / -shm) into the backups folder, renamed."""
    folder = backups_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"damaged-{stamp}{PLAIN_SUFFIX}"
    for suffix in ("", "-wal", "-shm"):
        current = Path(str(path) + suffix)
        if current.exists():
            os.replace(current, Path(str(target) + suffix))
    return target


def restore_as(login: str, password: str, source: str | os.PathLike, passphrase: str | None = None) -> RestoreResult:
    """Restore over a database too damaged to sign in to: LOGIN must be a supervisor *of the backup* (checked on a
    temporary copy of it), so the restore cannot be used to get round the permissions."""
    from desktop_cs.services import users
    from desktop_cs.services.permissions import allowed

    source = Path(source)
    path = paths.database_path()
    with _plain_copy(source, passphrase) as plain:
        details = _details(source, plain, plain != source)
        if not details.ok:
            raise ValidationError(details.problem)
        fd, name = tempfile.mkstemp(prefix=".signin-", suffix=".sqlite3", dir=backups_folder())
        os.close(fd)
        scratch = Path(name)
        try:
            src = sqlite3.connect(plain.absolute().as_uri() + "?mode=ro", uri=True)
            try:
                online_copy(src, scratch)
            finally:
                src.close()
            dbmod.close_database()
            dbmod.open_database(scratch)
            try:
                user = users.authenticate(login, password)
                if not allowed(user, BACKUP_RESTORE):
                    from desktop_cs.services.errors import PermissionDenied
                    raise PermissionDenied(_("Only a supervisor can restore a backup."))
            finally:
                dbmod.close_database()
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(str(scratch) + suffix).unlink()
    return restore_database(source, passphrase, by=login, path=path)
