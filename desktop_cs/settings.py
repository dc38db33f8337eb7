"""Per-PC preferences (language, window layout, idle lock) in settings.ini inside the data folder, via QSettings."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_cs import paths

LANGUAGE = "ui/language"
IDLE_LOCK_MINUTES = "security/idle_lock_minutes"
#: the screen locks after this many minutes without use, unless the PC's settings say otherwise
DEFAULT_IDLE_LOCK_MINUTES = 10
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 60


def qsettings() -> QSettings:
    """The settings file of the data folder in force (so tests and portable installs stay separate)."""
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    return QSettings(str(paths.data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def saved_language() -> str | None:
    value = qsettings().value(LANGUAGE)
    return str(value) if value else None


def save_language(code: str) -> None:
    s = qsettings()
    s.setValue(LANGUAGE, code)
    s.sync()


def idle_lock_minutes() -> int:
    """Minutes without use before the window hides customer data behind the sign-in screen (default 10)."""
    try:
        minutes = int(qsettings().value(IDLE_LOCK_MINUTES, DEFAULT_IDLE_LOCK_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_LOCK_MINUTES
    return min(max(minutes, MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)


def save_idle_lock_minutes(minutes: int) -> None:
    s = qsettings()
    s.setValue(IDLE_LOCK_MINUTES, min(max(int(minutes), MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES))
    s.sync()


# -- what the last start found in the database (so the next start can show the sign-in at once) -----

KNOWN_HAS_USERS = "startup/has_users"
KNOWN_COMPANY = "startup/company_name"
#: the SQLite file that was opened ("" for a team server)
KNOWN_DATABASE_FILE = "startup/database_file"


def known_database() -> tuple[bool, str, str]:
    """(has users, company name, SQLite file or "") as the last successful database open found them."""
    s = qsettings()
    return (s.value(KNOWN_HAS_USERS, False, type=bool), str(s.value(KNOWN_COMPANY, "") or ""),
            str(s.value(KNOWN_DATABASE_FILE, "") or ""))


def save_known_database(has_users: bool, company: str, database_file: str) -> None:
    """Remember what the database opened holds; the file is written only when something changed."""
    if known_database() == (bool(has_users), company or "", database_file or ""):
        return
    s = qsettings()
    s.setValue(KNOWN_HAS_USERS, bool(has_users))
    s.setValue(KNOWN_COMPANY, company or "")
    s.setValue(KNOWN_DATABASE_FILE, database_file or "")
    s.sync()

