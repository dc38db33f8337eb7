"""The complaint list's table model: one page of complaints at a time from the search service (PagedTableModel)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop_cs.i18n import N_, _
from desktop_cs.services import complaints
from desktop_cs.services.complaints import PAGE_SIZE, ComplaintQuery, ComplaintRow
from desktop_cs.views.common import ERROR_COLOR
from desktop_cs.views.common.paged_model import PagedTableModel

if TYPE_CHECKING:
    from desktop_cs.models import User

#: (actor, query, offset, limit) -> rows
Fetch = Callable[["User", ComplaintQuery, int, int], list[ComplaintRow]]

COMPLAINT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the background of escalated rows (a soft amber that keeps the red text of overdue rows readable)
ESCALATED_COLOR = "#fff3cd"

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ID = int(COMPLAINT_ID_ROLE)
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _FONT, _ID))
MAX_REFRESH_ROWS = 10 * PAGE_SIZE


@dataclass(frozen=True)
class Column:
    """One column: key, header, header tooltip, and a typical value to size it."""

    key: str
    title: str
    tooltip: str
    sample: str


COLUMNS: tuple[Column, ...] = (
    Column("id", N_("No."), N_("Complaint number"), "5000"),
    Column("received_at", N_("Received"), N_("When the complaint was received"), "2026-11-22 18:33"),
    Column("customer", N_("Complainant"), N_("Customer, or the caller's number (masked)"), "欧阳明月 138****5678"),
    Column("category", N_("Category"), N_("Complaint category"), "技术/平台"),
    Column("severity", N_("Severity"), N_("Severity"), "紧急"),
    Column("status", N_("State"), N_("State of the complaint"), "已回访确认"),
    Column("handler", N_("Handler"), N_("Who handles it"), "欧阳专员"),
    Column("promised_reply_at", N_("Promised reply"), N_("The reply time promised to the customer"),
           "11-23 18:30"),
    Column("flags", N_("Flags"), N_("Overdue, escalated, repeat, deadline breached"), "已逾期 已升级 重复"),
    Column("description", N_("Description"), N_("What the customer complains about"), "客户称提现三天未到账"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}


def flags_text(row: ComplaintRow) -> str:
    """Short words for the row's flags (overdue, escalated, repeat, breached, reopened)."""
    words = []
    if row.overdue:
        words.append(_("Overdue"))
    elif row.due_soon:
        words.append(_("Reply due"))
    if row.escalated:
        words.append(_("Escalated"))
    if row.repeat:
        words.append(_("Repeat"))
    if row.breached:
        words.append(_("Late"))
    if row.reopened_count:
        words.append(_("Reopened"))
    return " ".join(words)


def flags_tooltip(row: ComplaintRow) -> str:
    notes = []
    if row.overdue:
        notes.append(_("The promised reply time passed without a contact: call the customer now."))
    elif row.due_soon:
        notes.append(_("The promised reply time is near."))
    if row.escalated:
        notes.append(_("Escalated to the supervisor."))
    if row.repeat:
        notes.append(_("A repeat complaint: this customer complained several times recently."))
    if row.first_response_breached:
        notes.append(_("The first-response deadline was missed."))
    if row.resolution_breached:
        notes.append(_("The resolution deadline was missed."))
    if row.reopened_count:
        notes.append(_("Reopened {n} times.").format(n=row.reopened_count))
    return "\n".join(notes)


class ComplaintTableModel(PagedTableModel):
    """Complaints matching a ComplaintQuery, PAGE_SIZE rows at a time as the view scrolls (newest first).

    Overdue rows are red; escalated rows have an amber background.
    """

    columns = COLUMNS
    max_refresh_rows = MAX_REFRESH_ROWS

    def __init__(self, actor: User, parent=None, fetch: Fetch | None = None, page_size: int = PAGE_SIZE):
        super().__init__(actor, fetch or complaints.search_page, ComplaintQuery(), page_size, parent)
        self._red = QColor(ERROR_COLOR)
        self._amber = QColor(ESCALATED_COLOR)
        self._bold = QFont()
        self._bold.setBold(True)

    #: the complaint shown on a row / its ComplaintRow (None outside the loaded rows)
    complaint_id = PagedTableModel.row_id
    complaint_row = PagedTableModel.row_at

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= c < len(COLUMNS)):
            return None
        row = self._rows[r]
        key = COLUMNS[c].key
        if role == _DISPLAY:
            return self._text(row, key)
        if role == _FOREGROUND:
            return self._red if row.overdue or (key == "flags" and row.breached) else None
        if role == _BACKGROUND:
            return self._amber if row.escalated and row.status_code != "closed" else None
        if role == _ID:
            return row.id
        if role == _FONT:
            return self._bold if key == "flags" and (row.overdue or row.escalated) else None
        if role == _TOOLTIP:
            if key == "description":
                return row.description or None
            return flags_tooltip(row) or None
        return None

    @staticmethod
    def _text(row: ComplaintRow, key: str) -> str:
        if key == "id":
            return str(row.id)
        if key == "received_at":
            return row.received_at.strftime("%Y-%m-%d %H:%M")
        if key == "promised_reply_at":
            return row.promised_reply_at.strftime("%m-%d %H:%M") if row.promised_reply_at else ""
        if key == "flags":
            return flags_text(row)
        if key == "customer":
            return f"{row.customer} {row.caller}".strip() if row.customer != row.caller else row.customer
        return str(getattr(row, key) or "")
