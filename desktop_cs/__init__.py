"""desktop_cs: the customer-service desk of a small finance team."""
from __future__ import annotations

import functools

APP_NAME = "desktop-cs"
ORG_NAME = "desktop-cs"


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The package version, from its installed metadata (one place: pyproject.toml)."""
    try:
        from importlib.metadata import version as _v
        return _v("desktop-cs")
    except Exception:  # running from a bundle or a bare checkout
        return "0.1.0"
