"""Per-PC preferences (language, window layout) in settings.ini inside the data folder, via QSettings."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_cs import paths

LANGUAGE = "ui/language"


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
