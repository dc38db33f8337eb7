"""Small table models of My day's lists (callbacks, customers not yet contacted); rows come from the services."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.services.callbacks import CallbackRow, NotContactedRow
from desktop_cs.views.common import ERROR_COLOR

#: the role that gives a row's callback id (callback lists) or customer id (customer lists)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the role that gives a row's customer id
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 2

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: header, a typical value (to size it without measuring rows) and how a row shows in it."""

    title: str
    sample: str
    text: Callable[[Any], str]


def when_text(moment: dt.datetime | None, today: dt.date | None = None) -> str:
    """"14:00" today, "11-23 14:00" this year, else the full date and time."""
    if moment is None:
        return ""
    today = today or clock.today()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


CALLBACK_COLUMNS: tuple[Column, ...] = (
    Column(N_("Due"), "11-23 14:00", lambda r: when_text(r.due_at)),
    Column(N_("Customer"), "欧阳明月", lambda r: r.customer_name),
    Column(N_("Mobile"), "138****5678", lambda r: r.mobile),
    Column(N_("Tier"), "重点客户", lambda r: r.tier),
    Column(N_("Purpose"), "续约/升级提醒", lambda r: r.purpose),
    Column(N_("Method"), "QQ / 微信", lambda r: r.method),
    Column(N_("Tries"), "3", lambda r: str(r.attempts) if r.attempts else ""),
    Column(N_("Preferred time"), "14:00-17:00", lambda r: r.preferred_time),
    Column(N_("Specialist"), "欧阳专员", lambda r: r.specialist),
)

NOT_CONTACTED_COLUMNS: tuple[Column, ...] = (
    Column(N_("Customer"), "欧阳明月", lambda r: r.name),
    Column(N_("Mobile"), "138****5678", lambda r: r.mobile),
    Column(N_("Assigned"), "11-16 10:00", lambda r: when_text(r.assigned_at)),
    Column(N_("Contact by"), "11-23 10:00", lambda r: when_text(r.deadline)),
    Column(N_("Specialist"), "欧阳专员", lambda r: r.specialist),
)


class RowsModel(QAbstractTableModel):
    """A read-only list of service rows; overdue rows show in red."""

    def __init__(self, columns: tuple[Column, ...], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return _(self.columns[section].title)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()].text(row)
        if role == Qt.ItemDataRole.ForegroundRole and getattr(row, "overdue", False):
            return QColor(ERROR_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(row, CallbackRow) and row.do_not_call:
                return _("The customer asked not to be called.")
            if isinstance(row, CallbackRow) and row.overdue:
                return _("Overdue since {time}").format(time=row.due_at.strftime("%Y-%m-%d %H:%M"))
            if isinstance(row, NotContactedRow):
                return _("Contact by {time} (one week after the assignment)").format(
                    time=row.deadline.strftime("%Y-%m-%d %H:%M"))
        if role == ID_ROLE:
            return row.id if isinstance(row, CallbackRow) else row.customer_id
        if role == CUSTOMER_ROLE:
            return row.customer_id
        return None
