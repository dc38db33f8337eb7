"""My day's complaints, as a panel the callback schedule can show: escalations first, promised replies overdue (red),
due today, deadlines breached; a double-click opens the complaint on the complaint log tab."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_cs.i18n import _
from desktop_cs.services import complaints
from desktop_cs.services.complaints import ComplaintRow, ComplaintsDue
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import ERROR_COLOR
from desktop_cs.views.complaints.signals import complaint_events

if TYPE_CHECKING:
    from desktop_cs.models import User


class ComplaintsDuePanel(QGroupBox):
    """``ComplaintsDuePanel(actor)``; ``set_scope(None | "team" | specialist id)`` follows My day's switch."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(_("Complaints"), parent)
        self.setObjectName("complaintsDueBox")
        self.actor = actor
        self.scope: int | str | None = None
        self.due: ComplaintsDue | None = None
        self.list = QListWidget()
        self.list.setObjectName("complaintsDueList")
        self.list.itemActivated.connect(self._activated)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(self.list)
        # a method, not a lambda: Qt drops the connection when the panel is deleted
        complaint_events().complaintsChanged.connect(self._complaints_changed)
        self.refresh()

    def _complaints_changed(self, _ids: list) -> None:
        self.refresh()

    def set_scope(self, scope: int | str | None) -> None:
        self.scope = scope
        self.refresh()

    def refresh(self) -> None:
        try:
            due = complaints.complaints_due(self.actor, self.scope)
        except ServiceError as error:
            self.setTitle(error.message)
            return
        self.due = due
        self.list.clear()
        seen: set[int] = set()
        red = QBrush(QColor(ERROR_COLOR))
        for label, rows, colour in ((_("Escalated"), due.escalated, None), (_("Reply overdue"), due.overdue, red),
                                    (_("Reply due today"), due.due_today, None), (_("Late"), due.breached, None)):
            for row in rows:
                if row.id in seen:
                    continue
                seen.add(row.id)
                item = QListWidgetItem(self._text(label, row))
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if colour is not None or row.overdue:
                    item.setForeground(red)
                self.list.addItem(item)
        self.setTitle(_("Complaints: {escalated} escalated, {overdue} replies overdue, {today} due today").format(
            escalated=due.escalated_count, overdue=due.overdue_count, today=due.due_today_count))

    @staticmethod
    def _text(label: str, row: ComplaintRow) -> str:
        when = row.promised_reply_at.strftime("%m-%d %H:%M") if row.promised_reply_at else ""
        return f"[{label}] {row.customer} · {row.category} · {row.status} {when} · {row.handler}"

    def _activated(self, item: QListWidgetItem) -> None:
        complaint_events().openComplaint.emit(int(item.data(Qt.ItemDataRole.UserRole)))
