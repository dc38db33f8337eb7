"""desktop_cs: the customer-service desk of a small finance team."""
from __future__ import annotations

import functools

APP_NAME = "desktop-cs"
ORG_NAME = "desktop-cs"


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
