"""The main window's lost-connection banner (team mode): raised when a view shows ServerUnreachable, gone when the
server answers again.

While the banner shows, a timer asks ``database.ping()`` every few seconds off the UI thread
(a worker thread opens its own short connection, so the window never waits for the network);
the first answer hides the banner, says "connection restored" in the status bar and emits
``events().serverRestored`` so the open lists reload.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QPushButton, QToolBar, QWidget

from desktop_cs.i18n import _
from desktop_cs.services import database as app_database
from desktop_cs.views.common import WrapLabel
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker

log = logging.getLogger(__name__)

#: how often the server is asked while the banner shows
POLL_MS = 5000
LOST_COLOR = "#fdecea"
LOST_BORDER = "#c62828"


def server_text(server: str) -> str:
    """host:port/database of a (redacted) server URL, as the status bar and the settings show it."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(server)
        return f"{parts.hostname}:{parts.port or 5432}{parts.path}"
    except ValueError:
        return server


class ConnectionBanner(QToolBar):
    """A red bar at the top of WINDOW: "the team server cannot be reached, nothing was saved"."""

    #: the server answers again
    restored = Signal()

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setObjectName("connectionBanner")
        self.window_ = window
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setStyleSheet(f"QToolBar#connectionBanner {{ background: {LOST_COLOR}; "
                           f"border-bottom: 2px solid {LOST_BORDER}; }}")
        self.label = WrapLabel("", "connectionBannerLabel")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("color: #7f0000;")
        self.retry_button = QPushButton(_("Try again now"))
        self.retry_button.setObjectName("retryConnectionButton")
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self.poll)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(holder)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        window.insertToolBarBreak(self)
        self.hide()

        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._pinged)
        self.worker.failed.connect(lambda exc: self._pinged(False))
        self.timer = QTimer(self)
        self.timer.setObjectName("connectionPollTimer")
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.lost = False

    def connection_lost(self, message: str = "") -> None:
        """Show the banner (MESSAGE: the sentence the view showed; its first line is enough here) and start
        asking the server."""
        text = _("The team server cannot be reached: nothing was saved. Check the network cable or Wi-Fi; the "
                 "program reconnects by itself as soon as the server answers.")
        detail = message.split("\n", 1)[1].strip() if "\n" in message else ""
        if detail:
            text += "\n" + detail
        self.label.setText(text)
        if not self.lost:
            log.warning("team server unreachable: banner raised")
        self.lost = True
        if not getattr(self.window_, "locked", False):     # the unlock shows it (MainWindow.unlock)
            self.show()
        if not self.timer.isActive():
            self.timer.start()

    def poll(self) -> None:
        """Ask the server once, off the UI thread (a poll already under way is replaced)."""
        if not self.worker.busy:
            self.worker.submit(app_database.ping)

    def _pinged(self, answered: object) -> None:
        if not self.lost or not answered:
            return
        self.lost = False
        self.timer.stop()
        self.hide()
        log.info("team server answers again: banner lowered")
        if isinstance(self.window_, QMainWindow):
            self.window_.statusBar().showMessage(_("The connection to the team server is restored."), 15000)
        events().serverRestored.emit()
        self.restored.emit()

    def shutdown(self) -> None:
        self.timer.stop()
        self.worker.cancel()
        self.worker.wait(10000)
