"""The points ledger table model: one customer's entries, newest first, with the balance after each."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop_cs.i18n import N_, _
from desktop_cs.services.points import LedgerRow
from desktop_cs.views.common import ERROR_COLOR

#: the role that gives a row's ledger entry id
ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
GAIN_COLOR = "#2e7d32"
MUTED_COLOR = "#757575"


@dataclass(frozen=True)
class LedgerColumn:
    """One column: key, header, and a typical value to size it by."""

    key: str
    title: str
    sample: str


COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("id", N_("No."), "1234567"),
    LedgerColumn("at", N_("Time"), "2026-11-22 10:00"),
    LedgerColumn("kind", N_("Type"), "合并转入（已冲正）"),
    LedgerColumn("points", N_("Points"), "+12,345"),
    LedgerColumn("balance", N_("Balance"), "123,456"),
    LedgerColumn("source", N_("Source"), "实名认证"),
    LedgerColumn("reason", N_("Reason"), "投资奖励（50000元）"),
    LedgerColumn("reference", N_("Reference"), "IV20261119021X"),
    LedgerColumn("by", N_("By"), "王主管"),
    LedgerColumn("expires", N_("Expires / left"), "2027-11-22 · 余 100"),
)

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def signed(points: int) -> str:
    """+1,234 / -56."""
    return f"{points:+,}"


class LedgerModel(QAbstractTableModel):
    """Read-only rows of ``points.customer_view(...).ledger``; the view never queries the database."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[LedgerRow] = []

    def set_rows(self, rows: list[LedgerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> LedgerRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_entry(self, entry_id: int) -> int:
        for index, row in enumerate(self._rows):
            if row.id == entry_id:
                return index
        return -1

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section].title)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == ENTRY_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("id", "points", "balance"):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "points":
                return QColor(GAIN_COLOR if row.points > 0 else ERROR_COLOR)
            if row.reversed_by_id is not None or row.kind == "reverse":
                return QColor(MUTED_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.reversed_by_id is not None:
                return _("Reversed by entry No. {id}").format(id=row.reversed_by_id)
            if row.reverses_id is not None:
                return _("Reverses entry No. {id}").format(id=row.reverses_id)
            if key == "reason":
                return row.reason
        return None

    @staticmethod
    def _text(row: LedgerRow, key: str) -> str:
        if key == "id":
            return str(row.id)
        if key == "at":
            return row.at.strftime("%Y-%m-%d %H:%M")
        if key == "kind":
            if row.reversed_by_id is not None:
                return _("{kind} (reversed)").format(kind=row.kind_label)
            return row.kind_label
        if key == "points":
            return signed(row.points)
        if key == "balance":
            return f"{row.balance:,}"
        if key == "expires":
            if row.remaining is None:
                return ""
            until = row.expires_at.strftime("%Y-%m-%d") if row.expires_at else _("never")
            if row.remaining == row.points:
                return until
            return _("{until} · {left} left").format(until=until, left=f"{row.remaining:,}")
        return str(getattr(row, key) or "")
