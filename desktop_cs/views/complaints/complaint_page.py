"""One complaint beside the list: its fields, deadlines and flags, its state history, and the actions of the closed loop
(start, respond, escalate, resolve, close, override, reopen, compensation)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QScrollArea, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services import complaints
from desktop_cs.services.complaints import ComplaintDetail
from desktop_cs.services.errors import FormErrors, ServiceError
from desktop_cs.services.permissions import OVERRIDE_COMPLAINT, allowed
from desktop_cs.views.common import ERROR_COLOR, FieldError, error_cell, show_error, text_width, wait_cursor
from desktop_cs.views.complaints.complaint_dialog import _from_qt, _to_qt, default_promise
from desktop_cs.views.complaints.signals import announce

if TYPE_CHECKING:
    from desktop_cs.models import User


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


class ActionDialog(QDialog):
    """A small form for one action: a note and, as the action needs, a resolution, a root cause, the next
    promised reply time, or the compensation. ``ask`` returns the values or None (tests patch it)."""

    def __init__(self, title: str, fields: tuple[str, ...], note_label: str, parent: QWidget | None = None,
                 note_required: bool = False, submit=None):
        super().__init__(parent)
        self.setObjectName("complaintActionDialog")
        self.setWindowTitle(title)
        self.fields = fields
        self.note_required = note_required
        self.submit = submit
        self.values: dict[str, Any] | None = None
        form = QFormLayout()
        self.errors: dict[str, FieldError] = {}
        self.editors: dict[str, QWidget] = {}

        def add(name: str, label: str, editor: QWidget) -> None:
            editor.setObjectName(f"{name}Edit")
            self.editors[name] = editor
            self.errors[name] = FieldError(f"{name}Error")
            form.addRow(label, error_cell(editor, self.errors[name]))

        if "resolution" in fields:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            add("resolution", _("Resolution:"), edit)
        if "root_cause" in fields:
            combo = QComboBox()
            combo.addItem(_("Choose…"), None)
            for cause in complaints.root_causes():
                combo.addItem(cause.name, cause.id)
            add("root_cause", _("Root cause:"), combo)
        if "compensation_text" in fields:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            add("compensation_text", _("Compensation:"), edit)
            amount = QDoubleSpinBox()
            amount.setRange(0, complaints.MAX_FEN / 100)
            amount.setDecimals(2)
            amount.setPrefix("¥")
            add("compensation_fen", _("Amount:"), amount)
            points = QSpinBox()
            points.setRange(0, complaints.MAX_COMPENSATION_POINTS)
            points.setSuffix(_(" points"))
            add("compensation_points", _("Points:"), points)
        if "note" in fields:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            add("note", note_label, edit)
        if "new_promise" in fields:
            self.promise_check = QCheckBox(_("Promise the next reply by"))
            self.promise_check.setObjectName("newPromiseCheck")
            promise = QDateTimeEdit(_to_qt(default_promise(clock.now())))
            promise.setDisplayFormat("yyyy-MM-dd HH:mm")
            promise.setCalendarPopup(True)
            promise.setEnabled(False)
            self.promise_check.toggled.connect(promise.setEnabled)
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(self.promise_check)
            box.addWidget(promise, 1)
            self.editors["new_promise"] = promise
            promise.setObjectName("newPromiseEdit")
            self.errors["new_promise"] = FieldError("newPromiseError")
            form.addRow("", error_cell(row, self.errors["new_promise"]))
        self.general = FieldError("actionError")
        self.general.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("okButton")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 64))

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText().strip()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData()
            elif isinstance(editor, QDoubleSpinBox):
                values[name] = int(round(editor.value() * 100))
            elif isinstance(editor, QSpinBox):
                values[name] = editor.value()
            elif isinstance(editor, QDateTimeEdit):
                values[name] = _from_qt(editor.dateTime()) if self.promise_check.isChecked() else None
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        for label in (*self.errors.values(), self.general):
            label.clear_message()
        for name, message in errors.items():
            (self.errors.get(name) or self.general).show_message(message)

    def _accept(self) -> None:
        values = self.collect()
        if self.note_required and "note" in values and not values["note"]:
            self.show_errors({"note": _("Write a note.")})
            return
        if self.submit is not None:       # the service decides; its errors show beside the fields
            try:
                with wait_cursor():
                    self.submit(values)
            except FormErrors as error:
                self.show_errors(error.errors)
                return
            except ServiceError as error:
                self.show_errors({getattr(error, "field", None) or "form": error.message})
                return
        self.values = values
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, fields: tuple[str, ...], note_label: str,
            note_required: bool = False, submit=None) -> dict[str, Any] | None:
        dialog = cls(title, fields, note_label, parent, note_required, submit)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.values
        return None


class ComplaintPage(QWidget):
    """The complaint beside the list, with its history and the actions ACTOR may take now."""

    #: a write happened (the complaint's id)
    changed = Signal(int)

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintPage")
        self.actor = actor
        self.detail: ComplaintDetail | None = None

        self.title = QLabel()
        self.title.setObjectName("complaintTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.flags_label = QLabel()
        self.flags_label.setObjectName("complaintFlags")
        self.flags_label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.flags_label.setWordWrap(True)

        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        rows = (("customer", _("Complainant:")), ("channel", _("Channel:")), ("category", _("Category:")),
                ("severity", _("Severity:")), ("status", _("State:")), ("handler", _("Handler:")),
                ("promise", _("Promised reply:")), ("first_response", _("First response:")),
                ("resolution_due", _("Resolution due:")), ("escalation", _("Escalation:")),
                ("resolution", _("Resolution:")), ("verification", _("Verification:")),
                ("compensation", _("Compensation:")), ("description", _("Description:")))
        for i, (key, label) in enumerate(rows):
            name = QLabel(label)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setObjectName(f"complaint_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
        grid.setColumnStretch(1, 1)
        info = QWidget()
        info.setLayout(grid)
        scroll = QScrollArea()
        scroll.setObjectName("complaintInfoScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(info)

        self.hint_label = QLabel()
        self.hint_label.setObjectName("closeHint")
        self.hint_label.setWordWrap(True)

        self.history = QTreeWidget()
        self.history.setObjectName("historyList")
        self.history.setRootIsDecorated(False)
        self.history.setColumnCount(4)
        self.history.setHeaderLabels([_("When"), _("Who"), _("State"), _("Note")])
        self.history.setWordWrap(True)
        self.history.setColumnWidth(0, text_width(self, 17))
        self.history.setColumnWidth(1, text_width(self, 9))
        self.history.setColumnWidth(2, text_width(self, 16))

        self.buttons: dict[str, QPushButton] = {}
        specs = (("start", _("Start"), self.start, _("Take the complaint up (received → in progress)")),
                 ("respond", _("Contact…"), self.respond,
                  _("Record a reply or update to the customer (keeps the promised reply time)")),
                 ("escalate", _("Escalate…"), self.escalate, _("Escalate to the supervisor with a reason")),
                 ("resolve", _("Resolve…"), self.resolve, _("Resolution and root cause; the verification "
                                                          "callback is planned")),
                 ("close", _("Close"), self.close_complaint, _("Close after a satisfied verification callback")),
                 ("override", _("Close with override…"), self.override_close,
                  _("A supervisor closes it with a reason (e.g. not reached after 3 attempts)")),
                 ("reopen", _("Reopen…"), self.reopen, _("Back to in progress, with a note")),
                 ("compensate", _("Compensation…"), self.compensate, _("Record compensation: text, amount, "
                                                                       "points")))
        bar = QGridLayout()
        bar.setSpacing(4)
        for i, (key, text, slot, tip) in enumerate(specs):
            button = QPushButton(text)
            button.setObjectName(f"{key}Button")
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button, i // 4, i % 4)
        self.escalate_button = self.buttons["escalate"]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.flags_label)
        layout.addLayout(bar)
        layout.addWidget(self.hint_label)
        layout.addWidget(scroll, 3)
        layout.addWidget(QLabel(_("History")))
        layout.addWidget(self.history, 2)
        self.set_complaint(None)

    # -- showing -----------------------------------------------------------------------------------
    def complaint_id(self) -> int | None:
        return self.detail.id if self.detail else None

    def set_complaint(self, complaint_id: int | None) -> None:
        """Show COMPLAINT_ID (None: nothing chosen)."""
        detail = None
        if complaint_id is not None:
            try:
                detail = complaints.get_complaint(self.actor, complaint_id)
            except ServiceError as error:
                self.title.setText(error.message)
        self.detail = detail
        self._show(detail)

    def refresh(self) -> None:
        self.set_complaint(self.complaint_id())

    def _show(self, d: ComplaintDetail | None) -> None:
        for button in self.buttons.values():
            button.setEnabled(False)
        self.history.clear()
        if d is None:
            self.title.setText(_("Choose a complaint in the list."))
            self.flags_label.setText("")
            self.hint_label.setText("")
            for value in self.values.values():
                value.setText("")
            return
        self.title.setText(_("Complaint No. {id} — {state}").format(id=d.id, state=d.status))
        flags = []
        if d.overdue:
            flags.append(_("Promised reply overdue: contact the customer now"))
        if d.escalated_at:
            flags.append(_("Escalated"))
        if d.is_repeat:
            flags.append(_("Repeat complaint"))
        if d.first_response_breached:
            flags.append(_("First response late"))
        if d.resolution_breached:
            flags.append(_("Resolution late"))
        if d.reopened_count:
            flags.append(_("Reopened {n}×").format(n=d.reopened_count))
        self.flags_label.setText(" · ".join(flags))
        v = self.values
        v["customer"].setText(" ".join(p for p in (d.customer, d.caller if d.caller != d.customer else "") if p))
        v["channel"].setText(_("{channel} · received {when}").format(channel=d.channel, when=_when(d.received_at)))
        v["category"].setText(d.category + (_(" (about {name})").format(name=d.about_user) if d.about_user else ""))
        v["severity"].setText(d.severity)
        v["status"].setText(d.status)
        v["handler"].setText(d.handler + (_(" (recorded by {name})").format(name=d.created_by)
                                          if d.created_by and d.created_by != d.handler else ""))
        promise = _when(d.promised_reply_at) if d.promised_reply_at else _("none")
        if d.promise_met_at:
            promise += " · " + _("contacted {when}").format(when=_when(d.promise_met_at))
        v["promise"].setText(promise)
        v["first_response"].setText(_("{done} (due {due})").format(
            done=_when(d.first_response_at) if d.first_response_at else _("not yet"), due=_when(d.first_response_due)))
        v["resolution_due"].setText(_when(d.resolution_due) + (_(" — resolved {when}").format(
            when=_when(d.resolved_at)) if d.resolved_at else ""))
        v["escalation"].setText(_("{when} by {who}: {reason}").format(
            when=_when(d.escalated_at), who=d.escalated_by, reason=d.escalation_reason) if d.escalated_at else "—")
        v["resolution"].setText(f"{d.resolution} [{d.root_cause}]" if d.resolution else "—")
        if d.verification:
            ver = d.verification
            text = _("{state}, due {due}, {who}").format(state=ver.status, due=_when(ver.due_at), who=ver.assigned_to)
            if ver.outcome:
                text += " · " + ver.outcome
            if ver.satisfaction:
                text += " · " + ver.satisfaction
            if ver.failed_attempts:
                text += " · " + _("{n} failed attempts").format(n=ver.failed_attempts)
            v["verification"].setText(text)
        else:
            v["verification"].setText("—")
        parts = [d.compensation_text] if d.compensation_text else []
        if d.compensation_fen:
            parts.append(f"¥{d.compensation_fen / 100:.2f}")
        if d.compensation_points:
            parts.append(_("{n} points").format(n=d.compensation_points))
        v["compensation"].setText(" · ".join(parts) or "—")
        v["description"].setText(d.description)
        self.hint_label.setText(d.close_hint)
        for h in d.history:
            state = (f"{h.from_status} → {h.to_status}" if h.from_status else h.to_status) if h.is_transition \
                else h.to_status
            item = QTreeWidgetItem([_when(h.at), h.by, state, h.note])
            item.setToolTip(3, h.note)
            self.history.addTopLevelItem(item)
        b = self.buttons
        b["start"].setEnabled(d.can_start)
        b["respond"].setEnabled(d.can_respond)
        b["escalate"].setEnabled(d.can_escalate)
        b["resolve"].setEnabled(d.can_resolve)
        b["close"].setEnabled(d.can_close)
        b["override"].setVisible(allowed(self.actor, OVERRIDE_COMPLAINT))
        b["override"].setEnabled(d.can_override)
        b["reopen"].setEnabled(d.can_reopen)
        b["compensate"].setEnabled(d.can_compensate)

    # -- actions -----------------------------------------------------------------------------------------
    def _done(self) -> None:
        if self.detail is None:
            return
        complaint_id, customer_id = self.detail.id, self.detail.customer_id
        self.refresh()
        self.changed.emit(complaint_id)
        announce([complaint_id], customer_id)

    def _run(self, fn) -> bool:
        try:
            with wait_cursor():
                fn()
        except ServiceError as error:
            show_error(self, error.message)
            self.refresh()
            return False
        self._done()
        return True

    def start(self) -> None:
        d = self.detail
        if d is not None:
            self._run(lambda: complaints.start(self.actor, d.id, expected_version=d.version))

    def respond(self) -> None:
        d = self.detail
        if d is None:
            return
        values = ActionDialog.ask(self, _("Contact with the customer"), ("note", "new_promise"),
                                  _("What you told the customer:"), note_required=True,
                                  submit=lambda v: complaints.respond(self.actor, d.id, v["note"], v.get("new_promise"),
                                                                      expected_version=d.version))
        if values is not None:
            self._done()

    def escalate(self) -> None:
        d = self.detail
        if d is None:
            return
        values = ActionDialog.ask(self, _("Escalate to the supervisor"), ("note",), _("Reason:"), note_required=True,
                                  submit=lambda v: complaints.escalate(self.actor, d.id, v["note"],
                                                                       expected_version=d.version))
        if values is not None:
            self._done()

    def resolve(self) -> None:
        d = self.detail
        if d is None:
            return
        outcome: list = []

        def submit(v):
            outcome.append(complaints.resolve(self.actor, d.id, v["resolution"], v["root_cause"], v.get("note", ""),
                                              expected_version=d.version))

        values = ActionDialog.ask(self, _("Resolve the complaint"), ("resolution", "root_cause", "note"),
                                  _("Note:"), submit=submit)
        if values is not None:
            self._done()
            if outcome:
                self.hint_label.setText(outcome[0].message)

    def close_complaint(self) -> None:
        d = self.detail
        if d is None:
            return
        if d.close_needs_note:
            values = ActionDialog.ask(self, _("Close the complaint"), ("note",), _("Why close it:"),
                                      note_required=True,
                                      submit=lambda v: complaints.close(self.actor, d.id, note=v["note"],
                                                                        expected_version=d.version))
            if values is not None:
                self._done()
            return
        self._run(lambda: complaints.close(self.actor, d.id, expected_version=d.version))

    def override_close(self) -> None:
        d = self.detail
        if d is None:
            return
        values = ActionDialog.ask(self, _("Close with a supervisor's override"), ("note",), _("Override reason:"),
                                  note_required=True,
                                  submit=lambda v: complaints.close(self.actor, d.id, override_reason=v["note"],
                                                                    expected_version=d.version))
        if values is not None:
            self._done()

    def reopen(self) -> None:
        d = self.detail
        if d is None:
            return
        values = ActionDialog.ask(self, _("Reopen the complaint"), ("note",), _("Why:"), note_required=True,
                                  submit=lambda v: complaints.reopen(self.actor, d.id, v["note"],
                                                                     expected_version=d.version))
        if values is not None:
            self._done()

    def compensate(self) -> None:
        d = self.detail
        if d is None:
            return
        outcome: list = []

        def submit(v):
            outcome.append(complaints.record_compensation(
                self.actor, d.id, v["compensation_text"], v["compensation_fen"], v["compensation_points"],
                expected_version=d.version))

        values = ActionDialog.ask(self, _("Compensation"), ("compensation_text",), "", submit=submit)
        if values is not None:
            self._done()
            if outcome:
                self.hint_label.setText(outcome[0].message)
