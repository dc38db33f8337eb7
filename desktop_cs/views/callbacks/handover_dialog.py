"""The shift handover note (交接班记录): what the next shift must follow up, linked to customers and callbacks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import callbacks
from desktop_cs.services.errors import FormErrors, ServiceError
from desktop_cs.views.common import FieldError, explanation, field_with_error, text_width

if TYPE_CHECKING:
    from desktop_cs.models import User


class HandoverDialog(QDialog):
    """Write a handover note; the customers and callbacks selected on My day are offered as links."""

    def __init__(self, actor: User, links: list[tuple[int, int | None, str]] | None = None,
                 parent: QWidget | None = None):
        """LINKS: (customer id, callback id or None, text) of the rows selected on My day."""
        super().__init__(parent)
        self.setObjectName("handoverDialog")
        self.setWindowTitle(_("Shift handover note"))
        self.actor = actor
        self.handover_id: int | None = None
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("handoverBody")
        self.body_edit.setPlaceholderText(_("What must the next shift follow up? Promised calls, open questions…"))
        self.body_edit.setMinimumHeight(self.body_edit.fontMetrics().lineSpacing() * 6)
        self.body_error = FieldError("handoverBodyError")
        self.links = QListWidget()
        self.links.setObjectName("handoverLinks")
        for customer_id, callback_id, text in links or []:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (customer_id, callback_id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.links.addItem(item)
        self.links.setVisible(bool(links))
        self.general_error = FieldError("formError")
        self.general_error.setWordWrap(True)
        buttons = QDialogButtonBox()
        save = buttons.addButton(_("Save note"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("saveHandoverButton")
        save.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        save.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("The next person on duty sees this note on My day until they acknowledge "
                                       "it."), "handoverExplanation"))
        layout.addWidget(field_with_error(self.body_edit, self.body_error), 1)
        if links:
            layout.addWidget(QLabel(_("Linked customers and callbacks:")))
            layout.addWidget(self.links)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 64))

    def save(self) -> bool:
        self.body_error.clear_message()
        self.general_error.clear_message()
        customer_ids, callback_ids = [], []
        for i in range(self.links.count()):
            item = self.links.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                customer_id, callback_id = item.data(Qt.ItemDataRole.UserRole)
                customer_ids.append(customer_id)
                if callback_id:
                    callback_ids.append(callback_id)
        try:
            self.handover_id = callbacks.write_handover(self.actor, self.body_edit.toPlainText(), customer_ids,
                                                        callback_ids)
        except FormErrors as exc:
            for field, message in exc.errors.items():
                (self.body_error if field == "body" else self.general_error).show_message(message)
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, actor: User, links=None, parent: QWidget | None = None) -> int | None:
        dialog = cls(actor, links, parent)
        dialog.exec()
        return dialog.handover_id
