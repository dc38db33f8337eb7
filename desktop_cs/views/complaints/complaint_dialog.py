"""The intake form (受理投诉) in under a minute: a customer or a caller's number, what happened, the promised reply time,
with the repeat-caller panel and the harassing-number warning updating as soon as the caller is known."""
from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget)

from desktop_cs import clock, settings
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import complaints, customers, labels, phone_numbers
from desktop_cs.services.complaints import ComplaintInput, RepeatInfo
from desktop_cs.services.customers import CustomerQuery
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import ERROR_COLOR, FieldError, dialog_buttons, error_cell, text_width, wait_cursor
from desktop_cs.views.complaints.signals import announce

if TYPE_CHECKING:
    from desktop_cs.models import User

LAST_CHANNEL_KEY = "complaints/last_channel"
#: the customer search runs after this pause in typing
SEARCH_DELAY_MS = 200
SEARCH_LIMIT = 20
#: the promised reply time offered by default: this many hours from now, on the half hour
DEFAULT_PROMISE_HOURS = 2
ERROR_FIELDS = ("customer", "caller_number", "prospect_name", "channel", "category", "severity", "description",
                "promised_reply_at", "handler", "about_user", "escalation_reason")
BADGE_STYLE = f"QLabel {{ background: {ERROR_COLOR}; color: white; border-radius: 3px; padding: 2px 6px; }}"
WARNING_STYLE = "QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #e0a0a0; padding: 4px; }"


