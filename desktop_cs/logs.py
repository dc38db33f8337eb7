"""Logging to a file in the data folder; unexpected errors land there, users see a short message."""
from __future__ import annotations

import logging
import logging.handlers
import sys

from desktop_cs import paths

LOG_FILE = "desktop_cs.log"


def setup_logging(level: int = logging.INFO) -> None:
    """Send log records to ``logs/desktop_cs.log`` in the data folder (rotated at 2 MB, 5 files)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_desktop_cs", False):
            root.removeHandler(handler)
            handler.close()
    try:
        paths.logs_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs_dir() / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler._desktop_cs = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("peewee").setLevel(logging.WARNING)


def log_file() -> str:
    return str(paths.logs_dir() / LOG_FILE)
