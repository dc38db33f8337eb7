"""The supervisor's complaint lists: categories (which are about service attitude), root causes, and the deadlines of
each severity in working hours."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import complaints
from desktop_cs.services.errors import FormErrors, ServiceError
from desktop_cs.views.common import FieldError, explanation, text_width

if TYPE_CHECKING:
    from desktop_cs.models import User


class _NamedList(QWidget):
    """A list of names (categories or root causes): pick a row to change it, or add a new one."""

    def __init__(self, prefix: str, with_attitude: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.with_attitude = with_attitude
        columns = [_("Name"), _("Order"), _("In use")] + ([_("Service attitude")] if with_attitude else [])
        self.table = QTableWidget(0, len(columns))
        self.table.setObjectName(f"{prefix}Table")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_a: self._picked())
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName(f"{prefix}NameEdit")
        self.order_spin = QSpinBox()
        self.order_spin.setRange(0, 999)
        self.active_check = QCheckBox(_("In use"))
        self.active_check.setChecked(True)
        self.attitude_check = QCheckBox(_("About service attitude"))
        self.attitude_check.setVisible(with_attitude)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName(f"{prefix}SaveButton")
        self.new_button = QPushButton(_("New"))
        self.new_button.clicked.connect(self._new)
        self.error = FieldError(f"{prefix}Error")
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.name_edit, 2)
        edit_row.addWidget(QLabel(_("Order:")))
        edit_row.addWidget(self.order_spin)
        edit_row.addWidget(self.active_check)
        edit_row.addWidget(self.attitude_check)
        edit_row.addWidget(self.save_button)
        edit_row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(edit_row)
        layout.addWidget(self.error)
        self.current_id: int | None = None
        self.rows: list = []

    def fill(self, rows: list) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [r.name, str(r.sort_order), _("yes") if r.active else _("no")]
            if self.with_attitude:
                values.append(_("yes") if r.is_attitude else "")
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def _picked(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        r = self.rows[row]
        self.current_id = r.id
        self.name_edit.setText(r.name)
        self.order_spin.setValue(r.sort_order)
        self.active_check.setChecked(r.active)
        self.attitude_check.setChecked(bool(getattr(r, "is_attitude", False)))

    def _new(self) -> None:
        self.current_id = None
        self.table.clearSelection()
        self.name_edit.clear()
        self.order_spin.setValue(len(self.rows) + 1)
        self.active_check.setChecked(True)
        self.attitude_check.setChecked(False)
        self.name_edit.setFocus()


class ComplaintListsDialog(QDialog):
    """Categories, root causes and severity targets, edited by a supervisor (changes are audited)."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintListsDialog")
        self.setWindowTitle(_("Complaint lists"))
        self.actor = actor
        self.changed = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("complaintListsTabs")
        self.categories = _NamedList("category", True)
        self.categories.save_button.clicked.connect(self.save_category)
        self.causes = _NamedList("rootCause", False)
        self.causes.save_button.clicked.connect(self.save_root_cause)
        self.tabs.addTab(self.categories, _("Categories"))
        self.tabs.addTab(self.causes, _("Root causes"))
        self.tabs.addTab(self._targets_page(), _("Deadlines"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.setMinimumSize(text_width(self, 90), self.fontMetrics().height() * 26)
        self.reload()

    def _targets_page(self) -> QWidget:
        page = QWidget()
        self.targets_table = QTableWidget(0, 3)
        self.targets_table.setObjectName("targetsTable")
        self.targets_table.setHorizontalHeaderLabels([_("Severity"), _("First response (working hours)"),
                                                      _("Resolution (working hours)")])
        self.targets_table.verticalHeader().hide()
        self.targets_table.horizontalHeader().setStretchLastSection(True)
        self.targets_error = FieldError("targetsError")
        self.targets_error.setWordWrap(True)
        save = QPushButton(_("Save deadlines"))
        save.setObjectName("targetsSaveButton")
        save.clicked.connect(self.save_targets)
        layout = QVBoxLayout(page)
        layout.addWidget(explanation(_("Deadlines count working hours only: quiet hours, weekends and holidays do not "
                                       "count. New complaints use the deadlines in force when they are received.")))
        layout.addWidget(self.targets_table, 1)
        layout.addWidget(self.targets_error)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def reload(self) -> None:
        self.categories.fill(complaints.categories(include_inactive=True))
        self.causes.fill(complaints.root_causes(include_inactive=True))
        targets = complaints.severity_targets()
        self.targets_table.setRowCount(len(targets))
        self.target_spins: list[tuple[str, QSpinBox, QSpinBox]] = []
        for i, t in enumerate(targets):
            self.targets_table.setItem(i, 0, QTableWidgetItem(t.label))
            spins = []
            for j, value in ((1, t.first_response_hours), (2, t.resolution_hours)):
                spin = QSpinBox()
                spin.setRange(1, 1000)
                spin.setValue(value)
                spin.setObjectName(f"target_{t.severity}_{j}")
                self.targets_table.setCellWidget(i, j, spin)
                spins.append(spin)
            self.target_spins.append((t.severity, spins[0], spins[1]))
        self.targets_table.resizeColumnsToContents()

    def _save_named(self, widget: _NamedList, fn) -> bool:
        widget.error.clear_message()
        try:
            fn()
        except ServiceError as error:
            widget.error.show_message(error.message)
            return False
        self.changed = True
        self.reload()
        return True

    def save_category(self) -> bool:
        w = self.categories
        return self._save_named(w, lambda: complaints.save_category(
            self.actor, w.current_id, w.name_edit.text(), w.attitude_check.isChecked(), w.order_spin.value(),
            w.active_check.isChecked()))

    def save_root_cause(self) -> bool:
        w = self.causes
        return self._save_named(w, lambda: complaints.save_root_cause(
            self.actor, w.current_id, w.name_edit.text(), w.order_spin.value(), w.active_check.isChecked()))

    def save_targets(self) -> bool:
        self.targets_error.clear_message()
        try:
            for severity, first, resolution in self.target_spins:
                complaints.save_severity_target(self.actor, severity, first.value(), resolution.value())
        except FormErrors as error:
            self.targets_error.show_message(" ".join(error.errors.values()))
            return False
        except ServiceError as error:
            self.targets_error.show_message(error.message)
            return False
        self.changed = True
        self.targets_error.show_message(_("Saved."))
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User) -> bool:
        """Edit the lists; True when something was saved."""
        dialog = cls(actor, parent)
        dialog.exec()
        return dialog.changed
