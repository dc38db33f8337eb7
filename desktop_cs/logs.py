"""Logging to a file in the data folder; unexpected errors land there, users see a short message."""
from __future__ import annotations

import logging
import os
import sys

from desktop_cs import paths

LOG_FILE = "desktop_cs.log"
MAX_BYTES = 2_000_000
KEEP = 5


def _rotate(path) -> None:
    """Keep the log small: at start, a file over MAX_BYTES becomes .1 (older ones shift, KEEP kept).

    Done once per start instead of by logging.handlers.RotatingFileHandler, whose import
    (sockets, pickling) costs start-up time on every launch.
    """
    try:
        if not path.exists() or path.stat().st_size < MAX_BYTES:
            return
        for n in range(KEEP - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))
    except OSError:
        pass


def setup_logging(level: int = logging.INFO) -> None:
    """Send log records to ``logs/desktop_cs.log`` in the data folder (rotated at start past 2 MB, 5 kept)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_desktop_cs", False):
            root.removeHandler(handler)
            handler.close()
    try:
        paths.logs_dir().mkdir(parents=True, exist_ok=True)
        _rotate(paths.logs_dir() / LOG_FILE)
        handler: logging.Handler = logging.FileHandler(paths.logs_dir() / LOG_FILE, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler._desktop_cs = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("peewee").setLevel(logging.WARNING)


def log_file() -> str:
    return str(paths.logs_dir() / LOG_FILE)
