"""The archive list's table model: one page of customers at a time from the search service (PagedTableModel)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop_cs.i18n import N_, _
from desktop_cs.services import customers
from desktop_cs.services.customers import PAGE_SIZE, CustomerQuery, CustomerRow
from desktop_cs.views.common import ERROR_COLOR
from desktop_cs.views.common.paged_model import PagedTableModel

if TYPE_CHECKING:
    from desktop_cs.models import User

#: what ``fetch`` is called with: (actor, query, offset, limit) -> rows
Fetch = Callable[["User", CustomerQuery, int, int], list[CustomerRow]]

#: the role that gives a row's customer id
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ID = int(CUSTOMER_ID_ROLE)
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _TOOLTIP, _FONT, _ALIGNMENT, _ID))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

#: at most this many rows are reloaded by ``refresh`` (keeps a refresh after a write quick)
MAX_REFRESH_ROWS = 10 * PAGE_SIZE


@dataclass(frozen=True)
class Column:
    """One column of the list: its key, header, header tooltip and the service's sort key."""

    key: str
    title: str
    tooltip: str
    sort_key: str
    #: a typical value, to size the column without measuring every row
    sample: str


COLUMNS: tuple[Column, ...] = (
    Column("name", N_("Name"), N_("Customer name"), "name", "欧阳明月"),
    Column("mobile", N_("Mobile"), N_("Mobile number (masked)"), "mobile", "138****5678"),
    Column("customer_type", N_("Type"), N_("Customer type"), "customer_type", "潜在客户"),
    Column("tier", N_("Tier"), N_("Customer tier"), "tier", "重点客户"),
    Column("source", N_("Source"), N_("Source channel"), "source", "在线咨询"),
    Column("verification", N_("Verification"), N_("Verification status"), "verification",
           "已实名认证 · 手机已认证 · 邮箱已认证"),
    Column("specialist", N_("Specialist"), N_("Assigned specialist"), "specialist", "欧阳专员"),
    Column("last_contact_at", N_("Last contact"), N_("Last contact with the customer"), "last_contact_at",
           "2026-11-22"),
    Column("open", N_("Callbacks / complaints"), N_("Open callbacks / open complaints"), "open_callbacks",
           "12 / 3"),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}


def _column_of_sort_key(sort_key: str) -> int:
    """The column sorted by SORT_KEY (-1 when no column is: the default order by number)."""
    for index, column in enumerate(COLUMNS):
        if column.sort_key == sort_key:
            return index
    return -1


class CustomerTableModel(PagedTableModel):
    """Customers matching a CustomerQuery, loaded PAGE_SIZE rows at a time as the view scrolls.

    No count here (the count runs elsewhere, off the UI thread); ``sort`` changes the query's
    order and reloads. Rows are the service's masked ``CustomerRow`` objects.
    """

    columns = COLUMNS
    max_refresh_rows = MAX_REFRESH_ROWS

    def __init__(self, actor: User, parent=None, fetch: Fetch | None = None, page_size: int = PAGE_SIZE):
        super().__init__(actor, fetch or customers.search_page, CustomerQuery(), page_size, parent)
        self._red = QColor(ERROR_COLOR)
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    def setOrder(self, sort_key: str, descending: bool) -> None:  # noqa: N802 - Qt naming
        """Set the order the next load uses, without loading (for restoring a saved layout)."""
        self._query.sort, self._query.descending = sort_key, descending

    #: the customer shown on a row / its CustomerRow (None outside the loaded rows)
    customer_id = PagedTableModel.row_id
    customer_row = PagedTableModel.row_at

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called some fifteen times per visible cell and paint: roles we do not answer leave first
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
            return self._red if row.overdue_first_contact else None
        if role == _ID:
            return row.id
        if role == _TOOLTIP:
            return self._tooltip(row, key)
        if role == _FONT:
            return self._strike if key == "mobile" and row.do_not_call else None
        if role == _ALIGNMENT:
            return _CENTER if key == "open" else None
        return None

    @staticmethod
    def _text(row: CustomerRow, key: str) -> str:
        if key == "last_contact_at":
            return row.last_contact_at.date().isoformat() if row.last_contact_at else ""
        if key == "open":
            return f"{row.open_callbacks} / {row.open_complaints}"
        if key == "mobile" and row.do_not_call:
            return _("{mobile} (do not call)").format(mobile=row.mobile) if row.mobile else _("(do not call)")
        return getattr(row, key) or ""

    @staticmethod
    def _tooltip(row: CustomerRow, key: str) -> str | None:
        notes = []
        if row.overdue_first_contact:
            notes.append(_("Not contacted within a week of assignment: contact this customer now."))
        if row.do_not_call:
            notes.append(_("The customer asked not to be called."))
        if key == "last_contact_at" and row.last_contact_at:
            notes.append(row.last_contact_at.strftime("%Y-%m-%d %H:%M"))
        if key == "open":
            notes.append(_("{callbacks} open callbacks, {complaints} open complaints").format(
                callbacks=row.open_callbacks, complaints=row.open_complaints))
        return "\n".join(notes) or None

    # -- sorting -------------------------------------------------------------------------------
    def sortColumn(self) -> int:  # noqa: N802 - Qt naming
        """The column the query is sorted by (-1: the default order by number)."""
        return _column_of_sort_key(self._query.sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by COLUMN through the service (column -1: by customer number, newest first)."""
        query = dataclasses.replace(self._query)
        if 0 <= column < len(COLUMNS):
            query.sort = COLUMNS[column].sort_key
            query.descending = order == Qt.SortOrder.DescendingOrder
        else:
            query.sort, query.descending = "id", True
        if self._loaded and (query.sort, query.descending) == (self._query.sort, self._query.descending):
            return
        self.setQuery(query)
