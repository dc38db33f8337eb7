"""Assign selected customers to a specialist, and hand one specialist's whole portfolio over to another."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QVBoxLayout,
                               QWidget)

from desktop_cs.i18n import _, ngettext
from desktop_cs.services import assignment
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import FieldError, error_cell, explanation, text_width, wait_cursor
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User


def _specialist_combo(object_name: str, loads: list[tuple[int, str, int]]) -> QComboBox:
    """The active specialists with how many customers each holds, fewest first preselected."""
    combo = QComboBox()
    combo.setObjectName(object_name)
    for user_id, name, held in loads:
        combo.addItem(ngettext("{name} (holds {n} customer)", "{name} (holds {n} customers)", held).format(
            name=name, n=held), user_id)
    return combo


class AssignDialog(QDialog):
    """Pick the specialist who takes the selected customers (their one-week first contact starts now)."""

    def __init__(self, actor: User, customer_ids: list[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle(_("Assign customers"))
        self.actor = actor
        self.customer_ids = list(customer_ids)
        self.changed = 0
        loads = assignment.specialist_loads()
        self.specialist_combo = _specialist_combo("specialistCombo", loads)
        if loads:   # suggest the one holding fewest
            fewest = min(loads, key=lambda row: (row[2], row[1]))
            self.specialist_combo.setCurrentIndex(self.specialist_combo.findData(fewest[0]))
        self.specialist_error = FieldError("specialistError")
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Specialist:"), error_cell(self.specialist_combo, self.specialist_error))

        buttons = QDialogButtonBox()
        self.assign_button = buttons.addButton(_("Assign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.assign_button.setObjectName("assignButton")
        self.assign_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.assign_button.clicked.connect(self.assign)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(ngettext(
            "Assign {n} customer to a specialist. The specialist must contact them within a week.",
            "Assign {n} customers to a specialist. The specialist must contact each within a week.",
            len(self.customer_ids)).format(n=len(self.customer_ids)), "assignExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        if not loads:
            self.specialist_error.show_message(_("There is no active specialist to assign customers to."))
            self.assign_button.setEnabled(False)
        self.setMinimumWidth(text_width(self, 60))

    def assign(self) -> bool:
        """Assign through the service (a supervisor's action); errors show in the dialog."""
        self.specialist_error.clear_message()
        self.general_error.clear_message()
        try:
            with wait_cursor():
                self.changed = assignment.assign(self.actor, self.customer_ids, self.specialist_combo.currentData())
        except ServiceError as error:
            label = self.specialist_error if getattr(error, "field", None) == "specialist" else self.general_error
            label.show_message(error.message)
            return False
        events().customersChanged.emit(self.customer_ids)
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, customer_ids: list[int]) -> bool:
        """Assign CUSTOMER_IDS to a specialist the user picks; True once assigned."""
        dialog = cls(actor, customer_ids, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted


class HandoverDialog(QDialog):
    """Move all of one specialist's customers, with their open callbacks and complaints, to another."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("handoverDialog")
        self.setWindowTitle(_("Hand over customers"))
        self.actor = actor
        self.result_: assignment.HandoverResult | None = None
        self.loads = assignment.specialist_loads()
        self.sources = assignment.specialist_loads(include_inactive=True)
        self.from_combo = _specialist_combo("fromCombo", self.sources)
        self.to_combo = _specialist_combo("toCombo", self.loads)
        if len(self.loads) > 1:
            self.to_combo.setCurrentIndex(1)
        self.from_error = FieldError("fromError")
        self.to_error = FieldError("toError")
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("handoverSummaryLabel")
        self.summary_label.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("From:"), error_cell(self.from_combo, self.from_error))
        form.addRow(_("To:"), error_cell(self.to_combo, self.to_error))

        buttons = QDialogButtonBox()
        self.handover_button = buttons.addButton(_("Hand over"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.handover_button.setObjectName("handoverButton")
        self.handover_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.handover_button.clicked.connect(self.hand_over)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("For a specialist who leaves or changes shift: all their customers, with "
                                       "their open callbacks and complaints, go to another specialist."),
                                     "handoverExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.from_combo.currentIndexChanged.connect(self._update)
        self.to_combo.currentIndexChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(text_width(self, 60))

    def _names(self) -> tuple[str, str, int]:
        by_id = {user_id: (name, held) for user_id, name, held in self.sources}
        source, held = by_id.get(self.from_combo.currentData(), ("", 0))
        target, _held = by_id.get(self.to_combo.currentData(), ("", 0))
        return source, target, held

    def _update(self, *_args) -> None:
        self.from_error.clear_message()
        self.to_error.clear_message()
        source, target, held = self._names()
        same = self.from_combo.currentData() == self.to_combo.currentData()
        if same:
            self.to_error.show_message(_("Choose two different specialists."))
            self.summary_label.clear()
        else:
            self.summary_label.setText(ngettext(
                "{source} holds {n} customer; it will move to {target}, with open callbacks and complaints.",
                "{source} holds {n} customers; they will move to {target}, with open callbacks and complaints.",
                held).format(source=source, target=target, n=held))
        self.handover_button.setEnabled(bool(self.loads) and not same)

    def confirm(self, text: str) -> bool:
        """Ask before moving a whole portfolio."""
        return QMessageBox.question(self, _("Hand over customers"), text) == QMessageBox.StandardButton.Yes

    def hand_over(self) -> bool:
        """Confirm, then hand over through the service; errors show in the dialog."""
        self.general_error.clear_message()
        source, target, held = self._names()
        if not self.confirm(_("Move all customers of {source} to {target}?").format(source=source, target=target)):
            return False
        try:
            with wait_cursor():
                self.result_ = assignment.handover(self.actor, self.from_combo.currentData(),
                                                   self.to_combo.currentData())
        except ServiceError as error:
            self.general_error.show_message(error.message)
            return False
        events().customersChanged.emit([])
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User) -> bool:
        """Choose the two specialists and hand over; True once done."""
        dialog = cls(actor, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted
