"""The supervisor's tier list (VIP, key, ordinary...): name, order, callback interval, member tier, active."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import tiers
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.services.permissions import EDIT_SETTINGS, allowed
from desktop_cs.views.common import FieldError, explanation, text_width, wait_cursor
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

NAME, ORDER, INTERVAL, MEMBER, ACTIVE, CUSTOMERS = range(6)
#: service field -> the column that shows it
FIELD_COLUMNS = {"name": NAME, "sort_order": ORDER, "callback_interval_days": INTERVAL, "is_member": MEMBER,
                 "active": ACTIVE}
ID_ROLE = Qt.ItemDataRole.UserRole


class TierDialog(QDialog):
    """An editable table of the tiers; each changed or new row is saved through the tier service."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tierDialog")
        self.setWindowTitle(_("Customer tiers"))
        self.actor = actor
        self.editable = allowed(actor, EDIT_SETTINGS)
        #: row values as loaded / last saved, by tier id
        self.saved: dict[int, tuple] = {}

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("tierTable")
        self.table.setHorizontalHeaderLabels([_("Name"), _("Order"), _("Callback every (days)"), _("Member tier"),
                                              _("Active"), _("Customers")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (ORDER, INTERVAL, MEMBER, ACTIVE, CUSTOMERS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if not self.editable:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.add_button = QPushButton(_("Add tier"))
        self.add_button.setObjectName("addTierButton")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_row)
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.add_button.setEnabled(self.editable)
        self.save_button.setEnabled(self.editable)

        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Tiers sort customers for care: a member tier's customers must all get "
                                       "their callback, every so many days (0 = no periodic callback)."),
                                     "tierExplanation"))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 90))
        self.load()

    # -- rows ----------------------------------------------------------------------------------
    def _check_item(self, checked: bool) -> QTableWidgetItem:
        item = QTableWidgetItem()
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    @staticmethod
    def _number_item(value: int) -> QTableWidgetItem:
        item = QTableWidgetItem()
        item.setData(Qt.ItemDataRole.EditRole, int(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _append(self, tier_id: int | None, name: str, order: int, interval: int, member: bool, active: bool,
                held: int) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setData(ID_ROLE, tier_id)
        self.table.setItem(row, NAME, name_item)
        self.table.setItem(row, ORDER, self._number_item(order))
        self.table.setItem(row, INTERVAL, self._number_item(interval))
        self.table.setItem(row, MEMBER, self._check_item(member))
        self.table.setItem(row, ACTIVE, self._check_item(active))
        held_item = self._number_item(held)
        held_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.setItem(row, CUSTOMERS, held_item)
        return row

    def load(self) -> None:
        """Fill the table with every tier, inactive ones included."""
        self.table.setRowCount(0)
        self.saved.clear()
        for tier in tiers.list_tiers(include_inactive=True):
            row = self._append(tier.id, tier.name, tier.sort_order, tier.callback_interval_days, tier.is_member,
                               tier.active, tier.customers)
            self.saved[tier.id] = self.row_values(row)[1:]

    def add_row(self) -> int:
        """A new, empty tier at the end, its name ready to type."""
        orders = [self.row_values(r)[2] for r in range(self.table.rowCount())]
        row = self._append(None, "", max(orders, default=0) + 1, 0, False, True, 0)
        self.table.setCurrentCell(row, NAME)
        self.table.editItem(self.table.item(row, NAME))
        return row

    def row_values(self, row: int) -> tuple:
        """(tier id, name, order, interval days, member, active) of ROW as typed."""
        def number(column: int) -> int:
            try:
                return int(self.table.item(row, column).data(Qt.ItemDataRole.EditRole))
            except (TypeError, ValueError):
                return -1

        def checked(column: int) -> bool:
            return self.table.item(row, column).checkState() == Qt.CheckState.Checked

        name_item = self.table.item(row, NAME)
        return (name_item.data(ID_ROLE), name_item.text().strip(), number(ORDER), number(INTERVAL), checked(MEMBER),
                checked(ACTIVE))

    # -- saving --------------------------------------------------------------------------------
    def _fail(self, row: int, message: str, field: str | None) -> None:
        name = self.table.item(row, NAME).text().strip() or _("new tier")
        self.general_error.show_message(_("Row {row} ({name}): {message}").format(row=row + 1, name=name,
                                                                                 message=message))
        self.table.setCurrentCell(row, FIELD_COLUMNS.get(field or "name", NAME))

    def save(self) -> bool:
        """Save every new or changed row; the first refusal stops and shows on its row."""
        self.general_error.clear_message()
        changed = False
        for row in range(self.table.rowCount()):
            tier_id, name, order, interval, member, active = self.row_values(row)
            if tier_id is not None and self.saved.get(tier_id) == (name, order, interval, member, active):
                continue
            if tier_id is None and not name.strip():
                continue   # an added row left empty is simply dropped
            try:
                with wait_cursor():
                    new_id = tiers.save_tier(self.actor, tier_id, name, order, interval, member, active)
            except FormErrors as error:
                field, message = next(iter(error.errors.items()))
                self._fail(row, message, field)
            except ValidationError as error:
                self._fail(row, error.message, error.field)
            except ServiceError as error:
                self._fail(row, error.message, None)
            else:
                self.table.item(row, NAME).setData(ID_ROLE, new_id)
                self.saved[new_id] = (name, order, interval, member, active)
                changed = True
                continue
            if changed:
                events().referenceDataChanged.emit()
            return False
        if changed:
            events().referenceDataChanged.emit()
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User) -> bool:
        """Edit the tier list; True when something was saved and the dialog closed."""
        dialog = cls(actor, parent)
        before = dict(dialog.saved)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return accepted and dialog.saved != before
