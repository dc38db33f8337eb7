"""Changing one's own password: required after a supervisor reset it, available any time from the File menu."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from desktop_cs.i18n import _
from desktop_cs.services import users
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.views.common import (FieldError, FormErrors, dialog_buttons, explanation, field_with_error,
                                     password_edit, text_width)

if TYPE_CHECKING:
    from desktop_cs.models import User


class ChangePasswordDialog(QDialog):
    """Asks for the current password and the new one twice, and changes it through the users service."""

    def __init__(self, user: User, parent: QWidget | None = None, required: bool = False):
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(_("Change password"))
        self.user = user

        self.old_password_edit = password_edit("oldPasswordEdit")
        self.old_password_edit.setMinimumWidth(text_width(self.old_password_edit, 28))
        self.new_password_edit = password_edit("newPasswordEdit")
        self.new_password_edit.setPlaceholderText(
            _("at least {n} characters").format(n=users.MIN_PASSWORD_LENGTH))
        self.new_password_repeat_edit = password_edit("newPasswordRepeatEdit")

        self.old_password_error = FieldError("oldPasswordError")
        self.new_password_error = FieldError("newPasswordError")
        self.new_password_repeat_error = FieldError("newPasswordRepeatError")
        self.general_error = FieldError("formError")
        self.errors = FormErrors(self.general_error, {
            "old_password": (self.old_password_error, self.old_password_edit),
            "new_password": (self.new_password_error, self.new_password_edit),
            "new_password_repeat": (self.new_password_repeat_error, self.new_password_repeat_edit),
        })

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Current password:"), field_with_error(self.old_password_edit, self.old_password_error))
        form.addRow(_("New password:"), field_with_error(self.new_password_edit, self.new_password_error))
        form.addRow(_("New password again:"),
                    field_with_error(self.new_password_repeat_edit, self.new_password_repeat_error))

        buttons, self.change_button = dialog_buttons(self, _("Change password"), "changeButton", self._change)

        if required:
            text = _("Your password was reset: choose a new one before you continue.")
        else:
            text = _("Choose a new password for {name}.").format(name=user.display_name)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(text, "changePasswordExplanation"))
        layout.addSpacing(text_width(self, 1))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.old_password_edit.setFocus()

    def _change(self) -> None:
        self.errors.clear()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            users.change_own_password(self.user, self.old_password_edit.text(), self.new_password_edit.text(),
                                      self.new_password_repeat_edit.text())
        except ValidationError as error:
            self.errors.show(error.message, error.field)
            return
        except ServiceError as error:
            self.errors.show(error.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()

    @classmethod
    def ask(cls, user: User, parent: QWidget | None = None, required: bool = False) -> bool:
        """Show the dialog; True once the password was changed, False when cancelled."""
        return cls(user, parent, required=required).exec() == QDialog.DialogCode.Accepted
