"""desktop_cs: the customer-service desk of a small finance team."""
from __future__ import annotations

import functools
import sys

APP_NAME = "desktop-cs"
ORG_NAME = "desktop-cs"


class _NoPsycopgInsidePeewee:
    """Import hook: peewee imports the PostgreSQL driver at its own import when it is installed (~100 ms at
    every start); only a team server needs it. While peewee itself is being imported, ``import psycopg``
    fails, so peewee starts without it; ``models.db`` loads the driver when a team server is opened."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "psycopg":
            peewee = sys.modules.get("peewee")
            if peewee is not None and not hasattr(peewee, "PostgresqlDatabase"):   # peewee half-imported
                raise ModuleNotFoundError("psycopg is loaded on demand (desktop_cs.models.db)", name=name)
        return None


if "peewee" not in sys.modules:
    sys.meta_path.insert(0, _NoPsycopgInsidePeewee())


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The package version, from its installed metadata (one place: pyproject.toml; a bundle carries the metadata)."""
    try:
        from importlib.metadata import version as _v
        return _v("desktop-cs")
    except Exception:  # a bare checkout that was never installed: read pyproject.toml itself
        try:
            import tomllib
            from pathlib import Path
            with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as f:
                return str(tomllib.load(f)["project"]["version"])
        except Exception:
            return "unknown"
