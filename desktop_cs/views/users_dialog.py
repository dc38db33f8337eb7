"""Tools → Users… (supervisors): the team's accounts; create, edit, reset a password, deactivate or reactivate.

Every command goes through ``services.users``, which checks the permission and writes
the audit log; this dialog only shows what the service returns.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QMessageBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs.i18n import _, ngettext
from desktop_cs.models.user import ROLE_SPECIALIST, ROLE_SUPERVISOR
from desktop_cs.services import users
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.views.common import (FieldError, FormErrors, explanation, field_with_error, line_edit,
                                     password_edit, text_width, wait_cursor)

if TYPE_CHECKING:
    from desktop_cs.models import User

COLUMNS = ("login", "name", "role", "status", "customers", "last_sign_in")


def _status(row: users.UserRow) -> str:
    parts = [_("Active") if row.active else _("Deactivated")]
    if row.locked_until:
        parts.append(_("locked until {time}").format(time=row.locked_until.strftime("%H:%M")))
    if row.must_change_password:
        parts.append(_("must change password"))
    return " · ".join(parts)


class UserEditDialog(QDialog):
    """A new account (login, name, role, first password) or an existing one's name and role."""

    def __init__(self, actor: User, row: users.UserRow | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("userEditDialog")
        self.actor = actor
        self.row = row
        self.user_id: int | None = row.id if row else None
        self.setWindowTitle(_("New user") if row is None else _("Edit user {login}").format(login=row.login))

        self.login_edit = line_edit("userLoginEdit", 32)
        self.login_edit.setMinimumWidth(text_width(self.login_edit, 28))
        self.name_edit = line_edit("userNameEdit", 64)
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("userRoleCombo")
        for role in (ROLE_SPECIALIST, ROLE_SUPERVISOR):
            self.role_combo.addItem(users.role_label(role), role)
        self.password_edit = password_edit("userPasswordEdit")
        self.password_edit.setPlaceholderText(_("at least {n} characters").format(n=users.MIN_PASSWORD_LENGTH))
        self.password_repeat_edit = password_edit("userPasswordRepeatEdit")

        errors = {name: FieldError(f"{name}Error") for name in ("login", "display_name", "role", "password",
                                                                 "password_repeat")}
        self.general_error = FieldError("formError")
        self.errors = FormErrors(self.general_error, {
            "login": (errors["login"], self.login_edit), "display_name": (errors["display_name"], self.name_edit),
            "role": (errors["role"], self.role_combo), "password": (errors["password"], self.password_edit),
            "password_repeat": (errors["password_repeat"], self.password_repeat_edit)})

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Login:"), field_with_error(self.login_edit, errors["login"]))
        form.addRow(_("Name:"), field_with_error(self.name_edit, errors["display_name"]))
        form.addRow(_("Role:"), field_with_error(self.role_combo, errors["role"]))
        if row is None:
            form.addRow(_("Password:"), field_with_error(self.password_edit, errors["password"]))
            form.addRow(_("Password again:"), field_with_error(self.password_repeat_edit, errors["password_repeat"]))
            text = _("The new user signs in with this password once and then chooses their own.")
        else:
            self.login_edit.setText(row.login)
            self.login_edit.setReadOnly(True)
            self.name_edit.setText(row.display_name)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(row.role), 0))
            self.password_edit.hide()
            self.password_repeat_edit.hide()
            text = _("The login stays as it is; history keeps the account under it.")

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(text, "userEditExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        (self.name_edit if row else self.login_edit).setFocus()

    def save(self) -> bool:
        """Create or change the account; errors are shown beside their fields. True once saved."""
        self.errors.clear()
        try:
            with wait_cursor():
                if self.row is None:
                    created = users.create_user(self.actor, self.login_edit.text(), self.name_edit.text(),
                                                str(self.role_combo.currentData()), self.password_edit.text(),
                                                repeated=self.password_repeat_edit.text())
                    self.user_id = created.id
                else:
                    users.update_user(self.actor, self.row.id, self.name_edit.text(),
                                      str(self.role_combo.currentData()))
        except ValidationError as error:
            self.errors.show(error.message, error.field)
            return False
        except ServiceError as error:
            self.errors.show(error.message)
            return False
        self.accept()
        return True


class ResetPasswordDialog(QDialog):
    """A new password for someone who forgot theirs; they must change it at their next sign-in."""

    def __init__(self, actor: User, row: users.UserRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(_("Reset password of {name}").format(name=row.display_name))
        self.actor = actor
        self.row = row
        self.password_edit = password_edit("resetPasswordEdit")
        self.password_edit.setMinimumWidth(text_width(self.password_edit, 28))
        self.password_edit.setPlaceholderText(_("at least {n} characters").format(n=users.MIN_PASSWORD_LENGTH))
        self.repeat_edit = password_edit("resetPasswordRepeatEdit")
        password_error, repeat_error = FieldError("newPasswordError"), FieldError("newPasswordRepeatError")
        self.general_error = FieldError("formError")
        self.errors = FormErrors(self.general_error, {"new_password": (password_error, self.password_edit),
                                                      "new_password_repeat": (repeat_error, self.repeat_edit)})
        form = QFormLayout()
        form.addRow(_("New password:"), field_with_error(self.password_edit, password_error))
        form.addRow(_("New password again:"), field_with_error(self.repeat_edit, repeat_error))
        buttons = QDialogButtonBox()
        self.reset_button = buttons.addButton(_("Reset password"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.reset_button.setObjectName("resetButton")
        self.reset_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.reset_button.clicked.connect(self.reset)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("{name} signs in with this password once and must then choose a new one. "
                                       "A lockout after wrong passwords is lifted.").format(name=row.display_name),
                                     "resetExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.password_edit.setFocus()

    def reset(self) -> bool:
        self.errors.clear()
        try:
            with wait_cursor():
                users.reset_password(self.actor, self.row.id, self.password_edit.text(), self.repeat_edit.text())
        except ValidationError as error:
            self.errors.show(error.message, error.field)
            return False
        except ServiceError as error:
            self.errors.show(error.message)
            return False
        self.accept()
        return True


class UsersDialog(QDialog):
    """The team's accounts with the commands a supervisor has on them (accounts are never deleted)."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle(_("Users"))
        self.actor = actor
        self.rows: list[users.UserRow] = []

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels([_("Login"), _("Name"), _("Role"), _("Status"), _("Customers"),
                                              _("Last sign-in")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(text_width(self.table, 100))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())

        self.new_button = self._button(_("&New user…"), "newUserButton", self.new_user)
        self.edit_button = self._button(_("&Edit…"), "editUserButton", self.edit_user)
        self.reset_button = self._button(_("&Reset password…"), "resetPasswordButton", self.reset_password)
        self.deactivate_button = self._button(_("&Deactivate"), "deactivateButton", self.toggle_active)
        self.message_label = QLabel()
        self.message_label.setObjectName("usersMessageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.reset_button, self.deactivate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Accounts are never deleted: a deactivated account cannot sign in, and the "
                                       "history keeps its name."), "usersExplanation"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        layout.addWidget(close)
        self.resize(text_width(self, 110), text_width(self, 60))
        self.refresh()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Reload the accounts (keeping or moving the selection)."""
        select_id = select_id if select_id is not None else (self.selected().id if self.selected() else None)
        try:
            self.rows = users.list_users(self.actor)
        except ServiceError as error:
            self.rows = []
            self.show_message(error.message)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (row.login, row.display_name, row.role_label, _status(row), str(row.customers),
                      row.last_login_at.strftime("%Y-%m-%d %H:%M") if row.last_login_at else "—")
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if not row.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(r, c, item)
        index = next((i for i, row in enumerate(self.rows) if row.id == select_id), 0 if self.rows else -1)
        if index >= 0:
            self.table.selectRow(index)
        self._update_buttons()

    def selected(self) -> users.UserRow | None:
        """The account selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not (0 <= rows[0].row() < len(self.rows)):
            return None
        return self.rows[rows[0].row()]

    def select_login(self, login: str) -> None:
        """Select the account LOGIN (tests and after creating one)."""
        for i, row in enumerate(self.rows):
            if row.login == login:
                self.table.selectRow(i)
                return

    def _update_buttons(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.reset_button, self.deactivate_button):
            button.setEnabled(row is not None)
        own = row is not None and row.id == self.actor.id
        self.deactivate_button.setText(_("Re&activate") if row is not None and not row.active else _("&Deactivate"))
        if own:
            self.deactivate_button.setEnabled(False)
            self.deactivate_button.setToolTip(_("You cannot deactivate your own account."))
        else:
            self.deactivate_button.setToolTip("")

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    # -- commands ----------------------------------------------------------------------------------
    def new_user(self) -> int | None:
        """The new-account form; the id of the account created, or None."""
        dialog = UserEditDialog(self.actor, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.refresh(dialog.user_id)
        self.show_message(_("Account {login} created: they change the password at their first sign-in.").format(
            login=dialog.login_edit.text().strip()))
        return dialog.user_id

    def edit_user(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        dialog = UserEditDialog(self.actor, row, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.refresh(row.id)
        self.show_message(_("Account {login} saved.").format(login=row.login))
        return True

    def reset_password(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        if ResetPasswordDialog(self.actor, row, self).exec() != QDialog.DialogCode.Accepted:
            return False
        self.refresh(row.id)
        self.show_message(_("The password of {login} was reset: they must change it at their next sign-in.")
                          .format(login=row.login))
        return True

    def toggle_active(self) -> bool:
        """Deactivate the selected account (after a question) or reactivate it."""
        row = self.selected()
        if row is None:
            return False
        try:
            if row.active:
                answer = QMessageBox.question(
                    self, _("Deactivate"), _("Deactivate the account of {name}? They can no longer sign in; "
                                             "their history stays.").format(name=row.display_name))
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                with wait_cursor():
                    result = users.deactivate_user(self.actor, row.id)
                text = _("{login} is deactivated.").format(login=row.login)
                if result.customers:
                    text += " " + ngettext(
                        "They still hold {n} customer: hand it over in the customer archive (Assign → Handover).",
                        "They still hold {n} customers: hand them over in the customer archive (Assign → Handover).",
                        result.customers).format(n=result.customers)
            else:
                with wait_cursor():
                    users.reactivate_user(self.actor, row.id)
                text = _("{login} can sign in again.").format(login=row.login)
        except ServiceError as error:
            self.show_message(error.message)
            return False
        self.refresh(row.id)
        self.show_message(text)
        return True

    @classmethod
    def show_for(cls, actor: User, parent: QWidget | None = None) -> None:
        """Show the dialog (Tools → Users…)."""
        cls(actor, parent).exec()
