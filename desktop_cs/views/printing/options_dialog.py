"""The small question before a document is built: which period, which specialist (or the team), blank forms,
full ID and mobile numbers (supervisors only)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.services import callbacks
from desktop_cs.services.permissions import REPORTS, UNMASK, allowed
from desktop_cs.views.common import FieldError, explanation

if TYPE_CHECKING:
    from desktop_cs.models import User

#: what each kind of document asks: period, specialist, blank, full values
ASKS = {
    "callback_forms": ("period", "specialist", "blank", "full_values"),
    "callback_summary": ("period", "specialist"),
    "complaint_report": ("period",),
    "points_statement": ("full_values",),
    "points_summary": ("period",),
    "staff_report": ("period", "specialist"),
    "enquiry_summary": ("period", "specialist"),
}

PERIODS = (("today", N_("Today")), ("this_week", N_("This week")), ("this_month", N_("This month")),
           ("last_month", N_("Last month")), ("last_30", N_("Last 30 days")), ("this_year", N_("This year")),
           ("last_365", N_("The last 12 months")), ("custom", N_("Custom")))


def period_dates(code: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a named period (None for "custom")."""
    if code == "today":
        return today, today
    if code == "this_week":
        start = today - dt.timedelta(days=today.weekday())
        return start, today
    if code == "this_month":
        return today.replace(day=1), today
    if code == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if code == "last_30":
        return today - dt.timedelta(days=29), today
    if code == "this_year":
        return today.replace(month=1, day=1), today
    if code == "last_365":
        return today - dt.timedelta(days=364), today
    return None


@dataclass
class PrintOptions:
    """The answers: the period (inclusive), the specialist (None = the team), blank forms, full values."""

    date_from: dt.date
    date_to: dt.date
    specialist_id: int | None = None
    blank: bool = False
    full_values: bool = False


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class PrintOptionsDialog(QDialog):
    """Asks what a document of KIND needs; ``ask`` returns the options or None when cancelled."""

    def __init__(self, actor: User, kind: str, title: str, parent: QWidget | None = None,
                 default_period: str = "this_month"):
        super().__init__(parent)
        self.setObjectName("printOptionsDialog")
        self.setWindowTitle(title)
        self.actor = actor
        self.kind = kind
        asks = ASKS[kind]
        form = QFormLayout()
        today = clock.today()

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        for code, text in PERIODS:
            self.period_combo.addItem(_(text), code)
        self.from_edit = self._date_edit("fromDateEdit", today)
        self.to_edit = self._date_edit("toDateEdit", today)
        dates = QHBoxLayout()
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("—"))
        dates.addWidget(self.to_edit)
        dates.addStretch(1)
        self.date_error = FieldError("dateError")
        if "period" in asks:
            form.addRow(_("Period"), self.period_combo)
            form.addRow(_("From / to"), dates)
            form.addRow("", self.date_error)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._dates_edited)
        index = self.period_combo.findData(default_period)
        self.period_combo.setCurrentIndex(max(index, 0))
        self._period_changed()

        self.specialist_combo = QComboBox()
        self.specialist_combo.setObjectName("specialistCombo")
        if allowed(actor, REPORTS):
            self.specialist_combo.addItem(_("The whole team"), None)
            for user_id, name in callbacks.team_members():
                self.specialist_combo.addItem(name, user_id)
        else:
            self.specialist_combo.addItem(actor.display_name, actor.id)
            self.specialist_combo.setEnabled(False)
        if "specialist" in asks:
            form.addRow(_("Specialist"), self.specialist_combo)

        self.blank_check = QCheckBox(_("Blank forms to fill in by hand (the plan is printed, the result boxes "
                                       "stay empty)"))
        self.blank_check.setObjectName("blankCheck")
        if "blank" in asks:
            form.addRow("", self.blank_check)
        self.full_values_check = QCheckBox(_("Print full ID and mobile numbers (recorded in the audit log and "
                                             "stamped on every page)"))
        self.full_values_check.setObjectName("fullValuesCheck")
        if "full_values" in asks and allowed(actor, UNMASK):
            form.addRow("", self.full_values_check)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Preview"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("previewButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Choose what to print; the document opens in a preview first.")))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _date_edit(self, object_name: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setObjectName(object_name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _period_changed(self, *_args) -> None:
        dates = period_dates(self.period_combo.currentData(), clock.today())
        if dates is None:
            return
        self._setting = True
        try:
            self.from_edit.setDate(_qdate(dates[0]))
            self.to_edit.setDate(_qdate(dates[1]))
        finally:
            self._setting = False

    def _dates_edited(self, *_args) -> None:
        if getattr(self, "_setting", False):
            return
        custom = self.period_combo.findData("custom")
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentIndex(custom)
        self.period_combo.blockSignals(False)

    def options(self) -> PrintOptions:
        return PrintOptions(self.from_edit.date().toPython(), self.to_edit.date().toPython(),
                            self.specialist_combo.currentData() if "specialist" in ASKS[self.kind] else None,
                            self.blank_check.isChecked(),
                            self.full_values_check.isChecked() and allowed(self.actor, UNMASK))

    def accept(self) -> None:
        chosen = self.options()
        if "period" in ASKS[self.kind] and chosen.date_to < chosen.date_from:
            self.date_error.show_message(_("The period ends before it starts."))
            return
        self.date_error.clear_message()
        super().accept()

    @classmethod
    def ask(cls, actor: User, kind: str, title: str, parent: QWidget | None = None,
            default_period: str = "this_month") -> PrintOptions | None:
        dialog = cls(actor, kind, title, parent, default_period)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.options()
