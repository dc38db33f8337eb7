"""Record one enquiry (咨询记录) in seconds: for a customer, or for a caller's bare number."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from desktop_cs import settings
from desktop_cs.i18n import _
from desktop_cs.services import customers, enquiries, labels
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import FieldError, dialog_buttons, error_cell, text_width, wait_cursor
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

#: the channel used last on this PC comes first next time
LAST_CHANNEL_KEY = "enquiries/last_channel"
ERROR_LABELS = {"channel": "channelError", "topic": "topicError", "summary": "summaryError",
                "outcome": "outcomeError", "caller_number": "callerNumberError"}


class EnquiryDialog(QDialog):
    """Channel, topic, summary, resolved or handed on; a caller's number when no customer is chosen."""

    def __init__(self, actor: User, customer_id: int | None = None, caller_number: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("enquiryDialog")
        self.setWindowTitle(_("Record enquiry"))
        self.actor = actor
        self.customer_id = customer_id
        self.matched_id: int | None = None
        self.saved_id: int | None = None

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for code, text in labels.choices(labels.ENQUIRY_CHANNELS):
            self.channel_combo.addItem(text, code)
        last = settings.qsettings().value(LAST_CHANNEL_KEY)
        self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(last), 0))
        self.topic_combo = QComboBox()
        self.topic_combo.setObjectName("topicCombo")
        for topic in enquiries.topics():
            self.topic_combo.addItem(topic.name, topic.id)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setObjectName("summaryEdit")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(_("what the caller asked and what you answered"))
        self.summary_edit.setFixedHeight(self.summary_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("outcomeCombo")
        for code, text in labels.choices(labels.ENQUIRY_OUTCOMES):
            self.outcome_combo.addItem(text, code)

        self.caller_number_edit = QLineEdit(caller_number)
        self.caller_number_edit.setObjectName("callerNumberEdit")
        self.caller_number_edit.setMaxLength(32)
        self.caller_number_edit.setPlaceholderText(_("the number the call came from"))
        self.match_label = QLabel()
        self.match_label.setObjectName("callerMatchLabel")
        self.match_label.setTextFormat(Qt.TextFormat.RichText)
        self.match_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.match_label.linkActivated.connect(self._open_match)
        self.match_label.hide()
        self.attach_check = QCheckBox()
        self.attach_check.setObjectName("attachCustomerCheck")
        self.attach_check.setChecked(True)
        self.attach_check.hide()
        self.customer_label = QLabel()
        self.customer_label.setObjectName("enquiryCustomerLabel")

        self.error_labels = {field: FieldError(name) for field, name in ERROR_LABELS.items()}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        self.editors = {"channel": self.channel_combo, "topic": self.topic_combo, "summary": self.summary_edit,
                        "outcome": self.outcome_combo, "caller_number": self.caller_number_edit}
        err = self.error_labels

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if customer_id is None:
            form.addRow(_("Caller's number:"), error_cell(self.caller_number_edit, err["caller_number"],
                                                          self.match_label, self.attach_check))
        else:
            try:
                name = customers.get_customer(actor, customer_id).name
            except ServiceError:
                name = _("No. {id}").format(id=customer_id)
            self.customer_label.setText(name)
            form.addRow(_("Customer:"), self.customer_label)
        form.addRow(_("Channel:"), error_cell(self.channel_combo, err["channel"]))
        form.addRow(_("Topic:"), error_cell(self.topic_combo, err["topic"]))
        form.addRow(_("Summary:"), error_cell(self.summary_edit, err["summary"]))
        form.addRow(_("Outcome:"), error_cell(self.outcome_combo, err["outcome"]))

        buttons, self.save_button = dialog_buttons(self, _("Save"), "saveButton", self.save, ctrl_enter=True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 64))

        self.caller_number_edit.textChanged.connect(self._number_changed)
        if caller_number:
            self._number_changed(caller_number)
        if customer_id is None and not caller_number:
            self.caller_number_edit.setFocus()
        else:
            self.summary_edit.setFocus()

    def _number_changed(self, text: str) -> None:
        """Show the customer this number belongs to, if any; the enquiry goes on their page by default."""
        self.error_labels["caller_number"].clear_message()
        matches = customers.lookup_by_number(self.actor, text) if text.strip() else []
        if not matches:
            self.matched_id = None
            self.match_label.hide()
            self.attach_check.hide()
            return
        self.matched_id, name = matches[0]
        self.match_label.setText(html.escape(_("This number belongs to customer")) + ' <a href="customer:{id}">'
                                 '{name}</a>'.format(id=self.matched_id, name=html.escape(name)))
        self.attach_check.setText(_("Record it on {name}'s page").format(name=name))
        self.match_label.show()
        self.attach_check.show()

    def _open_match(self, _href: str) -> None:
        if self.matched_id is not None:
            events().openCustomer.emit(self.matched_id)

    def target_customer(self) -> int | None:
        """The customer the enquiry is recorded for (given, or matched by the number and kept ticked)."""
        if self.customer_id is not None:
            return self.customer_id
        if self.matched_id is not None and self.attach_check.isChecked():
            return self.matched_id
        return None

    def shown_errors(self) -> dict[str, str]:
        """Field -> message of every error showing (the general one as "form")."""
        found = {field: label.text() for field, label in self.error_labels.items() if not label.isHidden()}
        if not self.general_error.isHidden():
            found["form"] = self.general_error.text()
        return found

    def _show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for field, message in errors.items():
            if field in self.error_labels:
                self.error_labels[field].show_message(message)
                first = first or self.editors[field]
            else:
                self.general_error.show_message(message)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        """Record the enquiry through the service; errors show beside their fields."""
        self.general_error.clear_message()
        for label in self.error_labels.values():
            label.clear_message()
        customer_id = self.target_customer()
        try:
            with wait_cursor():
                self.saved_id = enquiries.record(
                    self.actor, channel=self.channel_combo.currentData(),
                    topic_id=self.topic_combo.currentData() or 0, summary=self.summary_edit.toPlainText(),
                    outcome=self.outcome_combo.currentData(), customer_id=customer_id,
                    caller_number="" if customer_id else self.caller_number_edit.text())
        except FormErrors as error:
            self._show_errors(error.errors)
            return False
        except ValidationError as error:
            self._show_errors({error.field or "form": error.message})
            return False
        except ServiceError as error:
            self._show_errors({"form": error.message})
            return False
        store = settings.qsettings()
        store.setValue(LAST_CHANNEL_KEY, self.channel_combo.currentData())
        store.sync()
        if customer_id:
            events().customersChanged.emit([customer_id])
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, customer_id: int | None = None,
            caller_number: str = "") -> int | None:
        """Record an enquiry; its id once stored, or None when cancelled."""
        dialog = cls(actor, customer_id, caller_number, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.saved_id
        return None
