"""The complaint area's change broadcast: open complaint views refresh after a write anywhere."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ComplaintEvents(QObject):
    """Signals the complaint views emit after a successful write and listen to."""

    #: complaint ids created or changed (empty list = many / unknown)
    complaintsChanged = Signal(list)
    #: show one complaint on the complaint log tab (from a link anywhere, e.g. My day)
    openComplaint = Signal(int)


_events: ComplaintEvents | None = None


def complaint_events() -> ComplaintEvents:
    """The one ComplaintEvents of the application (created on first use, after QApplication)."""
    global _events
    if _events is None:
        _events = ComplaintEvents()
    return _events


def announce(complaint_ids: list[int], customer_id: int | None = None) -> None:
    """After a write: complaint views refresh; the customer's page and My day too when there is a customer."""
    from desktop_cs.views.common.events import events
    complaint_events().complaintsChanged.emit(list(complaint_ids))
    if customer_id:
        events().customersChanged.emit([customer_id])
