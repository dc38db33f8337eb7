"""Which database this PC works on: its built-in one, or the team's PostgreSQL server (host, port, database, user,
password), with a "Test connection" that tries the server off the UI thread.

``TeamServerForm`` is the widget (the settings dialog's Database page); ``TeamServerDialog`` is
the same form in a dialog of its own (the first-run dialog's "Work on a team server instead…").
Saving writes ``connection.json`` through ``services.connection``; the new choice is used the
next time the program opens its database (a restart).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIntValidator
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFormLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import connection
from desktop_cs.services.connection import DEFAULT_PORT, TeamServer
from desktop_cs.services.errors import FormErrors
from desktop_cs.views.common import (ERROR_COLOR, FieldError, WrapLabel, dialog_buttons, error_cell, explanation,
                                     line_edit, password_edit, text_width)
from desktop_cs.views.common.workers import LatestOnlyWorker

log = logging.getLogger(__name__)

OK_COLOR = "#2e7d32"
WARNING_COLOR = "#8a6d00"
#: TeamServer field -> objectName of its error label
ERROR_LABELS = {"host": "hostError", "port": "portError", "database": "databaseError", "user": "userError",
                "password": "passwordError"}
LOCAL, TEAM = "local", "team"


class TeamServerForm(QWidget):
    """The choice "this PC only" / "team server" and the server's address and account, with their errors
    beside each field, "Test connection", and the keyring warning."""

    #: a connection test ended: None when the server answered, else the message shown
    testFinished = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, choose_mode: bool = True):
        """CHOOSE_MODE False: only the server's fields (the first-run dialog's "team server" path)."""
        super().__init__(parent)
        self.setObjectName("teamServerForm")
        self.choose_mode = choose_mode
        self._testing = False
        self.last_test: str | None = None      # the last test's outcome ("" ok, message, or None: not tested)
        self.last_tested: TeamServer | None = None

        self.this_pc_radio = QRadioButton(_("This PC only (built-in database)"), self)
        self.this_pc_radio.setObjectName("thisPcRadio")
        self.team_radio = QRadioButton(_("Team server (several PCs share one database)"), self)
        self.team_radio.setObjectName("teamServerRadio")
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.this_pc_radio)
        self.mode_group.addButton(self.team_radio)
        this_pc_note = self._note(_("The data stays in this PC's data folder. Nothing to set up; one PC at a time."),
                                  "thisPcNote")
        team_note = self._note(_("Everyone works on one shared archive on a PostgreSQL server in the office "
                                 "network. Whoever looks after the server gives you these details."), "teamServerNote")

        self.host_edit = line_edit("hostEdit", 253)
        self.host_edit.setPlaceholderText(_("server name or IP address, e.g. 192.168.1.20"))
        self.port_edit = line_edit("portEdit", 5)
        self.port_edit.setValidator(QIntValidator(0, 65535, self.port_edit))
        self.port_edit.setMaximumWidth(text_width(self.port_edit, 10))
        self.database_edit = line_edit("databaseEdit", 63)
        self.user_edit = line_edit("userEdit", 63)
        self.password_edit = password_edit("serverPasswordEdit")
        self.error_labels = {field: FieldError(name) for field, name in ERROR_LABELS.items()}
        self.general_error = FieldError("serverFormError")
        editors = {"host": self.host_edit, "port": self.port_edit, "database": self.database_edit,
                   "user": self.user_edit, "password": self.password_edit}
        self.editors = editors

        self.keyring_warning = WrapLabel("", "keyringWarningLabel")
        self.keyring_warning.setStyleSheet(f"color: {WARNING_COLOR};")
        self.keyring_warning.setMinimumWidth(text_width(self.keyring_warning, 50))
        self.keyring_warning.hide()

        self.test_button = QPushButton(_("Test connection"))
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.start_test)
        self.test_result = WrapLabel("", "testResultLabel")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setMinimumWidth(text_width(self.test_result, 50))
        self.test_result.hide()

        err = self.error_labels
        self.server_fields = QWidget()
        self.server_fields.setObjectName("teamServerFields")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Server:"), error_cell(self.host_edit, err["host"]))
        form.addRow(_("Port:"), error_cell(self.port_edit, err["port"]))
        form.addRow(_("Database:"), error_cell(self.database_edit, err["database"]))
        form.addRow(_("User:"), error_cell(self.user_edit, err["user"]))
        form.addRow(_("Password:"), error_cell(self.password_edit, err["password"]))
        # the wrapping labels go below the form rows (a form row squeezes a label that wraps)
        fields_box = QVBoxLayout(self.server_fields)
        fields_box.setContentsMargins(0, 0, 0, 0)
        fields_box.addLayout(form)
        fields_box.addWidget(self.keyring_warning)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        fields_box.addLayout(test_row)
        fields_box.addWidget(self.test_result)
        self.server_fields.setMinimumWidth(text_width(self, 72))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.this_pc_radio)
        layout.addWidget(this_pc_note)
        if choose_mode:
            layout.addSpacing(text_width(self, 1))
        layout.addWidget(self.team_radio)
        layout.addWidget(team_note)
        if not choose_mode:                 # only the server's fields
            for widget in (self.this_pc_radio, this_pc_note, self.team_radio):
                widget.hide()
            team_note.setIndent(0)
            layout.addWidget(team_note)
        layout.addWidget(self.server_fields)
        layout.addWidget(self.general_error)
        layout.addStretch(1)

        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._tested)
        self.worker.failed.connect(self._test_failed)
        for edit in editors.values():
            edit.textEdited.connect(self._edited)
        self.mode_group.buttonToggled.connect(lambda *_a: self._mode_changed())
        self.load()

    @staticmethod
    def _note(text: str, object_name: str) -> QLabel:
        label = WrapLabel(text, object_name)
        label.setIndent(24)
        return label

    # -- values ------------------------------------------------------------------------------------
    def load(self) -> None:
        """Show what this PC uses now (connection.json), or empty server fields with the default port."""
        saved = connection.saved_team_server()
        server = saved or TeamServer()
        self.host_edit.setText(server.host)
        self.port_edit.setText(str(server.port or DEFAULT_PORT))
        self.database_edit.setText(server.database)
        self.user_edit.setText(server.user)
        self.password_edit.setText(server.password)
        (self.team_radio if saved is not None or not self.choose_mode else self.this_pc_radio).setChecked(True)
        self._initial = self._values()
        self._mode_changed()

    def team_selected(self) -> bool:
        return self.team_radio.isChecked() or not self.choose_mode

    def server(self) -> TeamServer:
        """The server as typed (a port that is not a number gives 0, which validate() refuses)."""
        try:
            port = int(self.port_edit.text().strip() or 0)
        except ValueError:
            port = 0
        return TeamServer(host=self.host_edit.text().strip(), port=port, database=self.database_edit.text().strip(),
                          user=self.user_edit.text().strip(), password=self.password_edit.text())

    def _values(self) -> tuple:
        server = self.server()
        return (self.team_selected(), server.host, server.port, server.database, server.user, server.password)

    def is_changed(self) -> bool:
        """Whether the choice differs from what is saved (switching databases needs a restart)."""
        return self._values() != self._initial if self.team_selected() else self._initial[0]

    # -- errors ------------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.general_error.clear_message()
        for label in self.error_labels.values():
            label.clear_message()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message beside its field (unknown fields under the form); the cursor goes to the first."""
        self.clear_errors()
        first = None
        for field, message in errors.items():
            label = self.error_labels.get(field)
            if label is None:
                self.general_error.show_message(message)
                continue
            label.show_message(message)
            first = first or self.editors[field]
        QTimer.singleShot(0, self, self._grow_window)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            first.selectAll()

    def check(self) -> TeamServer | None:
        """The server typed when its fields are complete; else None, each error shown beside its field."""
        self.clear_errors()
        server = self.server()
        try:
            server.validate()
        except FormErrors as error:
            self.show_errors(error.errors)
            return None
        return server

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> str | None:
        """Write the choice to connection.json: LOCAL or TEAM, or None (errors shown beside the fields)."""
        if not self.team_selected():
            self.clear_errors()
            connection.use_this_pc()
            self._initial = self._values()
            return LOCAL
        server = self.check()
        if server is None:
            return None
        try:
            stored = connection.save_team_server(server)
        except FormErrors as error:
            self.show_errors(error.errors)
            return None
        except OSError as error:
            self.general_error.show_message(_("The settings could not be written: {error}").format(
                error=error.strerror or error))
            return None
        log.info("team server saved (%s:%s/%s; password in the %s)", server.host, server.port, server.database, stored)
        self._initial = self._values()
        return TEAM

    # -- Test connection -----------------------------------------------------------------------------
    @property
    def testing(self) -> bool:
        return self._testing

    def start_test(self) -> bool:
        """Try the server typed, off the UI thread (wait cursor until the answer); False when a field is wrong."""
        server = self.check()
        if server is None:
            return False
        self._set_testing(True)
        self.last_tested = server
        self._show_result(_("Trying {host}:{port}…").format(host=server.host, port=server.port), "")
        self.worker.submit(lambda: connection.test_connection(server))
        return True

    def _set_testing(self, testing: bool) -> None:
        if testing == self._testing:
            return
        self._testing = testing
        self.test_button.setEnabled(not testing)
        if testing:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QGuiApplication.restoreOverrideCursor()

    def _show_result(self, text: str, color: str) -> None:
        self.test_result.setText(text)
        self.test_result.setStyleSheet(f"color: {color};" if color else "")
        self.test_result.setVisible(bool(text))
        QTimer.singleShot(0, self, self._grow_window)

    def _grow_window(self) -> None:
        """A longer message: the window grows to show it without squeezing the fields (never shrinks)."""
        window = self.window()
        if window is None or not window.isVisible():
            return
        hint = window.sizeHint()
        if window.height() < hint.height() or window.width() < min(hint.width(), window.maximumWidth()):
            window.resize(max(window.width(), hint.width()), max(window.height(), hint.height()))

    def _tested(self, failure: object) -> None:
        self._set_testing(False)
        if failure:
            self.last_test = str(failure)
            self._show_result(str(failure), ERROR_COLOR)
        else:
            self.last_test = ""
            self._show_result(_("Connected: the server answers."), OK_COLOR)
        self.testFinished.emit(failure or None)

    def _test_failed(self, error: object) -> None:
        log.warning("the connection test itself failed: %r", error)
        self._tested(_("The connection could not be tested: {error}").format(error=error))

    def _edited(self, *_args) -> None:
        """A changed field makes the last test's answer stale."""
        if not self._testing:
            self.last_test = None
            self._show_result("", "")

    def _mode_changed(self) -> None:
        team = self.team_selected()
        self.server_fields.setEnabled(team)
        warning = connection.password_warning() if team else ""
        self.keyring_warning.setText(warning)
        self.keyring_warning.setVisible(bool(warning))
        if not team:
            self.clear_errors()

    def shutdown(self) -> None:
        """The form goes away: a test still running is forgotten (its thread ends by itself) and the cursor
        comes back."""
        self.worker.cancel()
        self._set_testing(False)


