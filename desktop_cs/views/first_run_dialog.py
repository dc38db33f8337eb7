"""The first start: name the company and create the supervisor account (then that supervisor is signed in), or
choose to work on the team server instead (the dialog then ends with ``TEAM_SERVER_RESULT``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_cs.i18n import _
from desktop_cs.services import users
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.views.common import (FieldError, FormErrors, dialog_buttons, explanation, field_with_error, line_edit,
                                     password_edit, text_width)

if TYPE_CHECKING:
    from desktop_cs.models import User


#: what ``exec()`` returns when the user saved a team server instead of creating an account here: the caller
#: (app.py) opens the server now and shows its sign-in (or this dialog again when the server has no users yet)
TEAM_SERVER_RESULT = 2


class FirstRunDialog(QDialog):
    """Asks for the company name and the first supervisor's login, name and password."""

    TEAM_SERVER_RESULT = TEAM_SERVER_RESULT

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Welcome to the Customer Service Desk"))
        self.user: User | None = None
        #: the user chose (and saved) a team server instead: exec() returned TEAM_SERVER_RESULT
        self.switched_to_team_server = False

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

        # The create button does the work itself: the dialog closes only once the account exists.
        buttons, self.create_button = dialog_buttons(self, _("Create account"), "createButton", self._create)

        self.team_server_button = QPushButton(_("Work on a team server instead…"))
        self.team_server_button.setObjectName("teamServerButton")
        self.team_server_button.setFlat(True)
        self.team_server_button.setAutoDefault(False)
        self.team_server_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.team_server_button.setStyleSheet("QPushButton#teamServerButton { color: palette(link); "
                                              "text-decoration: underline; border: none; }")
        self.team_server_button.setToolTip(_("Your team already shares a database on the office server (or will): "
                                             "enter its address instead of creating an account on this PC."))
        self.team_server_button.clicked.connect(self.choose_team_server)
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_server_button)
        team_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(
            _("This is the first start: create the supervisor account that manages the team."),
            "firstRunExplanation"))
        server = _server_in_use()
        if server:
            layout.addWidget(explanation(
                _("The team server {server} has no accounts yet: the account you create here is the team's "
                  "supervisor.").format(server=server), "firstRunServerNote"))
        layout.addSpacing(text_width(self, 1))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addLayout(team_row)
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

    def choose_team_server(self) -> bool:
        """"Work on a team server instead…": the server's details (tried before they are saved); once saved the
        dialog ends with TEAM_SERVER_RESULT. False when the user went back."""
        from desktop_cs.views.team_server_form import TEAM, TeamServerDialog
        if TeamServerDialog.ask(self, choose_mode=False, require_connection=True) != TEAM:
            return False
        self.switched_to_team_server = True
        self.done(TEAM_SERVER_RESULT)
        return True

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> User | None:
        """Show the dialog; the new supervisor, signed in, or None when cancelled or when the user chose a team
        server instead (use exec() and TEAM_SERVER_RESULT to tell the two apart)."""
        dialog = cls(parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.user
        return None


def _server_in_use() -> str:
    """The team server this dialog would create the account on ("" for this PC's own database)."""
    import sys
    database = sys.modules.get("desktop_cs.services.database")
    if database is None or not database.is_team_server():
        return ""
    return database.state().server
