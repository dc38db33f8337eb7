"""The points dialogs of one customer: record an event, redeem toward an investment, adjust, reverse an entry."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox,
                               QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import labels, points
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import FieldError, dialog_buttons, error_cell, explanation, text_width, wait_cursor

if TYPE_CHECKING:
    from desktop_cs.models import User

_YUAN = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def parse_yuan(text: str) -> int | None:
    """Yuan as typed ("1000", "1,000.50", "¥1000") in fen; None when it is not an amount."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    cleaned = cleaned.removesuffix("元").strip()
    if not _YUAN.match(cleaned):
        return None
    try:
        return int(Decimal(cleaned) * 100)
    except InvalidOperation:
        return None


class _PointsDialog(QDialog):
    """A small form whose service errors show beside the field they name (others under the form)."""

    def __init__(self, actor: User, customer_id: int, customer_name: str, title: str, object_name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.actor = actor
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.result_message = ""
        self.error_labels: dict[str, FieldError] = {}
        self.editors: dict[str, QWidget] = {}
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        customer_label = QLabel(customer_name)
        customer_label.setObjectName("dialogCustomerLabel")
        self.form.addRow(_("Customer:"), customer_label)

        buttons, self.save_button = dialog_buttons(self, _("Save"), "saveButton", self.save, ctrl_enter=True)
        self.buttons = buttons
        self.setMinimumWidth(text_width(self, 60))

    def add_row(self, label: str, field: str, editor: QWidget, *below: QWidget) -> None:
        error = FieldError(f"{field[0].lower()}{re.sub(r'_(.)', lambda m: m.group(1).upper(), field[1:])}Error")
        self.error_labels[field] = error
        self.editors[field] = editor
        self.form.addRow(label, error_cell(editor, error, *below))

    def finish_layout(self, intro: str | None = None) -> None:
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(explanation(intro))
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def shown_errors(self) -> dict[str, str]:
        """Field -> message of every error showing (the general one as "form")."""
        found = {field: label.text() for field, label in self.error_labels.items() if not label.isHidden()}
        if not self.general_error.isHidden():
            found["form"] = self.general_error.text()
        return found

    def clear_errors(self) -> None:
        self.general_error.clear_message()
        for label in self.error_labels.values():
            label.clear_message()

    def show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for field, message in errors.items():
            if field in self.error_labels:
                self.error_labels[field].show_message(message)
                first = first or self.editors[field]
            else:
                self.general_error.show_message(message)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()

    def run(self, call) -> bool:
        """Call the service; errors show beside their fields; True when it succeeded."""
        self.clear_errors()
        try:
            with wait_cursor():
                outcome = call()
        except FormErrors as error:
            self.show_errors(error.errors)
            return False
        except ValidationError as error:
            self.show_errors({error.field or "form": error.message})
            return False
        except ServiceError as error:
            self.show_errors({"form": error.message})
            return False
        self.outcome = outcome
        return True

    def save(self) -> bool:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, customer_id: int, customer_name: str, *args) -> str | None:
        """Open the dialog; the result message once saved, None when cancelled."""
        dialog = cls(actor, customer_id, customer_name, *args, parent=parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_message
        return None


class RecordEventDialog(_PointsDialog):
    """Record that an event happened (registration, a verification, a referral, a recharge or an investment)."""

    def __init__(self, actor: User, customer_id: int, customer_name: str, parent: QWidget | None = None):
        super().__init__(actor, customer_id, customer_name, _("Record points event"), "recordEventDialog", parent)
        self.rules = {r.event: r for r in points.list_rules(actor)}
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("eventCombo")
        for code, text in labels.choices(labels.POINTS_EVENTS):
            self.event_combo.addItem(text, code)
        self.rule_label = QLabel()
        self.rule_label.setObjectName("ruleHintLabel")
        # no word wrap: a wrapping label under a field makes Qt squeeze the fields (see FieldError)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("amountEdit")
        self.amount_edit.setPlaceholderText(_("in yuan, e.g. 10000 or 2500.50"))
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("referenceEdit")
        self.reference_edit.setMaxLength(points.MAX_REFERENCE)
        self.reference_edit.setPlaceholderText(_("order or investment number; the same one is never counted twice"))
        self.referred_combo = QComboBox()
        self.referred_combo.setObjectName("referredCombo")
        self.referred = points.referred_customers(actor, customer_id)
        for row in self.referred:
            state = _("paid") if row.paid else (_("condition met") if row.condition_met else _("waiting"))
            self.referred_combo.addItem(
                _("{name} (No. {id})").format(name=row.name, id=row.id) + f" — {state}", row.id)
        if not self.referred:
            self.referred_combo.addItem(_("nobody: record the referral in the customer archive"), None)

        self.add_row(_("Event:"), "event", self.event_combo, self.rule_label)
        self.add_row(_("Amount (yuan):"), "amount", self.amount_edit)
        self.add_row(_("Reference:"), "reference", self.reference_edit)
        self.add_row(_("Referred customer:"), "referred_id", self.referred_combo)
        self.finish_layout(_("The event's rule computes the points. Once-only events (registration and the "
                             "verifications) award at most once per customer."))
        self.event_combo.currentIndexChanged.connect(self._event_changed)
        self._event_changed()

    def _event_changed(self) -> None:
        event = self.event_combo.currentData()
        rule = self.rules.get(event)
        if rule is None or not rule.active:
            hint = _("This rule is switched off: no points.")
        else:
            hint = points.describe_rule(rule)
            if rule.validity_days:
                hint += " · " + _("valid {n} days").format(n=rule.validity_days)
            if rule.once_only:
                hint += " · " + _("once per customer")
            if event == "referral":
                hint += " · " + _("paid {condition}").format(
                    condition=labels.label(labels.REFERRAL_CONDITIONS, rule.condition))
        self.rule_label.setText(hint)
        amount = event in points.PER_AMOUNT_EVENTS
        for field, shown in (("amount", amount), ("reference", event != "referral"),
                             ("referred_id", event == "referral")):
            editor = self.editors[field]
            editor.parentWidget().setVisible(shown)
            self.form.labelForField(editor.parentWidget()).setVisible(shown)
        self.clear_errors()
        if self.isVisible():
            hint = self.sizeHint()
            self.resize(max(self.width(), hint.width()), hint.height())

    def save(self) -> bool:
        event = self.event_combo.currentData()
        amount_fen = None
        if event in points.PER_AMOUNT_EVENTS:
            text = self.amount_edit.text()
            amount_fen = parse_yuan(text)
            if amount_fen is None:
                self.clear_errors()
                self.show_errors({"amount": _("Enter the amount in yuan, e.g. 10000 or 2500.50.") if text.strip()
                                  else _("Enter the amount.")})
                return False
        referred = self.referred_combo.currentData() if event == "referral" else None
        if not self.run(lambda: points.record_event(
                self.actor, self.customer_id, event, amount_fen=amount_fen,
                reference=self.reference_edit.text() if event != "referral" else None, referred_id=referred)):
            return False
        self.event_result = self.outcome
        self.result_message = self.outcome.message
        self.accept()
        return True


class RedeemDialog(_PointsDialog):
    """Use points toward an investment at 1 point = 1 yuan (never cash)."""

    def __init__(self, actor: User, customer_id: int, customer_name: str, available: int,
                 parent: QWidget | None = None):
        super().__init__(actor, customer_id, customer_name, _("Use points toward an investment"), "redeemDialog",
                         parent)
        self.available_label = QLabel(_("{n} points available (= {n} yuan)").format(n=f"{available:,}"))
        self.available_label.setObjectName("availableLabel")
        self.points_spin = QSpinBox()
        self.points_spin.setObjectName("redeemPointsSpin")
        self.points_spin.setRange(1, points.MAX_POINTS)
        self.points_spin.setGroupSeparatorShown(True)
        self.points_spin.setValue(max(1, min(available, points.MAX_POINTS)))
        self.yuan_label = QLabel()
        self.yuan_label.setObjectName("yuanLabel")
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("investmentReferenceEdit")
        self.reference_edit.setMaxLength(points.MAX_REFERENCE)
        self.reference_edit.setPlaceholderText(_("the investment the points pay toward"))
        self.form.addRow(_("Available:"), self.available_label)
        self.add_row(_("Points to use:"), "points", self.points_spin, self.yuan_label)
        self.add_row(_("Investment number:"), "investment_reference", self.reference_edit)
        self.finish_layout(_("Points cannot be withdrawn as cash; they pay toward an investment at 1 point = "
                             "1 yuan. The points closest to expiry are used first."))
        self.points_spin.valueChanged.connect(self._update_yuan)
        self._update_yuan()
        self.reference_edit.setFocus()

    def _update_yuan(self) -> None:
        self.yuan_label.setText(_("= {n} yuan toward the investment").format(n=f"{self.points_spin.value():,}"))

    def save(self) -> bool:
        if not self.run(lambda: points.redeem(self.actor, self.customer_id, self.points_spin.value(),
                                              self.reference_edit.text())):
            return False
        self.result_message = _("{n} points were used toward investment {reference}; {left} points left.").format(
            n=f"{self.outcome.points:,}", reference=self.reference_edit.text().strip(),
            left=f"{self.outcome.balance:,}")
        self.accept()
        return True


class AdjustDialog(_PointsDialog):
    """A manual adjustment with its reason; above the threshold it waits for a supervisor."""

    def __init__(self, actor: User, customer_id: int, customer_name: str, threshold: int,
                 parent: QWidget | None = None):
        super().__init__(actor, customer_id, customer_name, _("Adjust points"), "adjustDialog", parent)
        self.points_spin = QSpinBox()
        self.points_spin.setObjectName("adjustPointsSpin")
        self.points_spin.setRange(-points.MAX_POINTS, points.MAX_POINTS)
        self.points_spin.setGroupSeparatorShown(True)
        self.points_spin.setValue(0)
        self.threshold_label = QLabel(_("More than {n} points (added or deducted) waits for a supervisor's "
                                        "approval.").format(n=threshold))
        self.threshold_label.setObjectName("thresholdLabel")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(_("why: e.g. compensation for complaint No. 12, campaign make-up"))
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.add_row(_("Points (+ add, − deduct):"), "points", self.points_spin, self.threshold_label)
        self.add_row(_("Reason:"), "reason", self.reason_edit)
        self.finish_layout()
        self.points_spin.setFocus()
        self.points_spin.selectAll()

    def save(self) -> bool:
        if not self.run(lambda: points.request_adjustment(self.actor, self.customer_id, self.points_spin.value(),
                                                          self.reason_edit.toPlainText())):
            return False
        self.result_message = self.outcome.message
        self.accept()
        return True


class ReverseDialog(_PointsDialog):
    """Confirm the reversal of one ledger entry, with the reason."""

    def __init__(self, actor: User, customer_id: int, customer_name: str, entry_text: str,
                 entry_id: int, parent: QWidget | None = None):
        super().__init__(actor, customer_id, customer_name, _("Reverse entry"), "reverseDialog", parent)
        self.entry_id = entry_id
        entry_label = QLabel(entry_text)
        entry_label.setObjectName("reverseEntryLabel")
        entry_label.setWordWrap(True)
        self.form.addRow(_("Entry:"), entry_label)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reverseReasonEdit")
        self.reason_edit.setPlaceholderText(_("why the entry was wrong"))
        self.add_row(_("Reason:"), "reason", self.reason_edit)
        self.save_button.setText(_("Reverse"))
        self.save_button.setObjectName("confirmReverseButton")
        self.finish_layout(_("A reversal entry pointing at this one is added; nothing is deleted, and an entry "
                             "is reversed only once."))
        self.reason_edit.setFocus()

    def save(self) -> bool:
        if not self.run(lambda: points.reverse(self.actor, self.entry_id, self.reason_edit.text())):
            return False
        self.result_message = _("Entry No. {id} was reversed by entry No. {rid}.").format(id=self.entry_id,
                                                                                         rid=self.outcome)
        self.accept()
        return True