class TeamServerDialog(QDialog):
    """The team server's details in a dialog of their own; Save tries the server first (REQUIRE_CONNECTION)."""

    def __init__(self, parent: QWidget | None = None, *, choose_mode: bool = False, require_connection: bool = True):
        super().__init__(parent)
        self.setObjectName("teamServerDialog")
        self.setWindowTitle(_("Team server"))
        self.require_connection = require_connection
        self.saved: str | None = None
        self.form = TeamServerForm(self, choose_mode=choose_mode)
        self.form.testFinished.connect(self._test_done)
        self._saving = False

        buttons, self.save_button = dialog_buttons(
            self, _("Connect and save") if require_connection else _("Save"), "saveServerButton", self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Work on the team's shared database on the office server instead of this "
                                       "PC's own."), "teamServerExplanation"))
        layout.addWidget(self.form, 1)
        layout.addWidget(buttons)
        self.form.host_edit.setFocus()

    def save(self) -> None:
        """Save (after a successful test when REQUIRE_CONNECTION); the dialog closes once saved."""
        if self.form.testing:
            return
        if not (self.require_connection and self.form.team_selected()):
            self._finish()
            return
        server = self.form.server()
        if self.form.last_test == "" and self.form.last_tested == server:
            self._finish()                 # tested just now, nothing changed since
            return
        self._saving = self.form.start_test()
        self.save_button.setEnabled(not self._saving)

    def _test_done(self, failure: object) -> None:
        if not self._saving:
            return
        self._saving = False
        self.save_button.setEnabled(True)
        if not failure:
            self._finish()

    def _finish(self) -> None:
        saved = self.form.save()
        if saved is not None:
            self.saved = saved
            self.accept()

    def done(self, result: int) -> None:
        self.form.shutdown()
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None = None, **options) -> str | None:
        """Show the dialog: TEAM or LOCAL when saved, None when cancelled."""
        dialog = cls(parent, **options)
        try:
            return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def ask_restart(parent: QWidget | None) -> bool:
    """After switching databases: restart now (True) or later."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Database"), _(
        "The new database is used after the program restarts. Restart now? (Unsaved work in open forms is "
        "lost.)"), parent=parent)
    box.setObjectName("restartQuestion")
    now = box.addButton(_("Restart now"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(now)
    box.exec()
    return box.clickedButton() is now
