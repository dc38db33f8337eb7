"""Harassing callers (骚扰电话): mark a number, log a call in a few clicks, and the supervisor's list by number."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import complaints, labels
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import ASSIGN, REPORTS, allowed
from desktop_cs.views.common import FieldError, error_cell, explanation, text_width, wait_cursor
from desktop_cs.views.complaints.complaint_dialog import WARNING_STYLE

if TYPE_CHECKING:
    from desktop_cs.models import User


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


class HarassingDialog(QDialog):
    """Log a harassing call (the number is marked by it) or only mark a number; supervisors see the list."""

    def __init__(self, actor: User, number: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("harassingDialog")
        self.setWindowTitle(_("Harassing callers"))
        self.actor = actor
        self.logged = 0

        self.number_edit = QLineEdit(number)
        self.number_edit.setObjectName("harassingNumberEdit")
        self.number_edit.setPlaceholderText(_("the caller's number"))
        self.warning = QLabel()
        self.warning.setObjectName("harassingWarning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("harassingChannelCombo")
        for code, text in labels.choices(labels.COMPLAINT_CHANNELS):
            self.channel_combo.addItem(text, code)
        self.summary_edit = QLineEdit()
        self.summary_edit.setObjectName("harassingSummaryEdit")
        self.summary_edit.setPlaceholderText(_("what happened, in a few words"))
        self.number_error = FieldError("harassingNumberError")
        self.message = QLabel()
        self.message.setObjectName("harassingMessage")
        self.message.setWordWrap(True)

        self.log_button = QPushButton(_("Log this call"))
        self.log_button.setObjectName("logHarassingCallButton")
        self.log_button.setDefault(True)
        self.log_button.clicked.connect(self.log_call)
        self.mark_button = QPushButton(_("Only mark the number"))
        self.mark_button.setObjectName("markHarassingButton")
        self.mark_button.setAutoDefault(False)
        self.mark_button.clicked.connect(self.mark)

        form = QFormLayout()
        form.addRow(_("Number:"), error_cell(self.number_edit, self.number_error, self.warning))
        form.addRow(_("Channel:"), self.channel_combo)
        form.addRow(_("Summary:"), self.summary_edit)
        actions = QHBoxLayout()
        actions.addWidget(self.log_button)
        actions.addWidget(self.mark_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("End a harassing call at once, calmly; log it here so the supervisor can see "
                                       "how often and from where such calls come.")))
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.message)

        self.table: QTableWidget | None = None
        if allowed(actor, REPORTS):
            self.table = QTableWidget(0, 7)
            self.table.setObjectName("harassingTable")
            self.table.setHorizontalHeaderLabels([_("Number"), _("Calls"), _("Last 30 days"), _("First call"),
                                                  _("Last call"), _("Marked by"), _("Reason")])
            self.table.verticalHeader().hide()
            self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            self.table.horizontalHeader().setStretchLastSection(True)
            self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.table.setMinimumHeight(self.fontMetrics().height() * 12)
            self.unmark_button = QPushButton(_("Remove the mark"))
            self.unmark_button.setObjectName("unmarkHarassingButton")
            self.unmark_button.setAutoDefault(False)
            self.unmark_button.clicked.connect(self.unmark)
            self.unmark_button.setVisible(allowed(actor, ASSIGN))
            layout.addWidget(QLabel(_("Marked numbers, most calls first:")))
            layout.addWidget(self.table, 1)
            layout.addWidget(self.unmark_button, 0, Qt.AlignmentFlag.AlignLeft)
            self.refresh_list()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 100 if self.table is not None else 60))
        self.number_edit.textChanged.connect(self._number_changed)
        self._number_changed(number)

    def _number_changed(self, text: str) -> None:
        self.number_error.clear_message()
        info = complaints.harassing_info(text) if text.strip() else None
        self.warning.setText(_("Already marked: {text}").format(text=info.warning()) if info else "")
        self.warning.setVisible(info is not None)

    def log_call(self) -> bool:
        try:
            with wait_cursor():
                complaints.log_harassing_call(self.actor, self.number_edit.text(), self.summary_edit.text(),
                                              self.channel_combo.currentData())
        except ServiceError as error:
            self.number_error.show_message(error.message)
            return False
        self.logged += 1
        self.message.setText(_("The call was logged."))
        self.summary_edit.clear()
        self._number_changed(self.number_edit.text())
        self.refresh_list()
        return True

    def mark(self) -> bool:
        try:
            complaints.mark_harassing(self.actor, self.number_edit.text(), self.summary_edit.text())
        except ServiceError as error:
            self.number_error.show_message(error.message)
            return False
        self.message.setText(_("The number is marked as a harassing caller."))
        self._number_changed(self.number_edit.text())
        self.refresh_list()
        return True

    def refresh_list(self) -> None:
        if self.table is None:
            return
        rows = complaints.harassing_list(self.actor)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (r.number, str(r.calls_total), str(r.calls_30), _when(r.first_at), _when(r.last_at),
                      r.marked_by, r.reason)
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r.id)
                if j in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def unmark(self) -> None:
        if self.table is None or self.table.currentRow() < 0:
            return
        number_id = self.table.item(self.table.currentRow(), 0).data(Qt.ItemDataRole.UserRole)
        try:
            complaints.unmark_harassing(self.actor, number_id)
        except ServiceError as error:
            self.message.setText(error.message)
            return
        self.refresh_list()

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, number: str = "") -> int:
        """Show the dialog; how many calls were logged."""
        dialog = cls(actor, number, parent)
        dialog.exec()
        return dialog.logged
