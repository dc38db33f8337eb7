"""The one clock every layer reads, so tests can fix the time."""
from __future__ import annotations

import datetime as dt
from typing import Callable

_now: Callable[[], dt.datetime] | None = None


def now() -> dt.datetime:
    """Local wall-clock time of the office, naive, to the second (see models/__init__ for why)."""
    value = _now() if _now else dt.datetime.now()
    return value.replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def set_clock(fn: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (tests); None restores the system clock."""
    global _now
    _now = fn


def freeze(at: dt.datetime) -> None:
    """Fix the clock at AT (tests)."""
    set_clock(lambda: at)
