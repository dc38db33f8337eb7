"""Opening the app's database: the data folder, the SQLite file, pending migrations (with a backup first).

Also the database's safety rules in one place:
- a data folder on a network drive gets the rollback journal instead of WAL (WAL needs
  shared memory, which network file systems do not provide);
- the read-only switch (after the start-up check found damage): the connection is
  reopened with ``?mode=ro``, so SQLite itself refuses every write;
- ``service_error_for`` turns the database errors a user can act on ("database is
  locked", read-only, damaged, disk full) into a ServiceError with a plain message;
  every service action goes through it (``permissions.action``).
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from desktop_cs import paths
from desktop_cs.i18n import _
from desktop_cs.models import db as dbmod
from desktop_cs.models import migrations
from desktop_cs.services.errors import Conflict, ServiceError

log = logging.getLogger(__name__)

#: Linux mount table (tests point this at a file of their own)
MOUNTS_FILE = Path("/proc/mounts")
#: file systems that are network shares; any ``fuse.*`` file system counts as one too
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "9p", "afs", "ceph", "glusterfs", "lustre",
    "gpfs", "ncpfs", "coda", "davfs", "ocfs2", "gfs2", "beegfs", "orangefs", "pvfs2",
})
_DRIVE_REMOTE = 4   # GetDriveTypeW


class DatabaseBusy(Conflict):
    """Another copy of the program (or another PC) held the write lock longer than the wait allows."""


class ReadOnlyDatabase(ServiceError):
    """The database is open read-only (damage found at start-up): nothing can be changed."""


class DatabaseDamaged(ServiceError):
    """SQLite reports the file as damaged."""


class DiskFull(ServiceError):
    """The disk of the data folder is full."""


class NewerDatabase(ServiceError):
    """The database was migrated by a newer version of the program than this one."""


class ServerUnreachable(ServiceError):
    """The team server cannot be reached (network down, server stopped): nothing was saved."""


@dataclass
class DatabaseState:
    """How the database in use was opened."""

    path: Path | None = None
    #: the team server's URL with the password hidden ("" for the built-in SQLite database)
    server: str = ""
    #: the data folder is on a network drive: rollback journal instead of WAL
    network: bool = False
    #: non-empty while the database is read-only: why
    read_only_reason: str = ""

    @property
    def wal(self) -> bool:
        return not self.network

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)


_state = DatabaseState()


def state() -> DatabaseState:
    """How the database in use was opened (path, network, read-only)."""
    return _state


def is_read_only() -> bool:
    return _state.read_only


# -- network drives ------------------------------------------------------------------------------

def _unescape_mount(text: str) -> str:
    r"""/proc/mounts writes space, tab, newline and backslash as octal escapes (\040...)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 4 <= len(text) and text[i + 1:i + 4].isdigit():
            out.append(chr(int(text[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mount_table() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mount (Linux); empty elsewhere or when unreadable."""
    try:
        text = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[1]), parts[2]))
    return mounts


def _is_network_fs(fs_type: str) -> bool:
    fs_type = fs_type.lower()
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith("fuse.")


def _windows_network(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True     # UNC path: \\server\share
    drive = os.path.splitdrive(text)[0]
    if not drive or sys.platform != "win32":
        return False
    try:
        import ctypes
        return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - unknown means local
        return False


def is_network_path(path: str | os.PathLike) -> bool:
    """Whether PATH lies on a network file system (UNC path or mapped network drive; nfs/cifs/smb/sshfs/fuse mount)."""
    path = Path(path)
    if sys.platform == "win32" or str(path).startswith("\\\\"):
        return _windows_network(path)
    try:
        resolved = Path(os.path.realpath(path))
    except OSError:
        resolved = path.absolute()
    best, best_type = "", ""
    for mount_point, fs_type in mount_table():
        point = mount_point.rstrip("/") or "/"
        inside = point == "/" or str(resolved) == point or str(resolved).startswith(point + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fs_type
    return bool(best) and _is_network_fs(best_type)


def network_notice() -> str:
    """The sentence shown while the data folder is on a network drive ("" otherwise)."""
    if not _state.network:
        return ""
    return _("The data folder is on a network drive: the database uses the slower rollback journal there, and "
             "only one PC should work on it at a time. A team working together should use the team server.")


# -- opening and closing ---------------------------------------------------------------------------

def open_app_database(path: Path | None = None, *, read_only: bool = False, url: str | None = None) -> pw.Database:
    """Open the database in force and migrate it to the latest version.

    That is the team server (URL, else ``connection.configured_url()``) or, by default, the
    SQLite file in the data folder (created if needed). On a network drive the SQLite file
    keeps the rollback journal (WAL needs shared memory the network cannot give). An
    existing SQLite database is backed up (checked) before it migrates; a server's backups
    are the administrator's (``desktop-cs backup`` says how).
    """
    global _state
    paths.ensure_data_dir()
    from desktop_cs.services import connection
    url = url or (None if path is not None else connection.configured_url())
    if url:
        return _open_server(url)
    target = Path(path or paths.database_path())
    network = is_network_path(target.parent)
    if network:
        log.warning("the data folder %s is on a network drive: rollback journal instead of WAL", target.parent)
    db = dbmod.open_database(target, wal=not network, read_only=read_only)
    _refuse_newer_schema(db)
    _state = DatabaseState(target, network=network,
                           read_only_reason=_state.read_only_reason if read_only else "")
    if not read_only and migrations.pending(db) and migrations.current_version(db) > 0:
        from desktop_cs.services import backups
        backups.make_backup("before-migration", check="quick")
    applied = migrations.migrate(db) if not read_only else []
    if applied:
        log.info("applied migrations %s", applied)
    return db


def _refuse_newer_schema(db: pw.Database) -> None:
    """A database a newer version of the program has migrated (another PC updated first, or a backup from a
    newer version) is not touched: its new columns and rules are unknown here."""
    found, known = migrations.current_version(db), migrations.latest_version()
    if found > known:
        dbmod.close_database()
        raise NewerDatabase(_("This database was updated by a newer version of the program (database version "
                              "{found}; this program knows up to {known}). Install the newer version of the "
                              "program on this PC (Help → About shows the version in use).").format(
            found=found, known=known))


def _open_server(url: str) -> pw.Database:
    global _state
    try:
        db = dbmod.open_database_url(url)
    except ValueError as exc:
        raise ServiceError(_("The team server address is not valid: it looks like "
                             "postgresql://user:password@host:5432/dbname.")) from exc
    except (pw.OperationalError, pw.InterfaceError) as exc:
        raise ServerUnreachable(server_unreachable_message(exc)) from exc
    _state = DatabaseState(None, server=dbmod.redact_url(url))
    _refuse_newer_schema(db)
    if migrations.pending(db):
        applied = migrations.migrate(db)
        if applied:
            log.info("applied migrations %s on the team server", applied)
    return db


def server_unreachable_message(exc: BaseException | None = None) -> str:
    """What the user reads when the team server cannot be reached."""
    server = _state.server or ""
    detail = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    message = _("The team server cannot be reached. Check the network cable or Wi-Fi, or ask whoever looks after "
                "the server. Nothing was saved; the program reconnects by itself when the server is back.")
    if detail:
        message += "\n" + _("(Details: {detail})").format(detail=dbmod.redact_url(detail) if server else detail)
    return message


def _sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL error code (SQLSTATE) behind EXC, if it came from the team server."""
    for candidate in (exc, exc.__cause__, exc.__context__, *getattr(exc, "args", ())):
        code = getattr(candidate, "sqlstate", None)
        if code:
            return str(code)
    return None


def _is_connection_lost(exc: BaseException) -> bool:
    """Whether EXC means the team server went away (network, restart), not a refused statement."""
    if dbmod.database.obj is None or dbmod.is_sqlite():
        return False
    code = _sqlstate(exc)
    if code and (code.startswith("08") or code in ("57P01", "57P02", "57P03")):   # connection_exception, shutdown
        return True
    for candidate in (exc, exc.__cause__, exc.__context__):
        if candidate is None:
            continue
        module = type(candidate).__module__
        name = type(candidate).__name__
        if module.startswith("psycopg") and name in ("OperationalError", "InterfaceError") and not code:
            return True
    text = str(exc).lower()
    return "connection" in text and any(w in text for w in ("closed", "lost", "refused", "terminat", "timeout",
                                                             "timed out", "reset", "server"))


def _drop_broken_connection() -> None:
    """Forget this thread's broken connection: peewee opens a new one on the next query."""
    obj = dbmod.database.obj
    if obj is None:
        return
    try:
        obj.close()
    except Exception:  # noqa: BLE001 - closing a dead connection may fail; it is gone either way
        log.debug("closing a broken connection failed", exc_info=True)
        try:
            obj._state.reset()
        except Exception:  # noqa: BLE001
            pass


def ping() -> bool:
    """Whether the database answers now (team server: a round trip; reconnects after a lost connection)."""
    obj = dbmod.database.obj
    if obj is None:
        return False
    try:
        obj.execute_sql("SELECT 1").fetchone()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable now"
        log.info("database ping failed: %s", exc)
        _drop_broken_connection()
        return False


def server_url() -> str:
    """The full URL of the team server in use, password included (for a second connection; never show or log it);
    "" on the built-in database."""
    return getattr(dbmod.database.obj, "url", "") if is_team_server() else ""


def is_team_server() -> bool:
    """Whether the database in use is a team server (PostgreSQL) rather than this PC's SQLite file."""
    return bool(_state.server)


def close_app_database() -> None:
    """Close this thread's connection to the database."""
    dbmod.close_database()


def switch_to_read_only(reason: str) -> None:
    """Reopen the database read-only: from now on SQLite refuses every write, and services say why (REASON)."""
    global _state
    path = dbmod.sqlite_path()
    if path is None:
        return
    dbmod.close_database()
    dbmod.open_database(path, wal=_state.wal, read_only=True)
    _state = DatabaseState(path, network=_state.network,
                           read_only_reason=reason or _("the database check found damage."))
    log.warning("database switched to read-only: %s", _state.read_only_reason)


# -- the errors a user can act on ------------------------------------------------------------------

def service_error_for(exc: BaseException) -> ServiceError | None:
    """The ServiceError telling the user what a database failure means and what to do; None when it is a bug."""
    if isinstance(exc, ServiceError):
        return exc
    if _is_connection_lost(exc):
        _drop_broken_connection()
        return ServerUnreachable(server_unreachable_message(exc))
    if not isinstance(exc, (pw.DatabaseError, pw.InterfaceError)) and type(exc).__module__ != "sqlite3":
        return None
    text = str(exc).lower()
    sqlstate = _sqlstate(exc)
    if sqlstate in ("55P03", "40001", "40P01"):   # lock_not_available, serialization_failure, deadlock_detected
        return DatabaseBusy(_("Someone else (another window or another PC) is saving at this moment, so your "
                              "change was not saved. Nothing was lost: try again in a moment."))
    if sqlstate == "25006":                      # read_only_sql_transaction (a standby server)
        return ReadOnlyDatabase(_("The team server accepts no changes at the moment (it is read-only): the change "
                                  "was not saved. Ask whoever looks after the server."))
    if sqlstate == "53100":                      # disk_full
        return DiskFull(_("The team server's disk is full: the change was not saved. Ask whoever looks after the "
                          "server."))
    if "locked" in text or "busy" in text:
        return DatabaseBusy(_("Someone else (another window or another PC) is saving at this moment, so your "
                              "change was not saved. Nothing was lost: try again in a moment."))
    if "readonly" in text or "read-only" in text or "read only" in text:
        if _state.read_only:
            return ReadOnlyDatabase(_("The database is open read-only because {reason} Nothing can be changed "
                                      "until a backup is restored (File → Restore…).").format(
                reason=_state.read_only_reason))
        return ReadOnlyDatabase(_("The database file cannot be written (it is read-only on disk or the folder "
                                  "does not allow writing): the change was not saved."))
    if "malformed" in text or "not a database" in text or "disk i/o" in text or "corrupt" in text:
        return DatabaseDamaged(_("The database file is damaged ({error}). Restore the newest good backup "
                                 "(File → Restore…).").format(error=str(exc)))
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(_("The disk of the data folder is full: the change was not saved. Free some space and "
                          "try again."))
    return None
