"""Where things live: the data folder (overridable for tests and portable installs) and bundled resources."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_cs import APP_NAME, ORG_NAME

DATA_DIR_ENV = "DESKTOP_CS_DATA_DIR"
DATABASE_FILE = "desktop_cs.sqlite3"

_override: Path | None = None


def set_data_dir(path: str | os.PathLike | None) -> None:
    """Use PATH as the data folder for this process (``--data-dir``); None returns to the default."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def _fallback_data_dir() -> Path:
    """The per-user data folder without Qt: %APPDATA% on Windows, Application Support on macOS, XDG elsewhere."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORG_NAME / APP_NAME


def default_data_dir() -> Path:
    """The per-user application data folder of the platform (QStandardPaths.AppDataLocation)."""
    try:
        from PySide6.QtCore import QCoreApplication, QStandardPaths
    except ImportError:  # pragma: no cover - Qt is a hard dependency, but keep the core usable
        return _fallback_data_dir()
    # AppDataLocation is built from the organisation and application names; set them
    # even when no QCoreApplication exists (the command line).
    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName(ORG_NAME)
    if not QCoreApplication.applicationName():
        QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else _fallback_data_dir()


def data_dir() -> Path:
    """The data folder in force: ``--data-dir``, else $DESKTOP_CS_DATA_DIR, else the platform default."""
    if _override is not None:
        return _override
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def ensure_data_dir() -> Path:
    """Create the data folder and its sub-folders if needed and return it."""
    root = data_dir()
    for sub in ("", "backups", "logs", "pdf"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root


def database_path() -> Path:
    return data_dir() / DATABASE_FILE


def backups_dir() -> Path:
    return data_dir() / "backups"


def logs_dir() -> Path:
    return data_dir() / "logs"


def pdf_dir() -> Path:
    return data_dir() / "pdf"


def resources_dir() -> Path:
    """Bundled resources (fonts, translations, icons), frozen (PyInstaller) or from the source tree."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"


def translations_dir() -> Path:
    return resources_dir() / "translations"
