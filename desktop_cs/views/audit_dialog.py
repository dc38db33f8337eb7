"""The audit log for supervisors: Tools → Audit log… (browse, filter, page) and Tools → Verify audit log.

Both read through ``services.audit`` (permission ``AUDIT``); the verification runs off
the UI thread, since it recomputes the hash of every entry.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import audit
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import FieldError, explanation, text_width, wait_cursor
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

#: rows per page of the browser
PAGE_SIZE = 100


class AuditTableModel(QAbstractTableModel):
    """One page of audit entries: time, who, what, the record, the customer and the summary."""

    COLUMNS = ("at", "user", "action", "record", "customer", "summary")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[audit.AuditRow] = []

    def set_rows(self, rows: list[audit.AuditRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> audit.AuditRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return {"at": _("Time"), "user": _("User"), "action": _("Action"), "record": _("Record"),
                    "customer": _("Customer"), "summary": _("Summary")}[self.COLUMNS[section]]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(section)
            return str(row.id) if row else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "at":
                return row.at.strftime("%Y-%m-%d %H:%M:%S")
            if column == "user":
                return row.user
            if column == "action":
                return row.action_label
            if column == "record":
                return f"{row.entity} {row.entity_id}" if row.entity_id is not None else row.entity
            if column == "customer":
                return _("No. {id}").format(id=row.customer_id) if row.customer_id is not None else ""
            return row.summary
        if role == Qt.ItemDataRole.ToolTipRole and column in ("summary", "action"):
            return row.summary if column == "summary" else row.action
        return None


class AuditLogDialog(QDialog):
    """Browse the audit log: filters by user, customer, action, period and words; newest first, page by page."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditLogDialog")
        self.setWindowTitle(_("Audit log"))
        self.actor = actor
        self.offset = 0
        self.total = 0

        self.user_combo = QComboBox()
        self.user_combo.setObjectName("auditUserCombo")
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("auditActionCombo")
        self.customer_edit = QLineEdit()
        self.customer_edit.setObjectName("auditCustomerEdit")
        self.customer_edit.setPlaceholderText(_("customer No."))
        self.customer_edit.setMaximumWidth(text_width(self.customer_edit, 14))
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("auditTextEdit")
        self.text_edit.setPlaceholderText(_("words in the summary"))
        self.period_check = QCheckBox(_("Period:"))
        self.period_check.setObjectName("auditPeriodCheck")
        today = clock.today()
        self.from_date = QDateEdit(QDate(today.year, today.month, today.day).addDays(-30))
        self.from_date.setObjectName("auditFromDate")
        self.to_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.to_date.setObjectName("auditToDate")
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.period_check.toggled.connect(self.from_date.setEnabled)
        self.period_check.toggled.connect(self.to_date.setEnabled)
        self.search_button = QPushButton(_("&Search"))
        self.search_button.setObjectName("auditSearchButton")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.filter_error = FieldError("auditFilterError")

        self._fill_choices()

        filters = QFormLayout()
        filters.addRow(_("User:"), self.user_combo)
        filters.addRow(_("Action:"), self.action_combo)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Customer:")))
        row.addWidget(self.customer_edit)
        row.addWidget(self.text_edit, 1)
        row.addWidget(self.period_check)
        row.addWidget(self.from_date)
        row.addWidget(QLabel("–"))
        row.addWidget(self.to_date)
        row.addWidget(self.search_button)

        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column, chars in enumerate((19, 10, 18, 14, 10)):
            header.resizeSection(column, text_width(self.table, chars + 2))
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_details())

        self.details = QPlainTextEdit()
        self.details.setObjectName("auditDetails")
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)

        self.prev_button = QPushButton(_("< &Newer"))
        self.prev_button.setObjectName("auditPrevButton")
        self.prev_button.clicked.connect(self.previous_page)
        self.next_button = QPushButton(_("&Older >"))
        self.next_button.setObjectName("auditNextButton")
        self.next_button.clicked.connect(self.next_page)
        self.page_label = QLabel()
        self.page_label.setObjectName("auditPageLabel")
        pager = QHBoxLayout()
        pager.addWidget(self.prev_button)
        pager.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        pager.addWidget(self.next_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Every change and every sign-in, newest first. ID and mobile numbers are "
                                       "stored masked."), "auditExplanation"))
        layout.addLayout(filters)
        layout.addLayout(row)
        layout.addWidget(self.filter_error)
        layout.addWidget(splitter, 1)
        layout.addLayout(pager)
        layout.addWidget(buttons)
        self.resize(text_width(self, 140), text_width(self, 80))
        self.search()

    def _fill_choices(self) -> None:
        self.user_combo.addItem(_("Everyone"), None)
        self.action_combo.addItem(_("All actions"), None)
        try:
            choices = audit.filter_choices(self.actor)
        except ServiceError as error:
            self.filter_error.show_message(error.message)
            return
        for user_id, name in choices.users:
            self.user_combo.addItem(name, user_id)
        for code, label in choices.actions:
            self.action_combo.addItem(label, code)

    def query(self) -> audit.AuditQuery | None:
        """The filters as the service takes them (None, with the reason shown, when one is wrong)."""
        self.filter_error.clear_message()
        customer_text = self.customer_edit.text().strip()
        customer_id = None
        if customer_text:
            if not customer_text.isdigit():
                self.filter_error.show_message(_("A customer number is digits only."))
                return None
            customer_id = int(customer_text)
        date_from = date_to = None
        if self.period_check.isChecked():
            date_from, date_to = self.from_date.date().toPython(), self.to_date.date().toPython()
            if date_from > date_to:
                self.filter_error.show_message(_("The period ends on or after its first day."))
                return None
        return audit.AuditQuery(user_id=self.user_combo.currentData(), customer_id=customer_id,
                                action=self.action_combo.currentData(), date_from=date_from, date_to=date_to,
                                text=self.text_edit.text())

    def search(self) -> None:
        """Run the filters from the newest entry."""
        self.offset = 0
        self._load()

    def next_page(self) -> None:
        if self.offset + PAGE_SIZE < self.total:
            self.offset += PAGE_SIZE
            self._load()

    def previous_page(self) -> None:
        if self.offset > 0:
            self.offset = max(0, self.offset - PAGE_SIZE)
            self._load()

    def _load(self) -> None:
        query = self.query()
        if query is None:
            return
        try:
            with wait_cursor():
                page = audit.search(self.actor, query, self.offset, PAGE_SIZE)
        except ServiceError as error:
            self.filter_error.show_message(error.message)
            return
        self.total = page.total
        self.model.set_rows(page.rows)
        if page.rows:
            self.table.selectRow(0)
        self._show_details()
        last = self.offset + len(page.rows)
        self.page_label.setText(_("{first}–{last} of {total}").format(first=self.offset + 1 if page.rows else 0,
                                                                      last=last, total=page.total))
        self.prev_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(last < page.total)

    def _show_details(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        if row is None:
            self.details.setPlainText("")
            return
        lines = [_("Entry No. {id} · {at} · {user}").format(id=row.id, at=row.at.strftime("%Y-%m-%d %H:%M:%S"),
                                                              user=row.user or "—"),
                 f"{row.action_label} ({row.action})", row.summary, row.details]
        self.details.setPlainText("\n".join(line for line in lines if line))

    @classmethod
    def show_for(cls, actor: User, parent: QWidget | None = None) -> None:
        """Show the browser (Tools → Audit log…)."""
        cls(actor, parent).exec()


class VerifyAuditDialog(QDialog):
    """Tools → Verify audit log: recompute the chain off the UI thread and name the first broken entry, if any."""

    def __init__(self, actor: User, parent: QWidget | None = None, *, start: bool = True):
        super().__init__(parent)
        self.setObjectName("verifyAuditDialog")
        self.setWindowTitle(_("Verify audit log"))
        self.actor = actor
        self.report: audit.ChainReport | None = None
        self.result_label = QLabel(_("Checking every entry of the audit log…"))
        self.result_label.setObjectName("verifyResultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setMinimumWidth(text_width(self.result_label, 56))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._done)
        self.worker.failed.connect(self._failed)
        if start:
            self.start()

    def start(self) -> None:
        """Verify in the background; the label says the result when it is in."""
        actor = self.actor
        self.worker.submit(lambda: audit.verify(actor))

    def _done(self, report: audit.ChainReport) -> None:
        self.report = report
        self.result_label.setText(self.describe(report))

    def _failed(self, error: BaseException) -> None:
        self.result_label.setText(error.message if isinstance(error, ServiceError) else
                                  _("The audit log could not be checked: {error}").format(error=error))

    @staticmethod
    def describe(report: audit.ChainReport) -> str:
        """The result in words: all N entries verify, or which entry is the first that does not."""
        if report.ok:
            return ngettext("The audit log is intact: its {n} entry verifies.",
                            "The audit log is intact: all {n} entries verify.", report.checked).format(
                n=report.checked)
        when = report.broken_at.strftime("%Y-%m-%d %H:%M:%S") if report.broken_at else "?"
        return _("The audit log was changed outside the program: entry No. {id} ({when}, {action}) does not match "
                 "its hash, so it and the entries after it cannot be trusted. {n} entries were checked.").format(
            id=report.first_broken_id, when=when, action=audit.action_label(report.broken_action),
            n=report.checked)

    def done(self, result: int) -> None:  # noqa: D102 - Qt override: wait for the background check
        self.worker.cancel()
        self.worker.wait(30_000)
        super().done(result)

    @classmethod
    def show_for(cls, actor: User, parent: QWidget | None = None) -> None:
        """Show the dialog (Tools → Verify audit log)."""
        cls(actor, parent).exec()
