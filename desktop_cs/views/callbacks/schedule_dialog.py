"""Plan a callback by hand: customer, time (quiet hours warn and ask), purpose, method, who calls."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QTime, QTimer
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services import calendar as workcal
from desktop_cs.services import callbacks, customers, labels
from desktop_cs.services.callbacks import QuietHoursWarning
from desktop_cs.services.customers import CustomerQuery
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.services.permissions import ASSIGN, allowed
from desktop_cs.views.callbacks.record_dialog import ask_quiet_time, wait_cursor
from desktop_cs.views.common import FieldError, explanation, field_with_error, text_width
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

SEARCH_DELAY_MS = 250


class ScheduleDialog(QDialog):
    """A new callback planned by hand; the calendar's advice (next allowed time, unofficial year) shows live."""

    def __init__(self, actor: User, customer_id: int | None = None, customer_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self.setWindowTitle(_("Schedule a callback"))
        self.actor = actor
        self.callback_id: int | None = None

        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("customerCombo")
        self.customer_combo.setEditable(customer_id is None)
        self.customer_combo.setMinimumWidth(text_width(self.customer_combo, 36))
        if customer_id is not None:
            self.customer_combo.addItem(customer_name or str(customer_id), customer_id)
        else:
            self.customer_combo.lineEdit().setPlaceholderText(_("Type a name, pinyin or mobile to find the customer"))
            self._search_timer = QTimer(self)
            self._search_timer.setSingleShot(True)
            self._search_timer.setInterval(SEARCH_DELAY_MS)
            self._search_timer.timeout.connect(self._search)
            self.customer_combo.lineEdit().textEdited.connect(lambda _t: self._search_timer.start())

        start = workcal.next_allowed_time(clock.now() + dt.timedelta(hours=1))
        self.due_edit = QDateTimeEdit(QDateTime(start.date(), QTime(start.hour, start.minute)))
        self.due_edit.setObjectName("dueEdit")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due_edit.dateTimeChanged.connect(self._due_changed)
        self.advice = QLabel()
        self.advice.setObjectName("dueAdvice")
        self.advice.setWordWrap(True)

        self.purpose_combo = QComboBox()
        self.purpose_combo.setObjectName("purposeCombo")
        for code, text in labels.choices(labels.CALLBACK_PURPOSES):
            self.purpose_combo.addItem(text, code)
        self.purpose_combo.setCurrentIndex(self.purpose_combo.findData("other"))
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("methodCombo")
        for code, text in labels.choices(labels.CALLBACK_METHODS):
            self.method_combo.addItem(text, code)
        self.assignee_combo = QComboBox()
        self.assignee_combo.setObjectName("assigneeCombo")
        self.assignee_combo.addItem(_("The customer's specialist"), None)
        if allowed(actor, ASSIGN):
            for user_id, name in callbacks.team_members():
                self.assignee_combo.addItem(name, user_id)
        else:
            self.assignee_combo.addItem(_("Me"), actor.id)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("scheduleNotesEdit")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 3 + 12)

        self.errors = {name: FieldError(f"{name.replace('_', '')}Error") for name in
                       ("customer", "due_at", "purpose", "method", "assigned_to", "notes")}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Customer:"), field_with_error(self.customer_combo, self.errors["customer"]))
        form.addRow(_("When:"), field_with_error(self.due_edit, self.errors["due_at"]))
        form.addRow("", self.advice)
        form.addRow(_("Purpose:"), field_with_error(self.purpose_combo, self.errors["purpose"]))
        form.addRow(_("Method:"), field_with_error(self.method_combo, self.errors["method"]))
        form.addRow(_("Who calls:"), field_with_error(self.assignee_combo, self.errors["assigned_to"]))
        form.addRow(_("Notes:"), field_with_error(self.notes_edit, self.errors["notes"]))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Schedule"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("scheduleButton")
        self.save_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Callbacks are made on working days outside the customers' quiet hours; "
                                       "another time is possible after a warning."), "scheduleExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self._due_changed()

    def _search(self) -> None:
        text = self.customer_combo.currentText().strip()
        if len(text) < 1:
            return
        try:
            rows = customers.search_page(self.actor, CustomerQuery(text=text, all_customers=True), 0, 20)
        except ServiceError:
            return
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        for row in rows:
            self.customer_combo.addItem(f"{row.name} · {row.mobile}" if row.mobile else row.name, row.id)
        self.customer_combo.setEditText(text)
        self.customer_combo.blockSignals(False)
        if rows:
            self.customer_combo.showPopup()

    def due_at(self) -> dt.datetime:
        return self.due_edit.dateTime().toPython().replace(second=0, microsecond=0)

    def _due_changed(self, *_args) -> None:
        due = self.due_at()
        cal = workcal.snapshot()
        notes = []
        if not cal.is_allowed(due):
            notes.append(_("Quiet hours or a non-working day: the next suitable time is {time}.").format(
                time=cal.next_allowed_time(due).strftime("%Y-%m-%d %H:%M")))
        notice = workcal.unofficial_year_notice(due.date())
        if notice:
            notes.append(notice)
        self.advice.setText("\n".join(notes))
        self.advice.setVisible(bool(notes))

    def _customer_id(self) -> int | None:
        """The customer picked (a typed text matching one found customer counts as picking it)."""
        if not self.customer_combo.isEditable():
            return self.customer_combo.currentData()
        index = self.customer_combo.findText(self.customer_combo.currentText())
        if index >= 0:
            return self.customer_combo.itemData(index)
        return self.customer_combo.itemData(0) if self.customer_combo.count() == 1 else None

    def save(self) -> bool:
        for error in self.errors.values():
            error.clear_message()
        self.general_error.clear_message()
        customer_id = self._customer_id()
        if customer_id is None:
            self.errors["customer"].show_message(_("Choose the customer."))
            return False
        when = self.due_at()
        confirm = False
        while True:
            try:
                with wait_cursor():
                    self.callback_id = callbacks.schedule(
                        self.actor, customer_id, when, self.purpose_combo.currentData(),
                        self.method_combo.currentData(), self.assignee_combo.currentData(),
                        self.notes_edit.toPlainText(), confirm_quiet=confirm)
                break
            except QuietHoursWarning as warning:
                choice = ask_quiet_time(self, warning)
                if choice is None:
                    return False
                if choice == "suggested":
                    when = warning.suggestion
                confirm = True
            except FormErrors as exc:
                for name, message in exc.errors.items():
                    (self.errors.get(name) or self.general_error).show_message(message)
                return False
            except ValidationError as exc:
                (self.errors.get(exc.field or "") or self.general_error).show_message(exc.message)
                return False
            except ServiceError as exc:
                self.general_error.show_message(exc.message)
                return False
        events().customersChanged.emit([customer_id])
        self.accept()
        return True

    @classmethod
    def ask(cls, actor: User, customer_id: int | None = None, customer_name: str = "",
            parent: QWidget | None = None) -> int | None:
        dialog = cls(actor, customer_id, customer_name, parent)
        dialog.exec()
        return dialog.callback_id
