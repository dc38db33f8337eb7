"""Merge two duplicate customers: choose field by field which value stays; history moves, nothing is lost."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFrame, QGridLayout, QHBoxLayout,
                               QLabel, QPushButton, QRadioButton, QScrollArea, QVBoxLayout, QWidget)

from desktop_cs.i18n import _, ngettext
from desktop_cs.services import customers, labels, merge
from desktop_cs.services.customers import CustomerDetail
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import FieldError, explanation, text_width, wait_cursor
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

#: a merge field whose value the page holds under another name (verification stamps are booleans there)
_DETAIL_NAMES = {"registered_at": "registered", "realname_verified_at": "realname_verified",
                 "email_verified_at": "email_verified", "mobile_verified_at": "mobile_verified"}
MAX_SHOWN = 40


def field_value(detail: CustomerDetail, field: str) -> str:
    """FIELD of DETAIL as the merge dialog shows it (masked numbers, labels, 是/否)."""
    if field in _DETAIL_NAMES:
        return _("Yes") if getattr(detail, _DETAIL_NAMES[field]) else _("No")
    if field == "customer_type":
        return labels.label(labels.CUSTOMER_TYPES, detail.customer_type)
    if field == "source":
        return labels.label(labels.SOURCES, detail.source)
    if field == "tier_id":
        return detail.tier
    return str(getattr(detail, field) or "")


def _is_empty(detail: CustomerDetail, field: str) -> bool:
    if field in _DETAIL_NAMES:
        return not getattr(detail, _DETAIL_NAMES[field])
    return not getattr(detail, field)


class MergeDialog(QDialog):
    """Two columns, one row per mergeable field; the kept customer absorbs the other after confirmation."""

    def __init__(self, actor: User, keep_id: int, absorb_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(_("Merge duplicate customers"))
        self.actor = actor
        self.keep_id, self.absorb_id = keep_id, absorb_id
        self.result_: merge.MergeResult | None = None
        #: field -> (keep radio, take radio)
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self._groups: list[QButtonGroup] = []

        self.scroll = QScrollArea()
        self.scroll.setObjectName("mergeFieldsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.swap_button = QPushButton(_("⇄ Swap: keep the other customer"))
        self.swap_button.setObjectName("swapButton")
        self.swap_button.setAutoDefault(False)
        self.swap_button.clicked.connect(self.swap)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("mergeSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.confirm_check = QCheckBox(_("I have checked: these two records are the same person."))
        self.confirm_check.setObjectName("confirmCheck")
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton(_("Merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setEnabled(False)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.merge_button.clicked.connect(self.do_merge)
        buttons.rejected.connect(self.reject)
        self.confirm_check.toggled.connect(self.merge_button.setEnabled)

        top = QHBoxLayout()
        top.addWidget(explanation(_("Choose which value stays for each field. The other customer's callbacks, "
                                    "complaints, enquiries and points move to the kept one; it is marked merged "
                                    "and leaves the lists, and its history stays."), "mergeExplanation"), 1)
        top.addWidget(self.swap_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.confirm_check)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 100))
        self.rebuild()

    # -- the two columns -----------------------------------------------------------------------
    def rebuild(self) -> None:
        """Read both customers (masked) and lay out one row per field, with sensible defaults."""
        self.choices.clear()
        self._groups.clear()
        try:
            keep = customers.get_customer(self.actor, self.keep_id)
            absorbed = customers.get_customer(self.actor, self.absorb_id)
        except ServiceError as error:
            self.scroll.setWidget(QLabel(error.message))
            self.summary_label.clear()
            self.merge_button.setEnabled(False)
            return
        self.keep_detail, self.absorbed_detail = keep, absorbed
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setHorizontalSpacing(text_width(self, 3))
        bold = grid_widget.font()
        bold.setBold(True)
        headers = [QLabel(_("Field")), QLabel(self._heading(_("Keep"), keep)),
                   QLabel(self._heading(_("Merge into it"), absorbed))]
        for column, header in enumerate(headers):
            header.setFont(bold)
            header.setWordWrap(True)
            grid.addWidget(header, 0, column)
        for row, field in enumerate(merge.MERGEABLE_FIELDS, start=1):
            mine, theirs = field_value(keep, field), field_value(absorbed, field)
            keep_radio = self._radio(f"keep_{field}", mine)
            take_radio = self._radio(f"take_{field}", theirs)
            group = QButtonGroup(grid_widget)
            group.addButton(keep_radio)
            group.addButton(take_radio)
            self._groups.append(group)
            take = _is_empty(keep, field) and not _is_empty(absorbed, field)
            (take_radio if take else keep_radio).setChecked(True)
            if mine == theirs:
                # nothing to choose (masked numbers that look alike differ only if both are set)
                same = field not in ("mobile", "id_number") or not mine
                keep_radio.setEnabled(not same)
                take_radio.setEnabled(not same)
            grid.addWidget(QLabel(labels.label(labels.CUSTOMER_FIELDS, field)), row, 0)
            grid.addWidget(keep_radio, row, 1)
            grid.addWidget(take_radio, row, 2)
            self.choices[field] = (keep_radio, take_radio)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(merge.MERGEABLE_FIELDS) + 1, 1)
        self.scroll.setWidget(grid_widget)
        # every row in view when the screen allows (a 1366×768 screen does), a scroll bar otherwise
        self.scroll.setMinimumHeight(min(grid_widget.sizeHint().height() + 2, text_width(self, 70)))
        self.summary_label.setText(self._summary(keep, absorbed))
        self.confirm_check.setChecked(False)
        self.general_error.clear_message()

    @staticmethod
    def _heading(role: str, d: CustomerDetail) -> str:
        parts = [d.name, _("No. {id}").format(id=d.id)]
        if d.specialist:
            parts.append(d.specialist)
        return f"{role}: " + " · ".join(parts)

    @staticmethod
    def _radio(object_name: str, text: str) -> QRadioButton:
        shown = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
        radio = QRadioButton(shown.replace("\n", " ") or "—")
        radio.setObjectName(object_name)
        if shown != text:
            radio.setToolTip(text)
        return radio

    def _summary(self, keep: CustomerDetail, absorbed: CustomerDetail) -> str:
        p = merge.preview(self.actor, keep.id, absorbed.id)
        moved = [ngettext("{n} callback", "{n} callbacks", p.callbacks).format(n=p.callbacks),
                 ngettext("{n} complaint", "{n} complaints", p.complaints).format(n=p.complaints),
                 ngettext("{n} enquiry", "{n} enquiries", p.enquiries).format(n=p.enquiries)]
        text = _("Moves from {absorbed} to {kept}: {records}.").format(
            absorbed=absorbed.name, kept=keep.name, records=", ".join(moved))
        if p.points_balance > 0:
            text += " " + _("Its balance of {n} points moves by a pair of ledger entries naming the merge.").format(
                n=p.points_balance)
        else:
            text += " " + _("It has no points to move.")
        if p.awards_to_reverse:
            text += " " + _("One-time awards both received are kept once: {n} reversed on the absorbed side.").format(
                n=p.awards_to_reverse)
        return text

    def taken_fields(self) -> set[str]:
        """The fields whose value comes from the absorbed customer."""
        return {field for field, (_keep, take) in self.choices.items() if take.isChecked()}

    # -- actions -------------------------------------------------------------------------------
    def swap(self) -> None:
        """Keep the other customer instead (the choices start again)."""
        self.keep_id, self.absorb_id = self.absorb_id, self.keep_id
        self.rebuild()

    def do_merge(self) -> bool:
        """Merge after the confirmation box is ticked; announce both customers as changed."""
        if not self.confirm_check.isChecked():
            return False
        self.general_error.clear_message()
        try:
            with wait_cursor():
                self.result_ = merge.merge(self.actor, self.keep_id, self.absorb_id, self.taken_fields())
        except ServiceError as error:
            self.general_error.show_message(error.message)
            return False
        events().customersChanged.emit([self.keep_id, self.absorb_id])
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User, keep_id: int, absorb_id: int) -> bool:
        """Offer to merge ABSORB_ID into KEEP_ID (the user may swap them); True once merged."""
        dialog = cls(actor, keep_id, absorb_id, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted
