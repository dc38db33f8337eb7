"""Sign-in: login and password, checked by the users service (which also locks an account after failures)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QPaintEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_cs.i18n import _
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import FieldError, dialog_buttons, line_edit, password_edit, text_width

if TYPE_CHECKING:
    from desktop_cs.models import User


class LoginDialog(QDialog):
    """Asks for a login and password until they are right or the user cancels."""

    def __init__(self, parent: QWidget | None = None, login: str = "", error: str = "",
                 company: str | None = None, prepare: Callable[[], bool] | None = None):
        """COMPANY: the name to show (None: read it from the database). PREPARE: run once, right
        after the dialog's first paint and in any case before a password is checked (the start-up
        path opens the database then, so the dialog shows without waiting for it); when it returns
        False the dialog closes without a user (its caller knows why)."""
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Sign in"))
        self.user: User | None = None
        self.prepare = prepare
        #: PREPARE's result once it has run; None while it has not (or is running)
        self.prepared: bool | None = None if prepare is not None else True
        self._preparing = False
        self._prepare_scheduled = False

        if company is None:
            from desktop_cs.services import team_settings
            company = team_settings.get(team_settings.COMPANY_NAME) or ""
        self.company_label = QLabel()
        self.company_label.setObjectName("companyLabel")
        self.company_label.setTextFormat(Qt.TextFormat.PlainText)
        self.company_label.setWordWrap(True)
        self.company_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.company_label.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.company_label.setFont(font)
        self.set_company(company)
        title = QLabel(_("Customer Service Desk"))
        title.setObjectName("appTitleLabel")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.login_edit = line_edit("loginEdit", 64)
        self.login_edit.setMinimumWidth(text_width(self.login_edit, 28))
        self.login_edit.setText(login)
        self.password_edit = password_edit("passwordEdit")
        self.error_label = FieldError("loginErrorLabel")
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Login:"), self.login_edit)
        form.addRow(_("Password:"), self.password_edit)

        buttons, self.sign_in_button = dialog_buttons(self, _("Sign in"), "signInButton", self._sign_in)

        layout = QVBoxLayout(self)
        layout.addWidget(self.company_label)
        layout.addWidget(title)
        layout.addSpacing(text_width(self, 2))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.error_label.show_message(error)
        (self.password_edit if login else self.login_edit).setFocus()

    def set_company(self, company: str) -> None:
        """Show COMPANY above the title (hidden when empty)."""
        self.company_label.setText(company)
        self.company_label.setVisible(bool(company))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.prepared is None and not self._prepare_scheduled:
            self._prepare_scheduled = True
            QTimer.singleShot(0, self._prepare_after_paint)   # once this paint is on the screen

    def _prepare_after_paint(self) -> None:
        if self.prepared is None and not self._preparing and not self.run_prepare():
            self.reject()

    def run_prepare(self) -> bool:
        """Run PREPARE unless it has run already; its result (False while it is still running)."""
        if self.prepared is not None:
            return self.prepared
        if self._preparing:
            return False
        self._preparing = True
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.prepared = bool(self.prepare())   # type: ignore[misc]
        finally:
            self._preparing = False
            QGuiApplication.restoreOverrideCursor()
        return self.prepared

    def _sign_in(self) -> None:
        if self._preparing:        # the database is still being opened (a message about it may be up)
            return
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        if not login or not password:
            self.error_label.show_message(_("Enter your login and password."))
            (self.password_edit if login else self.login_edit).setFocus()
            return
        if not self.run_prepare():
            self.reject()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from desktop_cs.services import users
            self.user = users.authenticate(login, password)
        except ServiceError as error:
            self.error_label.show_message(error.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.error_label.clear_message()
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None, login: str = "", error: str = "") -> User | None:
        """Show the dialog (LOGIN prefilled, ERROR shown); the signed-in user, or None when cancelled."""
        dialog = cls(parent, login=login, error=error)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.user
        return None
