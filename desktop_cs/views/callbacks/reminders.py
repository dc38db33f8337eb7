"""Reminders while the app runs: at start and every few minutes, a non-blocking notice of callbacks falling due
in the next 15 minutes and of newly overdue ones (system tray message where available, else the status bar)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services import callbacks
from desktop_cs.services.callbacks import Reminders
from desktop_cs.services.errors import ServiceError

if TYPE_CHECKING:
    from desktop_cs.models import User

log = logging.getLogger(__name__)

#: the first check after start, then one every few minutes
FIRST_CHECK_MS = 1500
INTERVAL_MS = 3 * 60 * 1000
NOTICE_MS = 30000


class ReminderController(QObject):
    """Asks the service what is due or newly overdue, and shows each callback's notice once."""

    #: the notice text, for a status bar when there is no system tray
    notice = Signal(str)

    def __init__(self, actor: User, parent: QObject | None = None, use_tray: bool = True):
        super().__init__(parent)
        self.actor = actor
        self._since = None
        self._told: set[int] = set()
        self.last: Reminders | None = None
        self.tray: QSystemTrayIcon | None = None
        if use_tray and QSystemTrayIcon.isSystemTrayAvailable():
            app = QApplication.instance()
            self.tray = QSystemTrayIcon(app.windowIcon() if app else None, self)
            self.tray.setObjectName("reminderTray")
            self.tray.setToolTip(_("Customer Service Desk"))
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setObjectName("reminderTimer")
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def check(self) -> str:
        """One check; returns the notice shown ("" when there was nothing new)."""
        now = clock.now()
        try:
            found = callbacks.due_reminders(self.actor, now, self._since)
        except ServiceError:
            log.exception("reminder check failed")
            return ""
        self._since = now
        found.due_soon = [r for r in found.due_soon if r.id not in self._told]
        found.newly_overdue = [r for r in found.newly_overdue if -r.id not in self._told]
        self._told.update(r.id for r in found.due_soon)
        self._told.update(-r.id for r in found.newly_overdue)
        self.last = found
        if found.empty():
            return ""
        text = found.text()
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(_("Callbacks"), text, QSystemTrayIcon.MessageIcon.Information, NOTICE_MS)
        self.notice.emit(text)
        return text
