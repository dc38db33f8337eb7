"""The first start: name the company and create the supervisor account (then that supervisor is signed in)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from desktop_cs.i18n import _
from desktop_cs.services import users
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.views.common import (FieldError, FormErrors, explanation, field_with_error, line_edit,
                                     password_edit, text_width)

if TYPE_CHECKING:
    from desktop_cs.models import User


class FirstRunDialog(QDialog):
    """Asks for the company name and the first supervisor's login, name and password."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Welcome to the Customer Service Desk"))
        self.user: User | None = None

        self.company_edit = line_edit("companyEdit", 100)
        self.company_edit.setMinimumWidth(text_width(self.company_edit, 36))
        self.login_edit = line_edit("loginEdit", 32)
        self.login_edit.setPlaceholderText(_("letters and digits, e.g. wang.li"))
        self.name_edit = line_edit("nameEdit", 64)
        self.name_edit.setPlaceholderText(_("optional; as colleagues see it, e.g. Wang Li"))
        self.password_edit = password_edit("passwordEdit")
        self.password_edit.setPlaceholderText(
            _("at least {n} characters").format(n=users.MIN_PASSWORD_LENGTH))
        self.password_repeat_edit = password_edit("passwordRepeatEdit")

        self.company_error = FieldError("companyError")
        self.login_error = FieldError("loginError")
        self.name_error = FieldError("nameError")
        self.password_error = FieldError("passwordError")
        self.password_repeat_error = FieldError("passwordRepeatError")
        self.general_error = FieldError("formError")
        self.errors = FormErrors(self.general_error, {
            "company_name": (self.company_error, self.company_edit),
            "login": (self.login_error, self.login_edit),
            "display_name": (self.name_error, self.name_edit),
            "password": (self.password_error, self.password_edit),
            "password_repeat": (self.password_repeat_error, self.password_repeat_edit),
        })

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Company name:"), field_with_error(self.company_edit, self.company_error))
        form.addRow(_("Your login:"), field_with_error(self.login_edit, self.login_error))
        form.addRow(_("Your name:"), field_with_error(self.name_edit, self.name_error))
        form.addRow(_("Password:"), field_with_error(self.password_edit, self.password_error))
        form.addRow(_("Password again:"), field_with_error(self.password_repeat_edit, self.password_repeat_error))

        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(_("Create account"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("createButton")
        self.create_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        cancel.setAutoDefault(False)
        # The create button does the work itself: the dialog closes only once the account exists.
        self.create_button.clicked.connect(self._create)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(
            _("This is the first start: create the supervisor account that manages the team."),
            "firstRunExplanation"))
        layout.addSpacing(text_width(self, 1))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.company_edit.setFocus()

    def _create(self) -> None:
        self.errors.clear()
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            users.first_run(self.company_edit.text(), login, self.name_edit.text(), password,
                            self.password_repeat_edit.text())
            # Sign in with what was just typed, so the sign-in is recorded like any other.
            self.user = users.authenticate(login, password)
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
    def ask(cls, parent: QWidget | None = None) -> User | None:
        """Show the dialog; the new supervisor, signed in, or None when cancelled."""
        dialog = cls(parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.user
        return None
