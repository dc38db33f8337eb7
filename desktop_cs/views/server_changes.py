"""Other PCs' changes on the team server, turned into the views' refresh signals (My day, the complaint log)."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_cs.services.change_feed import ChangeListener
from desktop_cs.views.common.events import events

#: notices within this many milliseconds make one refresh (an import on another PC sends several)
DEBOUNCE_MS = 500


class ServerChanges(QObject):
    """Listens to the team server at URL while the window is open; refreshes what another PC changed."""

    #: a table name, emitted on the listener's thread and delivered on the UI thread (queued)
    heard = Signal(str)

    def __init__(self, url: str, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._announce)
        self.heard.connect(self._note)
        self.listener = ChangeListener(url, self.heard.emit)

    def start(self) -> None:
        self.listener.start()

    def stop(self) -> None:
        self.listener.stop()
        self._timer.stop()

    def _note(self, table: str) -> None:
        self._pending.add(table)
        if not self._timer.isActive():
            self._timer.start()

    def _announce(self) -> None:
        pending, self._pending = self._pending, set()
        if "callback" in pending:
            events().callbacksChanged.emit()
        if "complaint" in pending:
            from desktop_cs.views.complaints.signals import complaint_events
            complaint_events().complaintsChanged.emit([])
