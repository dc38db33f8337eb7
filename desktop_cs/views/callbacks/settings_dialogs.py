"""The supervisor's callback settings: the rule table, the calendar overrides (official schedule) and quiet hours."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services import calendar as workcal
from desktop_cs.services import callbacks, labels
from desktop_cs.services.errors import FormErrors, ServiceError
from desktop_cs.views.common import FieldError, explanation, text_width
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User


def _buttons(dialog: QDialog, ok_text: str, ok_slot) -> QDialogButtonBox:
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName("saveButton")
    ok.setDefault(True)
    close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
    close.setObjectName("closeButton")
    ok.clicked.connect(ok_slot)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _combo(table: dict[str, str], current: str) -> QComboBox:
    combo = QComboBox()
    for code, text in labels.choices(table):
        combo.addItem(text, code)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class RulesDialog(QDialog):
    """The rules that create callbacks by themselves: delay, purpose, method, on/off (the trigger is fixed)."""

    NAME, TRIGGER, DELAY, PURPOSE, METHOD, ACTIVE = range(6)

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle(_("Callback rules"))
        self.actor = actor
        self.rules = callbacks.list_rules()
        self.table = QTableWidget(len(self.rules), 6)
        self.table.setObjectName("rulesTable")
        self.table.setHorizontalHeaderLabels([_("Name"), _("When"), _("Within / after (days)"), _("Purpose"),
                                              _("Method"), _("On")])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, rule in enumerate(self.rules):
            self.table.setItem(row, self.NAME, QTableWidgetItem(rule.name))
            trigger = QTableWidgetItem(rule.trigger_label)
            trigger.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, self.TRIGGER, trigger)
            delay = QSpinBox()
            delay.setRange(0, 365)
            delay.setValue(rule.delay_days)
            self.table.setCellWidget(row, self.DELAY, delay)
            self.table.setCellWidget(row, self.PURPOSE, _combo(labels.CALLBACK_PURPOSES, rule.purpose))
            self.table.setCellWidget(row, self.METHOD, _combo(labels.CALLBACK_METHODS, rule.method))
            active = QCheckBox()
            active.setChecked(rule.active)
            self.table.setCellWidget(row, self.ACTIVE, active)
        self.error = FieldError("formError")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Each rule writes a callback by itself, due within its days, assigned to the "
                                       "customer's specialist, on a working day outside quiet hours. First "
                                       "investment, maturity, inactivity and points expiry need data the "
                                       "platform does not send yet."), "rulesExplanation"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, _("Save"), self.save))
        self.setMinimumWidth(text_width(self, 100))

    def save(self) -> bool:
        self.error.clear_message()
        try:
            for row, rule in enumerate(self.rules):
                name_item = self.table.item(row, self.NAME)
                callbacks.save_rule(self.actor, rule.id, name_item.text() if name_item else rule.name,
                                    self.table.cellWidget(row, self.DELAY).value(),
                                    self.table.cellWidget(row, self.PURPOSE).currentData(),
                                    self.table.cellWidget(row, self.METHOD).currentData(),
                                    self.table.cellWidget(row, self.ACTIVE).isChecked())
        except ServiceError as exc:
            self.error.show_message(_("{rule}: {message}").format(rule=rule.trigger_label, message=exc.message))
            return False
        self.accept()
        return True


class CalendarDialog(QDialog):
    """The official schedule of working days: the library's holidays for reference, the overrides that win."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("calendarDialog")
        self.setWindowTitle(_("Working-day calendar"))
        self.actor = actor
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("calendarYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(clock.today().year)
        self.year_spin.valueChanged.connect(self.load)
        self.status_label = QLabel()
        self.status_label.setObjectName("calendarYearStatus")
        self.status_label.setWordWrap(True)

        self.library_table = self._table("libraryTable", [_("Day"), _("Kind"), _("Name")])
        self.override_table = self._table("overrideTable", [_("Day"), _("Kind"), _("Note")])
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setObjectName("overrideDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("overrideKind")
        self.kind_combo.addItem(_("Day off"), False)
        self.kind_combo.addItem(_("Working day"), True)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("overrideNote")
        self.note_edit.setMaxLength(64)
        self.note_edit.setPlaceholderText(_("e.g. National Day, make-up day"))
        self.add_button = QPushButton(_("Add / change"))
        self.add_button.setObjectName("addOverrideButton")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton(_("Remove selected"))
        self.delete_button.setObjectName("deleteOverrideButton")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.error = FieldError("formError")
        self.error.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:")))
        top.addWidget(self.year_spin)
        top.addWidget(self.status_label, 1)
        tables = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel(_("Statutory holidays (from the holidays library):")))
        left.addWidget(self.library_table)
        right.addWidget(QLabel(_("Overrides (they win):")))
        right.addWidget(self.override_table)
        tables.addLayout(left)
        tables.addLayout(right)
        add_row = QHBoxLayout()
        for widget in (self.day_edit, self.kind_combo):
            add_row.addWidget(widget)
        add_row.addWidget(self.note_edit, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.delete_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("When the State Council publishes a year's holiday schedule and the library "
                                       "does not have it yet, enter its days off and make-up working days here."),
                                     "calendarExplanation"))
        layout.addLayout(top)
        layout.addLayout(tables, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.setMinimumSize(text_width(self, 100), 420)
        self.load()

    def _table(self, object_name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(object_name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[dt.date, bool, str]]) -> None:
        table.setRowCount(len(rows))
        for i, (day, working, text) in enumerate(rows):
            item = QTableWidgetItem(day.isoformat())
            item.setData(Qt.ItemDataRole.UserRole, day)
            table.setItem(i, 0, item)
            table.setItem(i, 1, QTableWidgetItem(_("Working day") if working else _("Day off")))
            table.setItem(i, 2, QTableWidgetItem(text))
        table.resizeColumnsToContents()

    def load(self, *_args) -> None:
        year = self.year_spin.value()
        self._fill(self.library_table, workcal.library_schedule(year))
        self._fill(self.override_table, [(o.day, o.is_workday, o.note) for o in workcal.list_overrides(year)])
        self.status_label.setText(workcal.unofficial_year_notice(dt.date(year, 1, 1))
                                  or _("The official schedule of {year} is known.").format(year=year))

    def add(self) -> None:
        self.error.clear_message()
        try:
            workcal.save_override(self.actor, self.day_edit.date().toPython(), self.kind_combo.currentData(),
                                  self.note_edit.text())
        except ServiceError as exc:
            self.error.show_message(exc.message)
            return
        self.note_edit.clear()
        self.load()
        events().callbacksChanged.emit()

    def delete_selected(self) -> None:
        rows = {index.row() for index in self.override_table.selectionModel().selectedRows()}
        try:
            for row in rows:
                workcal.delete_override(self.actor, self.override_table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        except ServiceError as exc:
            self.error.show_message(exc.message)
        self.load()


class QuietHoursDialog(QDialog):
    """The customers' rest time (一个避免): no callback is planned in these periods."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quietHoursDialog")
        self.setWindowTitle(_("Quiet hours"))
        self.actor = actor
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("quietHoursTable")
        self.table.setHorizontalHeaderLabels([_("From"), _("To")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(_("Add period"))
        self.add_button.setObjectName("addQuietPeriodButton")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self._append("", ""))
        self.remove_button = QPushButton(_("Remove period"))
        self.remove_button.setObjectName("removeQuietPeriodButton")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.defaults_button = QPushButton(_("Defaults"))
        self.defaults_button.setObjectName("quietDefaultsButton")
        self.defaults_button.setAutoDefault(False)
        self.defaults_button.clicked.connect(lambda: self._load(workcal.DEFAULT_QUIET_HOURS))
        self.error = FieldError("formError")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.defaults_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Times as HH:MM; 24:00 is midnight. Rules never plan a callback in these "
                                       "periods; planning one by hand asks first."), "quietHoursExplanation"))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, _("Save"), self.save))
        self._load(workcal.quiet_hours())

    def _append(self, start: str, end: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(start))
        self.table.setItem(row, 1, QTableWidgetItem(end))

    def _load(self, periods) -> None:
        self.table.setRowCount(0)
        for start, end in periods:
            self._append(start, end)

    def periods(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            start, end = (self.table.item(row, c).text().strip() if self.table.item(row, c) else "" for c in (0, 1))
            if start or end:
                out.append((start, end))
        return out

    def save(self) -> bool:
        self.error.clear_message()
        try:
            workcal.set_quiet_hours(self.actor, self.periods())
        except FormErrors as exc:
            field, message = next(iter(exc.errors.items()))
            number = int(field.rsplit("_", 1)[-1]) + 1 if field.startswith("period_") else 1
            self.error.show_message(_("Period {n}: {message}").format(n=number, message=message))
            return False
        except ServiceError as exc:
            self.error.show_message(exc.message)
            return False
        events().callbacksChanged.emit()
        self.accept()
        return True
