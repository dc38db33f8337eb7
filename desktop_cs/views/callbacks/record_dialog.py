"""The callback record form (回访记录表) on screen, with the standard script (001 回访标准及用语) beside it."""
from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Iterator

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGroupBox,
                               QHBoxLayout, QLabel, QMenu, QMessageBox, QPlainTextEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import calendar as workcal
from desktop_cs.services import callbacks, labels
from desktop_cs.services.callbacks import CallbackDetail, QuietHoursWarning, RecordResult, RescheduleResult
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import FieldError, field_with_error, show_error, text_width
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User



def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """The busy cursor while a service call runs."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def _combo(object_name: str, items: list[tuple[str, str]], placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(object_name)
    combo.addItem(placeholder, None)
    for code, text in items:
        combo.addItem(text, code)
    return combo


def ask_quiet_time(parent: QWidget | None, warning: QuietHoursWarning) -> str | None:
    """Ask what to do with a time in quiet hours: "suggested", "keep" or None (cancel). Tests patch this."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Quiet hours"), warning.message, parent=parent)
    box.setObjectName("quietHoursQuestion")
    suggested = box.addButton(_("Use {time}").format(time=warning.suggestion.strftime("%m-%d %H:%M")),
                              QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(_("Keep my time"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(suggested)
    box.exec()
    clicked = box.clickedButton()
    return "suggested" if clicked is suggested else ("keep" if clicked is keep else None)


def ask_open_complaint(parent: QWidget | None, customer_name: str) -> bool:
    """The offer to open a complaint from an unsatisfied result (tests patch QMessageBox.question)."""
    answer = QMessageBox.question(
        parent, _("Open a complaint?"),
        _("{name} is not satisfied. Open a complaint with the customer and their words filled in?").format(
            name=customer_name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


class PickTimeDialog(QDialog):
    """Pick a date and time for the next try."""

    def __init__(self, start: dt.datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pickTimeDialog")
        self.setWindowTitle(_("Call again at"))
        self.edit = QDateTimeEdit(QDateTime(start.date(), QTime(start.hour, start.minute)))
        self.edit.setObjectName("pickTimeEdit")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setMinimumDateTime(QDateTime(clock.now().date(), QTime(0, 0)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    def value(self) -> dt.datetime:
        return self.edit.dateTime().toPython().replace(second=0, microsecond=0)

    @classmethod
    def ask(cls, start: dt.datetime, parent: QWidget | None = None) -> dt.datetime | None:
        dialog = cls(start, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


class ScriptPanel(QGroupBox):
    """The standard script: opening, the satisfaction question, and the follow-up and closing that match the
    satisfaction chosen (satisfied / average or unsatisfied)."""

    def __init__(self, script: callbacks.Script, parent: QWidget | None = None):
        super().__init__(_("Standard script"), parent)
        self.setObjectName("scriptPanel")
        self.script = script
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        self.labels: dict[str, QLabel] = {}
        for key, title in (("opening", _("Opening")), ("question", _("Question")), ("follow_up", _("Follow-up")),
                           ("closing", _("Closing"))):
            heading = QLabel(f"<b>{title}</b>")
            heading.setObjectName(f"script{key.title().replace('_', '')}Heading")
            text = QLabel()
            text.setObjectName(f"script{key.title().replace('_', '')}Text")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setMinimumWidth(text_width(text, 38))
            layout.addWidget(heading)
            layout.addWidget(text)
            self.labels[key] = text
            self.labels[key + "_heading"] = heading
        self.labels["opening"].setText(script.opening)
        self.labels["question"].setText(script.question)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        tip = QLabel(script.tip)
        tip.setObjectName("scriptTip")
        tip.setWordWrap(True)
        tip.setStyleSheet("color: palette(mid);")
        layout.addWidget(tip)
        layout.addStretch(1)
        self.set_satisfaction(None)

    def set_satisfaction(self, satisfaction: str | None) -> None:
        """Show the follow-up question and closing for SATISFACTION (both variants while none is chosen)."""
        s = self.script
        if satisfaction is None:
            self.labels["follow_up"].setText(_("[Satisfied] {a}\n[Average / unsatisfied] {b}").format(
                a=s.follow_up_satisfied, b=s.follow_up_other))
            self.labels["closing"].setText(_("[Satisfied] {a}\n[Average / unsatisfied] {b}").format(
                a=s.closing_satisfied, b=s.closing_other))
            return
        which = _("Satisfied") if satisfaction == "satisfied" else _("Average / unsatisfied")
        self.labels["follow_up_heading"].setText(f"<b>{_('Follow-up')}</b> ({which})")
        self.labels["closing_heading"].setText(f"<b>{_('Closing')}</b> ({which})")
        self.labels["follow_up"].setText(s.follow_up(satisfaction))
        self.labels["closing"].setText(s.closing(satisfaction))


class CallbackRecordDialog(QDialog):
    """Record one callback's result (reached or not, satisfaction, opinion, suggestions, duration, next step),
    or reschedule it when the customer was not reached."""

    def __init__(self, actor: User, callback_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callbackRecordDialog")
        self.actor = actor
        self.callback_id = callback_id
        self.result_: RecordResult | None = None
        self.rescheduled: RescheduleResult | None = None
        self.detail: CallbackDetail = callbacks.callback_detail(actor, callback_id)
        row = self.detail.row
        self.setWindowTitle(_("Callback record — {name}").format(name=row.customer_name))

        self._build_form()
        self.script_panel = ScriptPanel(callbacks.standard_script(row.customer_name, actor.display_name))
        self.script_panel.setMaximumWidth(text_width(self, 58))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save result"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveResultButton")
        self.save_button.setDefault(True)
        self.reschedule_button = QPushButton(_("Reschedule"))
        self.reschedule_button.setObjectName("rescheduleButton")
        self.reschedule_button.setAutoDefault(False)
        self.reschedule_button.setToolTip(_("Not reached, or the customer asked for another time: log the try "
                                            "and call again"))
        menu = QMenu(self.reschedule_button)
        menu.setObjectName("rescheduleMenu")
        self.later_today_action = QAction(_("Later today"), self)
        self.later_today_action.setObjectName("laterTodayAction")
        self.tomorrow_action = QAction(_("Tomorrow"), self)
        self.tomorrow_action.setObjectName("tomorrowAction")
        self.pick_action = QAction(_("Pick a time…"), self)
        self.pick_action.setObjectName("pickTimeAction")
        self.later_today_action.triggered.connect(lambda: self.reschedule("later_today"))
        self.tomorrow_action.triggered.connect(lambda: self.reschedule("tomorrow"))
        self.pick_action.triggered.connect(self.pick_time)
        for action in (self.later_today_action, self.tomorrow_action, self.pick_action):
            menu.addAction(action)
        self.reschedule_button.setMenu(menu)
        buttons.addButton(self.reschedule_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = QPushButton(_("Print form…"))
        self.print_button.setObjectName("printFormButton")
        self.print_button.setAutoDefault(False)
        self.print_button.setToolTip(_("The callback record form of this callback, in the print preview"))
        self.print_button.clicked.connect(self.print_form)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.HelpRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        cancel.setObjectName("closeButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.header)
        left.addLayout(self.form)
        left.addWidget(self.sms_box)
        left.addWidget(self.general_error)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(self.script_panel, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 112))

        self.outcome_combo.currentIndexChanged.connect(self._outcome_changed)
        self.satisfaction_combo.currentIndexChanged.connect(
            lambda _i: self.script_panel.set_satisfaction(self.satisfaction_combo.currentData()))
        self._outcome_changed()
        self._show_sms(self.detail.suggest_sms)
        if not self.detail.can_record:
            for widget in (self.save_button, self.reschedule_button):
                widget.setEnabled(False)
            self.general_error.show_message(_("This callback is closed or not yours: it can be read, not recorded."))

    # -- building -------------------------------------------------------------------------------------
    def _build_form(self) -> None:
        d, row = self.detail, self.detail.row
        facts = [f"<b>{row.customer_name}</b>", row.mobile, row.tier,
                 _("prefers {slot}").format(slot=row.preferred_time) if row.preferred_time else ""]
        due = row.due_at.strftime("%Y-%m-%d %H:%M")
        lines = [" · ".join(f for f in facts if f),
                 _("{purpose} by {method}, due {due}").format(purpose=row.purpose, method=row.method, due=due)]
        if d.campaign:
            lines.append(_("Campaign: {name}").format(name=d.campaign))
        if row.do_not_call:
            lines.append(_("The customer asked not to be called."))
        if d.attempts:
            tries = "; ".join(f"{a.at.strftime('%m-%d %H:%M')} {a.method} {a.outcome}" for a in d.attempts[-4:])
            lines.append(ngettext("{n} earlier try: {tries}", "{n} earlier tries: {tries}", len(d.attempts)).format(
                n=len(d.attempts), tries=tries))
        self.header = QLabel("<br>".join(lines))
        self.header.setObjectName("callbackHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)

        self.outcome_combo = _combo("outcomeCombo", labels.choices(labels.CALLBACK_OUTCOMES), _("— choose —"))
        self.satisfaction_combo = _combo("satisfactionCombo", labels.choices(labels.SATISFACTIONS), _("— choose —"))
        self.opinion_edit = QPlainTextEdit()
        self.opinion_edit.setObjectName("opinionEdit")
        self.opinion_edit.setPlaceholderText(_("What the customer thinks of the company"))
        self.suggestions_edit = QPlainTextEdit()
        self.suggestions_edit.setObjectName("suggestionsEdit")
        self.suggestions_edit.setPlaceholderText(_("Suggestions on products and service (optional)"))
        for edit in (self.opinion_edit, self.suggestions_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            edit.setMinimumWidth(text_width(edit, 44))
        self.duration_edit = QSpinBox()
        self.duration_edit.setObjectName("durationEdit")
        self.duration_edit.setRange(0, 240)
        self.duration_edit.setSuffix(_(" min"))
        self.duration_edit.setToolTip(_("How long the call took, in minutes"))
        self.next_step_combo = _combo("nextStepCombo", labels.choices(labels.CALLBACK_NEXT_STEPS), _("— choose —"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(_("Anything else worth keeping (optional)"))
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 2 + 12)
        if self.detail.status == "done":
            self._fill_done()

        self.errors: dict[str, FieldError] = {}
        self.editors: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, editor in (
                ("outcome", _("Reached:"), self.outcome_combo),
                ("satisfaction", _("Satisfaction:"), self.satisfaction_combo),
                ("opinion", _("Opinion of the company:"), self.opinion_edit),
                ("suggestions", _("Suggestions:"), self.suggestions_edit),
                ("duration", _("Duration:"), self.duration_edit),
                ("next_step", _("Next step:"), self.next_step_combo),
                ("notes", _("Notes:"), self.notes_edit)):
            error = FieldError(f"{_camel(key)}Error")
            self.errors[key] = error
            self.editors[key] = editor
            self.form.addRow(label, field_with_error(editor, error))
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)

        self.sms_box = QWidget()
        self.sms_box.setObjectName("smsSuggestion")
        sms_row = QHBoxLayout(self.sms_box)
        sms_row.setContentsMargins(0, 0, 0, 0)
        self.sms_label = QLabel(_("Three phone tries did not reach the customer: send an SMS instead?"))
        self.sms_label.setObjectName("smsSuggestionLabel")
        self.sms_label.setWordWrap(True)
        self.switch_sms_button = QPushButton(_("Switch to SMS"))
        self.switch_sms_button.setObjectName("switchToSmsButton")
        self.switch_sms_button.setAutoDefault(False)
        self.switch_sms_button.clicked.connect(self.switch_to_sms)
        sms_row.addWidget(self.sms_label, 1)
        sms_row.addWidget(self.switch_sms_button)

    def _fill_done(self) -> None:
        d = self.detail
        for combo, value in ((self.outcome_combo, d.outcome), (self.satisfaction_combo, d.satisfaction),
                             (self.next_step_combo, d.next_step)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.opinion_edit.setPlainText(d.opinion)
        self.suggestions_edit.setPlainText(d.suggestions)
        self.notes_edit.setPlainText(d.notes)
        self.duration_edit.setValue((d.duration_seconds or 0) // 60)

    def _show_sms(self, show: bool) -> None:
        self.sms_box.setVisible(bool(show) and self.detail.row.method_code == "phone")

    def _outcome_changed(self, *_args) -> None:
        outcome = self.outcome_combo.currentData()
        reached = outcome in (None, "reached")
        for widget in (self.satisfaction_combo, self.opinion_edit, self.suggestions_edit, self.next_step_combo):
            widget.setEnabled(reached)
        not_reached = outcome in callbacks.NOT_REACHED
        self.save_button.setToolTip(_("Not reached: use Reschedule") if not_reached else "")
        self.save_button.setDefault(not not_reached)
        self.reschedule_button.setDefault(not_reached)

    # -- commands ---------------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.general_error.clear_message()
        for error in self.errors.values():
            error.clear_message()

    def show_errors(self, exc: ValidationError) -> None:
        self.clear_errors()
        found = exc.errors if isinstance(exc, FormErrors) else {exc.field or "": exc.message}
        first = None
        for field_name, message in found.items():
            if field_name in self.errors:
                self.errors[field_name].show_message(message)
                first = first or self.editors[field_name]
            else:
                self.general_error.show_message(message)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        """Store the result through the service; the errors show beside their fields."""
        self.clear_errors()
        minutes = self.duration_edit.value()
        try:
            with wait_cursor():
                self.result_ = callbacks.record_result(
                    self.actor, self.callback_id, self.outcome_combo.currentData(),
                    self.satisfaction_combo.currentData(), self.opinion_edit.toPlainText(),
                    self.suggestions_edit.toPlainText(), minutes * 60 if minutes else None,
                    self.next_step_combo.currentData(), self.notes_edit.toPlainText(),
                    expected_version=self.detail.row.version)
        except ValidationError as exc:
            self.show_errors(exc)
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        events().customersChanged.emit([self.detail.row.customer_id])
        self._after_result(self.result_)
        self.accept()
        return True

    def _after_result(self, result: RecordResult) -> None:
        """An unsatisfied ordinary callback: offer a complaint, when the complaint area exists."""
        if result.offer_complaint and callbacks.complaint_offer_available():
            if ask_open_complaint(self, self.detail.row.customer_name):
                events().openComplaintDraft.emit(result.customer_id, result.complaint_text)

    def reschedule(self, when: str | dt.datetime) -> bool:
        """Log this try (the outcome chosen, if any) and move the callback; stays open to suggest an SMS."""
        self.clear_errors()
        outcome = self.outcome_combo.currentData()
        note = self.notes_edit.toPlainText()
        confirm = False
        while True:
            try:
                with wait_cursor():
                    self.rescheduled = callbacks.reschedule(self.actor, self.callback_id, when, outcome=outcome,
                                                            note=note, expected_version=self.detail.row.version,
                                                            confirm_quiet=confirm)
                break
            except QuietHoursWarning as warning:
                choice = ask_quiet_time(self, warning)
                if choice is None:
                    return False
                if choice == "suggested":
                    when = warning.suggestion
                confirm = True
            except ValidationError as exc:
                self.show_errors(exc)
                return False
            except ServiceError as exc:
                self.general_error.show_message(exc.message)
                return False
        events().customersChanged.emit([self.detail.row.customer_id])
        if self.rescheduled.suggest_sms and not self.detail.suggest_sms:
            # the third failed phone try: keep the form open with the suggestion
            self.detail = callbacks.callback_detail(self.actor, self.callback_id)
            self.outcome_combo.setCurrentIndex(0)
            self.notes_edit.clear()
            self._show_sms(True)
            self.general_error.show_message(_("Rescheduled to {time}.").format(
                time=self.rescheduled.due_at.strftime("%Y-%m-%d %H:%M")))
            return True
        self.accept()
        return True

    def print_form(self):
        """The record form of this callback as stored (save first to print the result just entered)."""
        from desktop_cs.views.printing.menu import preview_callback_form
        return preview_callback_form(self.actor, self.callback_id, self)

    def pick_time(self) -> None:
        when = PickTimeDialog.ask(workcal.next_allowed_time(clock.now()), self)
        if when is not None:
            self.reschedule(when)

    def switch_to_sms(self) -> None:
        """Keep the callback but make it an SMS from now on (the time stays)."""
        try:
            with wait_cursor():
                callbacks.reschedule(self.actor, self.callback_id, max(self.detail.row.due_at, clock.now()),
                                     method="sms", confirm_quiet=True)
        except ServiceError as exc:
            show_error(self, exc.message)
            return
        events().customersChanged.emit([self.detail.row.customer_id])
        self.accept()

    @classmethod
    def record(cls, actor: User, callback_id: int, parent: QWidget | None = None) -> RecordResult | None:
        dialog = cls(actor, callback_id, parent)
        dialog.exec()
        return dialog.result_
