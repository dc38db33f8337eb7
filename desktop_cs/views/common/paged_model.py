"""Lazy list models: one page of a search service's rows at a time as the view scrolls, never all rows."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_cs.i18n import _

#: every cell's flags, combined once (a Qt enum "|" costs a few microseconds, and flags() runs per cell and paint)
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


class PagedTableModel(QAbstractTableModel):
    """Rows (each with an ``id``) matching a query, ``page_size`` at a time as the view scrolls.

    ``fetch(actor, query, offset, limit) -> rows`` is the service's search. ``setQuery`` loads
    the first page only; ``fetchMore`` appends the next; ``refresh`` reloads as many rows as are
    shown (at most ``max_refresh_rows``) so the view stays put after a write. A subclass sets
    ``columns`` (each with ``title`` and ``tooltip``, marked with N_) and answers ``data``.
    """

    columns: tuple = ()
    #: at most this many rows are reloaded by ``refresh`` (keeps a refresh after a write quick)
    max_refresh_rows = 2000

    def __init__(self, actor, fetch: Callable[..., list], query, page_size: int, parent=None):
        super().__init__(parent)
        self.actor = actor
        self._fetch = fetch
        self.page_size = page_size
        self._query = query
        self._rows: list = []
        self._rows_by_id: dict[int, int] = {}
        self._more = False
        self._loaded = False

    # -- loading -------------------------------------------------------------------------------
    def query(self):
        """A copy of the query in force."""
        return dataclasses.replace(self._query)

    def setQuery(self, query) -> None:  # noqa: N802 - Qt naming
        """Show the first page of QUERY's matches (synchronously: the search-as-you-type path)."""
        self._query = dataclasses.replace(query)
        self._reload(self.page_size)

    def refresh(self) -> None:
        """Reload after a write: as many rows as were loaded (within reason), so the view stays put."""
        self._reload(min(max(len(self._rows), self.page_size), self.max_refresh_rows))

    def _reload(self, limit: int) -> None:
        rows = self._fetch(self.actor, self._query, 0, limit)
        self.beginResetModel()
        self._rows = []
        self._rows_by_id = {}
        self._append(rows)
        self._more = len(rows) >= limit
        self._loaded = True
        self.endResetModel()

    def _append(self, rows: list) -> None:
        """Add ROWS not shown yet (a page boundary can repeat a row when data changed in between)."""
        for row in rows:
            if row.id not in self._rows_by_id:
                self._rows_by_id[row.id] = len(self._rows)
                self._rows.append(row)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        rows = self._fetch(self.actor, self._query, len(self._rows), self.page_size)
        self._more = len(rows) >= self.page_size
        fresh = [row for row in rows if row.id not in self._rows_by_id]
        if not fresh:
            return
        first = len(self._rows)
        # the last row inserted is first + n - 1 (the PySide6 fetchmore example passes one too many)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._append(fresh)
        self.endInsertRows()

    def hasMoreRows(self) -> bool:  # noqa: N802 - Qt naming
        """More matches wait to be fetched (the loaded rows are not all of them)."""
        return self._more

    # -- reading -------------------------------------------------------------------------------
    def row_id(self, row: int) -> int | None:
        """The id of the record shown on ROW (None outside the loaded rows)."""
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_at(self, row: int):
        """The service's row shown on ROW (None outside the loaded rows)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        """The row showing RECORD_ID among the loaded rows, or -1."""
        return self._rows_by_id.get(record_id, -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else _NO_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section].title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(self.columns[section].tooltip)
        return None