def _to_qt(moment: dt.datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


def _from_qt(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def default_promise(now: dt.datetime) -> dt.datetime:
    """Now plus two hours, rounded up to the next half hour."""
    moment = now + dt.timedelta(hours=DEFAULT_PROMISE_HOURS)
    extra = (30 - moment.minute % 30) % 30
    return (moment + dt.timedelta(minutes=extra)).replace(second=0, microsecond=0)


class RepeatPanel(QGroupBox):
    """How often the caller called and complained before; a red badge for a repeat complainant."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(_("Calls and complaints before"), parent)
        self.setObjectName("repeatPanel")
        self.summary = QLabel(_("Choose a customer or type the full number."))
        self.summary.setObjectName("repeatSummary")
        self.summary.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setObjectName("repeatBadge")
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.hide()
        self.info: RepeatInfo | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 4, 8, 6)
        box.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addStretch(1)
        box.addLayout(top)
        box.addWidget(self.summary)

    def show_info(self, info: RepeatInfo | None) -> None:
        self.info = info
        if info is None:
            self.summary.setText(_("Choose a customer or type the full number."))
            self.badge.hide()
            return
        if info.empty:
            self.summary.setText(_("First contact: no calls or complaints before."))
        else:
            lines = [_("Calls: {recent} in the last 30 days, {total} in all").format(
                recent=info.calls_30, total=info.calls_total),
                _("Complaints: {recent} in the last 30 days, {total} in all, {open} open").format(
                    recent=info.complaints_30, total=info.complaints_total, open=info.open_complaints)]
            if info.reopened:
                lines.append(ngettext("{n} complaint was reopened", "{n} complaints were reopened",
                                      info.reopened).format(n=info.reopened))
            if info.last_at:
                lines.append(_("Last complaint {when}: {result}").format(
                    when=info.last_at.strftime("%Y-%m-%d"), result=info.last_result))
            self.summary.setText("\n".join(lines))
        self.badge.setText(_("Repeat complainant — consider escalating"))
        self.badge.setVisible(info.is_repeat)


class ComplaintDialog(QDialog):
    """Record a complaint: errors show beside their fields; the repeat panel and the warnings follow the caller."""

    def __init__(self, actor: User, customer_id: int | None = None, text: str = "", caller_number: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("complaintDialog")
        self.setWindowTitle(_("New complaint"))
        self.actor = actor
        self.result_value: complaints.IntakeResult | None = None
        self.matched_id: int | None = None
        self._customer_categories = {c.id: c for c in complaints.categories()}

        self._build_caller(customer_id, caller_number)
        self._build_fields(text)
        self.repeat_panel = RepeatPanel()
        self.repeat_badge = self.repeat_panel.badge
        self.escalate_check = QCheckBox(_("Escalate to the supervisor at once"))
        self.escalate_check.setObjectName("escalateNowCheck")
        self.escalation_reason_edit = QLineEdit()
        self.escalation_reason_edit.setObjectName("escalationReasonEdit")
        self.escalation_reason_edit.setPlaceholderText(_("reason for escalating"))
        self.escalate_check.toggled.connect(self.escalation_reason_edit.setEnabled)
        self.escalation_reason_edit.setEnabled(False)

        self.errors = {name: FieldError(f"{_camel(name)}Error") for name in ERROR_FIELDS}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        err = self.errors

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Customer:"), error_cell(self.customer_row, err["customer"]))
        form.addRow(_("Caller's number:"), error_cell(self.number_row, err["caller_number"], self.match_label,
                                                      self.harassing_warning))
        form.addRow("", error_cell(self.prospect_row, err["prospect_name"]))
        form.addRow(_("Channel:"), error_cell(self.channel_combo, err["channel"]))
        form.addRow(_("Category:"), error_cell(self.category_row, err["category"], err["about_user"]))
        form.addRow(_("Severity:"), error_cell(self.severity_combo, err["severity"]))
        form.addRow(_("Description:"), error_cell(self.description_edit, err["description"]))
        form.addRow(_("Promised reply:"), error_cell(self.promise_row, err["promised_reply_at"]))
        form.addRow(_("Handler:"), error_cell(self.handler_combo, err["handler"]))

        buttons, self.save_button = dialog_buttons(self, _("Save"), "saveButton", self.save, ctrl_enter=True)

        left = QVBoxLayout()
        left.addLayout(form)
        right = QVBoxLayout()
        right.addWidget(self.repeat_panel)
        right.addWidget(self.escalate_check)
        right.addWidget(self.escalation_reason_edit)
        right.addWidget(err["escalation_reason"])
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 110))
        self.repeat_panel.setMinimumWidth(text_width(self, 38))

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_customers)
        self.customer_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.customer_combo.currentIndexChanged.connect(self._customer_changed)
        self.number_edit.textChanged.connect(self._number_changed)
        self.withheld_check.toggled.connect(self._withheld_toggled)
        self.prospect_check.toggled.connect(self.prospect_name_edit.setEnabled)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        self.promise_check.toggled.connect(self.promise_edit.setEnabled)

        if customer_id is not None:
            self.set_customer(customer_id)
        elif caller_number:
            self.number_edit.setText(caller_number)
        self._category_changed()
        if customer_id is None and not caller_number:
            self.number_edit.setFocus()
        else:
            self.description_edit.setFocus()

    # -- building ----------------------------------------------------------------------------------
    def _build_caller(self, customer_id: int | None, caller_number: str) -> None:
        self.customer_search = QLineEdit()
        self.customer_search.setObjectName("customerSearchEdit")
        self.customer_search.setPlaceholderText(_("find: name, mobile, pinyin…"))
        self.customer_search.setClearButtonEnabled(True)
        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("customerCombo")
        self.customer_combo.addItem(_("(no customer: the caller's number)"), None)
        self.customer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.customer_combo.setMinimumContentsLength(16)
        self.customer_row = QWidget()
        row = QHBoxLayout(self.customer_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.customer_search, 2)
        row.addWidget(self.customer_combo, 3)

        self.number_edit = QLineEdit(caller_number)
        self.number_edit.setObjectName("callerNumberEdit")
        self.number_edit.setMaxLength(32)
        self.number_edit.setPlaceholderText(_("138 1234 5678, 010-12345678, 400-800-1234"))
        self.withheld_check = QCheckBox(_("Number withheld"))
        self.withheld_check.setObjectName("withheldCheck")
        self.number_row = QWidget()
        row = QHBoxLayout(self.number_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.number_edit, 1)
        row.addWidget(self.withheld_check)
        self.match_label = QLabel()
        self.match_label.setObjectName("callerMatchLabel")
        self.match_label.setTextFormat(Qt.TextFormat.RichText)
        self.match_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.match_label.linkActivated.connect(lambda _href: self.use_matched_customer())
        self.match_label.hide()
        self.harassing_warning = QLabel()
        self.harassing_warning.setObjectName("harassingWarning")
        self.harassing_warning.setStyleSheet(WARNING_STYLE)
        self.harassing_warning.setWordWrap(True)
        self.harassing_warning.hide()

        self.prospect_check = QCheckBox(_("Record the caller as a prospect customer"))
        self.prospect_check.setObjectName("createProspectCheck")
        self.prospect_name_edit = QLineEdit()
        self.prospect_name_edit.setObjectName("prospectNameEdit")
        self.prospect_name_edit.setPlaceholderText(_("name (e.g. 王女士)"))
        self.prospect_name_edit.setEnabled(False)
        self.prospect_row = QWidget()
        row = QHBoxLayout(self.prospect_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.prospect_check)
        row.addWidget(self.prospect_name_edit, 1)

    def _build_fields(self, text: str) -> None:
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for code, label in labels.choices(labels.COMPLAINT_CHANNELS):
            self.channel_combo.addItem(label, code)
        last = settings.qsettings().value(LAST_CHANNEL_KEY)
        self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(last), 0))
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("categoryCombo")
        for category in complaints.categories():
            self.category_combo.addItem(category.name, category.id)
        self.about_combo = QComboBox()
        self.about_combo.setObjectName("aboutUserCombo")
        self.about_combo.setToolTip(_("The staff member the complaint is about (staff evaluation)"))
        self.about_combo.addItem(_("About: not a particular person"), None)
        for user_id, name in complaints.handlers():
            self.about_combo.addItem(_("About: {name}").format(name=name), user_id)
        self.category_row = QWidget()
        row = QHBoxLayout(self.category_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.category_combo, 1)
        row.addWidget(self.about_combo, 1)
        self.severity_combo = QComboBox()
        self.severity_combo.setObjectName("severityCombo")
        targets = {t.severity: t for t in complaints.severity_targets()}
        for code, label in labels.choices(labels.SEVERITIES):
            target = targets.get(code)
            text_label = label if target is None else _("{severity} (answer within {first} h, solve within "
                                                        "{resolution} h)").format(
                severity=label, first=target.first_response_hours, resolution=target.resolution_hours)
            self.severity_combo.addItem(text_label, code)
        self.severity_combo.setCurrentIndex(max(self.severity_combo.findData("normal"), 0))
        self.description_edit = QPlainTextEdit(text)
        self.description_edit.setObjectName("descriptionEdit")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText(_("what the customer complains about, in their words"))
        self.description_edit.setFixedHeight(self.description_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.promise_check = QCheckBox(_("Reply promised by"))
        self.promise_check.setObjectName("promiseCheck")
        self.promise_check.setChecked(True)
        self.promise_edit = QDateTimeEdit(_to_qt(default_promise(clock.now())))
        self.promise_edit.setObjectName("promisedReplyEdit")
        self.promise_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.promise_edit.setCalendarPopup(True)
        self.promise_row = QWidget()
        row = QHBoxLayout(self.promise_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.promise_check)
        row.addWidget(self.promise_edit, 1)
        self.handler_combo = QComboBox()
        self.handler_combo.setObjectName("handlerCombo")
        for user_id, name in complaints.handlers():
            self.handler_combo.addItem(name, user_id)
        self.handler_combo.setCurrentIndex(max(self.handler_combo.findData(self.actor.id), 0))

    # -- the caller ----------------------------------------------------------------------------------
    def search_customers(self) -> None:
        """List the customers matching the search text in the customer choice (any customer may complain)."""
        text = self.customer_search.text().strip()
        if not text:
            return
        try:
            rows = customers.search_page(self.actor, CustomerQuery(text=text, all_customers=True), 0, SEARCH_LIMIT)
        except ServiceError as error:
            self.errors["customer"].show_message(error.message)
            return
        current = self.customer_combo.currentData()
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        self.customer_combo.addItem(_("(no customer: the caller's number)"), None)
        for row in rows:
            self.customer_combo.addItem("  ".join(p for p in (row.name, row.mobile) if p), row.id)
        index = self.customer_combo.findData(current) if current is not None else -1
        self.customer_combo.setCurrentIndex(index if index >= 0 else (1 if rows else 0))
        self.customer_combo.blockSignals(False)
        self._customer_changed()

    def set_customer(self, customer_id: int) -> None:
        """Choose CUSTOMER_ID (given, or matched by the number)."""
        index = self.customer_combo.findData(customer_id)
        if index < 0:
            try:
                detail = customers.get_customer(self.actor, customer_id)
                text = "  ".join(p for p in (detail.name, detail.mobile) if p)
            except ServiceError:
                text = _("No. {id}").format(id=customer_id)
            self.customer_combo.addItem(text, customer_id)
            index = self.customer_combo.count() - 1
        self.customer_combo.setCurrentIndex(index)
        self._customer_changed()

    def customer_id(self) -> int | None:
        return self.customer_combo.currentData()

    def _customer_changed(self, *_args) -> None:
        self.errors["customer"].clear_message()
        has_customer = self.customer_id() is not None
        for widget in (self.number_edit, self.withheld_check, self.prospect_check):
            widget.setEnabled(not has_customer)
        self.prospect_name_edit.setEnabled(not has_customer and self.prospect_check.isChecked())
        if has_customer:
            self.match_label.hide()
            self._update_repeat()
        else:
            self._number_changed(self.number_edit.text())
        self._default_about()

    def _withheld_toggled(self, checked: bool) -> None:
        self.number_edit.setEnabled(not checked and self.customer_id() is None)
        self.prospect_check.setEnabled(not checked and self.customer_id() is None)
        if checked:
            self.prospect_check.setChecked(False)
        self._number_changed(self.number_edit.text())

    def _number_changed(self, text: str) -> None:
        """As soon as a full number is typed: the harassing warning, the customer it belongs to, the repeat panel."""
        self.errors["caller_number"].clear_message()
        canonical = None if self.withheld_check.isChecked() else phone_numbers.canonical(text) if text.strip() else None
        info = complaints.harassing_info(canonical) if canonical else None
        self.harassing_warning.setText(_("Harassing caller: {text}").format(text=info.warning()) if info else "")
        self.harassing_warning.setVisible(info is not None)
        self.matched_id = None
        if canonical and self.customer_id() is None:
            matches = customers.lookup_by_number(self.actor, canonical)
            if matches:
                self.matched_id, name = matches[0]
                self.match_label.setText(html.escape(_("This number belongs to customer")) + ' <a href="use">'
                                         + html.escape(name) + "</a> " + html.escape(_("(click to choose)")))
        self.match_label.setVisible(self.matched_id is not None)
        if self.customer_id() is None:
            self._update_repeat(canonical)

    def use_matched_customer(self) -> None:
        if self.matched_id is not None:
            self.set_customer(self.matched_id)

    def _update_repeat(self, number: str | None = None) -> None:
        customer_id = self.customer_id()
        if customer_id is None and (not number or number == phone_numbers.WITHHELD):
            self.repeat_panel.show_info(None)
            self._suggest_escalation(None)
            return
        try:
            info = complaints.repeat_caller(self.actor, customer_id=customer_id, number=number)
        except ServiceError as error:
            self.repeat_panel.summary.setText(error.message)
            return
        self.repeat_panel.show_info(info)
        self._suggest_escalation(info)

    def _suggest_escalation(self, info: RepeatInfo | None) -> None:
        suggest = bool(info and info.suggest_escalation)
        self.escalate_check.setChecked(suggest)
        if suggest and not self.escalation_reason_edit.text().strip():
            self.escalation_reason_edit.setText(_("Repeat complainant: {n} complaints in the last 30 days").format(
                n=info.complaints_30))

    def _category_changed(self, *_args) -> None:
        category = self._customer_categories.get(self.category_combo.currentData())
        attitude = bool(category and category.is_attitude)
        self.about_combo.setVisible(attitude)
        self._default_about()

    def _default_about(self) -> None:
        """An attitude complaint is about the customer's specialist unless someone else is chosen."""
        if self.about_combo.isHidden() or self.about_combo.currentData() is not None:
            return
        customer_id = self.customer_id()
        if customer_id is None:
            return
        try:
            owner = customers.get_customer(self.actor, customer_id).assigned_to_id
        except ServiceError:
            return
        index = self.about_combo.findData(owner) if owner else -1
        if index >= 0:
            self.about_combo.setCurrentIndex(index)

    # -- saving ----------------------------------------------------------------------------------------
    def shown_errors(self) -> dict[str, str]:
        found = {name: label.text() for name, label in self.errors.items() if not label.isHidden()}
        if not self.general_error.isHidden():
            found["form"] = self.general_error.text()
        return found

    def _show_errors(self, errors: dict[str, str]) -> None:
        editors = {"customer": self.customer_search, "caller_number": self.number_edit,
                   "prospect_name": self.prospect_name_edit, "channel": self.channel_combo,
                   "category": self.category_combo, "severity": self.severity_combo,
                   "description": self.description_edit, "promised_reply_at": self.promise_edit,
                   "handler": self.handler_combo, "about_user": self.about_combo,
                   "escalation_reason": self.escalation_reason_edit}
        first = None
        for name, message in errors.items():
            if name in self.errors:
                self.errors[name].show_message(message)
                first = first or editors.get(name)
            else:
                self.general_error.show_message(message)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def data(self) -> ComplaintInput:
        customer_id = self.customer_id()
        return ComplaintInput(
            channel=self.channel_combo.currentData(), category_id=self.category_combo.currentData(),
            severity=self.severity_combo.currentData(), description=self.description_edit.toPlainText(),
            customer_id=customer_id, caller_number="" if customer_id else self.number_edit.text(),
            withheld=customer_id is None and self.withheld_check.isChecked(),
            promised_reply_at=_from_qt(self.promise_edit.dateTime()) if self.promise_check.isChecked() else None,
            handler_id=self.handler_combo.currentData(),
            about_user_id=None if self.about_combo.isHidden() else self.about_combo.currentData(),
            create_prospect=customer_id is None and self.prospect_check.isChecked(),
            prospect_name=self.prospect_name_edit.text())

    def save(self) -> bool:
        """Record the complaint through the service (and escalate it when ticked); errors beside their fields."""
        self.general_error.clear_message()
        for label in self.errors.values():
            label.clear_message()
        escalate = self.escalate_check.isChecked()
        reason = self.escalation_reason_edit.text().strip()
        if escalate and not reason:
            self._show_errors({"escalation_reason": _("Give the reason for escalating.")})
            return False
        try:
            with wait_cursor():
                result = complaints.create_complaint(self.actor, self.data())
        except FormErrors as error:
            self._show_errors(error.errors)
            return False
        except ValidationError as error:
            self._show_errors({error.field or "form": error.message})
            return False
        except ServiceError as error:
            self._show_errors({"form": error.message})
            return False
        self.result_value = result
        if escalate:
            try:
                complaints.escalate(self.actor, result.complaint_id, reason)
            except ServiceError as error:        # recorded all the same: say why it was not escalated
                self.general_error.show_message(error.message)
        store = settings.qsettings()
        store.setValue(LAST_CHANNEL_KEY, self.channel_combo.currentData())
        store.sync()
        announce([result.complaint_id], result.customer_id)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, customer_id: int | None = None, text: str = "",
            caller_number: str = "") -> complaints.IntakeResult | None:
        """Record a complaint; what was recorded, or None when cancelled."""
        dialog = cls(actor, customer_id, text, caller_number, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_value
        return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
