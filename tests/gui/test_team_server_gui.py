"""Team mode in the window: the Database settings page and the team server form, the first-run "team server" path,
the lost-connection banner, the server in the status bar and My day's shorter refresh on a team server.

Tests marked with the real server need $DESKTOP_CS_TEST_POSTGRES (scripts/test_postgres.sh) and skip without it.
"""
from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox, QPushButton, QRadioButton

from desktop_cs import paths
from desktop_cs.i18n import _
from desktop_cs.services import connection
from desktop_cs.services import database as app_database
from desktop_cs.services.connection import TeamServer
from desktop_cs.views import team_server_form
from desktop_cs.views.callbacks import callbacks_tab
from desktop_cs.views.common import show_error
from desktop_cs.views.first_run_dialog import TEAM_SERVER_RESULT, FirstRunDialog
from desktop_cs.views.main_window import MainWindow
from desktop_cs.views.settings_dialog import DATABASE_PAGE, SettingsDialog
from desktop_cs.views.team_server_form import TeamServerDialog

FIELD_ERRORS = ("hostError", "portError", "databaseError", "userError", "passwordError", "serverFormError")


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    """Never the real password store of the machine running the tests: the password goes to the file."""
    monkeypatch.setattr(connection, "_keyring", lambda: None)


def config() -> dict:
    path = paths.data_dir() / connection.CONFIG_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def shown_errors(widget) -> dict[str, str]:
    found = {}
    for name in FIELD_ERRORS:
        label = widget.findChild(QLabel, name)
        assert label is not None, name
        if not label.isHidden():
            found[name] = label.text()
    return found


def fill(widget, host="db.office.lan", port="5432", database="desktop_cs", user="kefu", password="s3cret") -> None:
    for name, text in (("hostEdit", host), ("portEdit", port), ("databaseEdit", database), ("userEdit", user),
                       ("serverPasswordEdit", password)):
        edit = widget.findChild(QLineEdit, name)
        edit.setText(text)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def settings_dialog(qtbot, db, monkeypatch):
    monkeypatch.setattr(SettingsDialog, "offer_restart", lambda self: False)
    dialog = SettingsDialog(page=DATABASE_PAGE)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click(qtbot, widget, name: str) -> None:
    button = widget.findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- the settings page ------------------------------------------------------------------------------------------

def test_database_page_starts_on_this_pc_with_the_default_port(settings_dialog):
    dialog = settings_dialog
    assert dialog.pages.currentWidget() is dialog.database_page
    assert dialog.findChild(QRadioButton, "thisPcRadio").isChecked()
    assert dialog.findChild(QLineEdit, "portEdit").text() == "5432"
    assert not dialog.findChild(QLineEdit, "hostEdit").isEnabled()          # only for a team server
    assert dialog.findChild(QLineEdit, "serverPasswordEdit").echoMode() == QLineEdit.EchoMode.Password
    assert _("In use now: this PC's built-in database.") == dialog.findChild(QLabel, "databaseInUseLabel").text()
    assert shown_errors(dialog) == {}


def test_errors_show_beside_their_fields_and_nothing_is_saved(qtbot, settings_dialog, monkeypatch):
    dialog = settings_dialog
    tried = []
    monkeypatch.setattr(connection, "test_connection", lambda server, *a: tried.append(server))
    dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    fill(dialog, host=" ", port="0", user="")
    click(qtbot, dialog, "okButton")

    assert shown_errors(dialog) == {
        "hostError": _("Enter the server's name or IP address."),
        "portError": _("The port is a number from 1 to 65535 (PostgreSQL uses 5432)."),
        "userError": _("Enter the database user name."),
    }
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert tried == [] and config() == {}
    # corrected: the errors go
    fill(dialog)
    click(qtbot, dialog, "testConnectionButton")
    qtbot.waitUntil(lambda: not dialog.database_form.testing)
    assert shown_errors(dialog) == {}


def test_a_command_line_database_is_named_on_the_page(qtbot, db):
    assert SettingsDialog().findChild(QLabel, "databaseOverrideNote") is None
    connection.set_override("postgresql://u@h:5432/d")
    try:
        dialog = SettingsDialog(page=DATABASE_PAGE)
        qtbot.addWidget(dialog)
        assert dialog.findChild(QLabel, "databaseOverrideNote") is not None
    finally:
        connection.set_override(None)


def test_the_keyring_warning_shows_for_a_team_server_only(settings_dialog):
    dialog = settings_dialog
    warning = dialog.findChild(QLabel, "keyringWarningLabel")
    assert warning.isHidden()
    dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    assert not warning.isHidden() and warning.text() == connection.password_warning() != ""


def test_saving_a_team_server_writes_connection_json(qtbot, settings_dialog, monkeypatch):
    dialog = settings_dialog
    monkeypatch.setattr(connection, "test_connection", lambda server, *a: None)
    dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    fill(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        click(qtbot, dialog, "okButton")        # tried first (off the UI thread), then saved

    assert config() == {"mode": "team", "host": "db.office.lan", "port": 5432, "database": "desktop_cs",
                        "user": "kefu", "password": "s3cret", "password_in": "file"}
    assert dialog.database_changed and not dialog.restart_requested
    assert connection.saved_team_server() == TeamServer("db.office.lan", 5432, "desktop_cs", "kefu", "s3cret")


def test_an_unanswered_server_is_saved_only_when_the_user_says_so(qtbot, settings_dialog, monkeypatch):
    dialog = settings_dialog
    monkeypatch.setattr(connection, "test_connection", lambda server, *a: "nobody home")
    answers = [False, True]
    asked = []
    monkeypatch.setattr(SettingsDialog, "confirm_unreachable", lambda self, message: asked.append(message)
                        or answers.pop(0))
    dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    fill(dialog)
    click(qtbot, dialog, "okButton")
    qtbot.waitUntil(lambda: asked == ["nobody home"])
    assert dialog.isVisible() and config() == {}
    assert dialog.findChild(QLabel, "testResultLabel").text() == "nobody home"
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        click(qtbot, dialog, "okButton")
    assert config()["mode"] == "team"


def test_back_to_this_pc_writes_local_and_offers_a_restart(qtbot, db, monkeypatch):
    connection.save_team_server(TeamServer("db.office.lan", 5432, "desktop_cs", "kefu", "pw"))
    monkeypatch.setattr(SettingsDialog, "offer_restart", lambda self: True)
    dialog = SettingsDialog(page=DATABASE_PAGE)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QRadioButton, "teamServerRadio").isChecked()
    assert dialog.findChild(QLineEdit, "hostEdit").text() == "db.office.lan"
    dialog.findChild(QRadioButton, "thisPcRadio").setChecked(True)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert config() == {"mode": "local"} and not connection.is_team_mode()
    assert dialog.database_changed and dialog.restart_requested


def test_unchanged_database_choice_is_not_rewritten(qtbot, settings_dialog, monkeypatch):
    monkeypatch.setattr(SettingsDialog, "offer_restart", lambda self: pytest.fail("no restart to offer"))
    settings_dialog.accept()
    assert settings_dialog.result() == QDialog.DialogCode.Accepted
    assert config() == {} and not settings_dialog.database_changed


def test_restart_now_from_the_main_window_ends_the_loop_with_the_restart_code(qtbot, supervisor, monkeypatch):
    from desktop_cs.views import data_actions
    window = MainWindow(supervisor)
    qtbot.addWidget(window)

    def fake_exec(self):
        self.restart_requested = True
        return QDialog.DialogCode.Accepted

    exits = []
    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    monkeypatch.setattr("desktop_cs.views.main_window.QApplication.exit", lambda code=0: exits.append(code))
    window.settings_action.trigger()
    assert exits == [data_actions.RESTART_EXIT_CODE]


# -- Test connection --------------------------------------------------------------------------------------------

def test_test_connection_to_a_closed_port_says_so_plainly(qtbot, settings_dialog):
    dialog = settings_dialog
    form = dialog.database_form
    dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    port = closed_port()
    fill(dialog, host="127.0.0.1", port=str(port))
    with qtbot.waitSignal(form.testFinished, timeout=15000) as finished:
        click(qtbot, dialog, "testConnectionButton")
        # the wait cursor while the server is tried; the button waits too
        assert QGuiApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
        assert not dialog.findChild(QPushButton, "testConnectionButton").isEnabled()
    result = dialog.findChild(QLabel, "testResultLabel")
    expected = _("Nothing answers at {where}: check the address and the port, and that the database server is "
                 "running and accepts connections from the network.").format(where=f"127.0.0.1:{port}")
    assert finished.args[0].startswith(expected)
    assert result.isVisible() and result.text().startswith(expected)
    assert "Traceback" not in result.text()
    assert QGuiApplication.overrideCursor() is None
    assert dialog.findChild(QPushButton, "testConnectionButton").isEnabled()
    assert config() == {}                      # testing saves nothing


def test_test_connection_to_the_real_server(qtbot, settings_dialog, postgres_server):
    dialog = settings_dialog
    url = postgres_server.new_database()
    try:
        server = TeamServer.from_url(url)
        dialog.findChild(QRadioButton, "teamServerRadio").setChecked(True)
        fill(dialog, host=server.host, port=str(server.port), database=server.database, user=server.user,
             password=server.password)
        with qtbot.waitSignal(dialog.database_form.testFinished, timeout=15000) as finished:
            click(qtbot, dialog, "testConnectionButton")
        assert finished.args == [None]
        assert dialog.findChild(QLabel, "testResultLabel").text() == _("Connected: the server answers.")
        # a wrong password: the server's refusal in plain words
        dialog.findChild(QLineEdit, "serverPasswordEdit").setText("wrong-" + server.password)
        with qtbot.waitSignal(dialog.database_form.testFinished, timeout=15000) as finished:
            click(qtbot, dialog, "testConnectionButton")
        assert finished.args[0].startswith(_("The server refused the user name or password. Check both (the "
                                             "password is case-sensitive)."))
        assert QGuiApplication.overrideCursor() is None
    finally:
        postgres_server.drop_database(url)


# -- the first start --------------------------------------------------------------------------------------------

def _team_server_exec(qtbot, fields: dict):
    """A TeamServerDialog.exec that fills the form, presses Connect and save and waits for the dialog to end."""
    def fake_exec(self):
        qtbot.addWidget(self)
        assert self.findChild(QRadioButton, "thisPcRadio").isHidden()      # only the server's fields here
        fill(self, **fields)
        self.show()
        self.findChild(QPushButton, "saveServerButton").click()
        qtbot.waitUntil(lambda: not self.form.testing, timeout=15000)
        return self.result()
    return fake_exec


def test_first_run_can_switch_to_a_team_server(qtbot, db, monkeypatch):
    monkeypatch.setattr(connection, "test_connection", lambda server, *a: None)
    monkeypatch.setattr(TeamServerDialog, "exec", _team_server_exec(qtbot, {}))
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog, "teamServerButton")
    assert dialog.result() == TEAM_SERVER_RESULT == FirstRunDialog.TEAM_SERVER_RESULT
    assert dialog.switched_to_team_server and dialog.user is None and not dialog.isVisible()
    assert config()["mode"] == "team" and connection.is_team_mode()


def test_first_run_keeps_going_when_the_server_does_not_answer(qtbot, db, monkeypatch):
    port = closed_port()
    monkeypatch.setattr(TeamServerDialog, "exec", _team_server_exec(qtbot, {"host": "127.0.0.1", "port": str(port)}))
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog, "teamServerButton")
    assert dialog.isVisible() and not dialog.switched_to_team_server
    assert config() == {}                      # a server that does not answer is not saved from here


def test_first_run_exec_returns_the_team_server_result(qtbot, db, monkeypatch):
    monkeypatch.setattr(TeamServerDialog, "ask", classmethod(lambda cls, parent=None, **kw: team_server_form.TEAM))
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, dialog.choose_team_server)
    assert dialog.exec() == TEAM_SERVER_RESULT


# -- the lost-connection banner ---------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, supervisor):
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_banner_on_server_unreachable_and_gone_when_the_server_answers(qtbot, window, monkeypatch):
    banner = window.connection_banner
    assert banner.isHidden() and window.findChild(QLabel, "serverStatusLabel").isHidden()   # this PC's database
    answers = [False, True]
    monkeypatch.setattr(app_database, "ping", lambda: answers.pop(0))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    # any view showing the ServerUnreachable message (here the common message box) raises the banner
    show_error(window, app_database.server_unreachable_message(OSError("connection refused")))
    assert banner.isVisible() and banner.lost
    label = window.findChild(QLabel, "connectionBannerLabel")
    assert label.text().startswith(_("The team server cannot be reached: nothing was saved. Check the network cable or "
                                     "Wi-Fi; the program reconnects by itself as soon as the server answers."))
    assert "connection refused" in label.text()
    timer = banner.timer
    assert timer.isActive() and timer.interval() <= 10_000

    banner.poll()                               # no answer yet: the banner stays
    qtbot.waitUntil(lambda: not banner.worker.busy)
    assert banner.isVisible() and answers == [True]
    banner.poll()
    qtbot.waitUntil(lambda: banner.isHidden())
    assert not timer.isActive() and not banner.lost
    assert window.statusBar().currentMessage() == _("The connection to the team server is restored.")


def test_other_errors_raise_no_banner(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    show_error(window, "The mobile number is taken.")
    assert window.connection_banner.isHidden()


def test_a_form_error_label_raises_the_banner_too(qtbot, window):
    from desktop_cs.views.common import FieldError
    label = FieldError("someError")
    label.show_message(app_database.server_unreachable_message())
    assert window.connection_banner.isVisible()
    window.connection_banner.shutdown()


def test_my_day_refreshes_every_30_seconds_on_a_team_server(qtbot, supervisor, monkeypatch):
    assert callbacks_tab.refresh_interval_ms() == callbacks_tab.REFRESH_MS == 3 * 60 * 1000
    monkeypatch.setattr(app_database, "is_team_server", lambda: True)
    assert callbacks_tab.refresh_interval_ms() == callbacks_tab.TEAM_REFRESH_MS == 30 * 1000
    tab = callbacks_tab.CallbackScheduleTab(supervisor, start_timers=False)
    qtbot.addWidget(tab)
    assert tab.refresh_timer.interval() == 30 * 1000


def test_focus_coming_back_refreshes_my_day_on_a_team_server(qtbot, window, monkeypatch):
    tab = window.callbacks_tab
    calls = []
    monkeypatch.setattr(tab, "refresh", lambda: calls.append("my day"))
    complaints = window.complaints_tab
    monkeypatch.setattr(complaints, "refresh_if_stale", lambda age: calls.append("complaints"))
    window._window_activated()
    assert calls == []                          # this PC's own database: nothing else writes
    monkeypatch.setattr(app_database, "is_team_server", lambda: True)
    tab._refreshed_at -= 3600
    window._window_activated()
    assert calls == ["my day", "complaints"]
    calls.clear()
    tab._refreshed_at = __import__("time").monotonic()
    window._window_activated()                 # just loaded: not again
    assert calls == ["complaints"]


# -- a real lost connection (the test server) -------------------------------------------------------------------

@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_a_real_lost_connection_raises_the_banner_and_the_ping_reconnects(qtbot, db, supervisor, postgres_server):
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert app_database.is_team_server()
    server_label = window.findChild(QLabel, "serverStatusLabel")
    assert server_label.isVisible()
    name = urlsplit(db.url).path.strip("/")
    assert name in server_label.text() and "dcs_test:dcs_test" not in server_label.toolTip()
    tab = window.callbacks_tab
    assert tab.refresh_timer.interval() == callbacks_tab.TEAM_REFRESH_MS
    summary = tab.summary_label.text()

    # the server drops this program's connections (a restart, a network cut)
    postgres_server._admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name])
    tab.refresh()                               # the next service call
    banner = window.connection_banner
    assert banner.isVisible() and banner.lost
    assert tab.summary_label.text() == _("Not up to date: the team server cannot be reached.")
    assert not tab.refresh_if_stale(10_000)     # no more reloads while the server is gone (the ping decides)

    banner.poll()                               # off the UI thread: a fresh connection answers
    qtbot.waitUntil(lambda: banner.isHidden(), timeout=15000)
    assert not banner.lost
    assert tab.summary_label.text() == summary  # reloaded on the connection peewee reopened
    tab.refresh()
    assert tab.summary_label.text() == summary and banner.isHidden()
    window.close()


# -- the first start on a team server (app.py) ------------------------------------------------------------------

def _server_with(postgres_server, supervisor: bool) -> str:
    """A fresh database on the test server, with its first supervisor when SUPERVISOR; this PC's SQLite open again."""
    from desktop_cs.models import db as dbmod
    from desktop_cs.services import users
    from tests.conftest import TEST_PASSWORD
    url = postgres_server.new_database()
    if supervisor:
        dbmod.close_database()
        app_database.open_app_database(url=url)
        users.first_run("团队公司", "teamboss", "团队主管", TEST_PASSWORD, TEST_PASSWORD)
        dbmod.close_database()
        app_database.open_app_database()      # back on this PC's (empty) database, as at a first start
    return url


def _choose_server_exec(qtbot, url: str, calls: list):
    """A FirstRunDialog.exec: the first time it saves the team server at URL instead of creating an account."""
    from tests.conftest import TEST_PASSWORD

    def fake_exec(self):
        qtbot.addWidget(self)
        calls.append(self)
        if len(calls) == 1:
            connection.save_team_server(TeamServer.from_url(url))
            self.switched_to_team_server = True
            return TEAM_SERVER_RESULT
        for name, text in (("companyEdit", "团队公司"), ("loginEdit", "teamboss"), ("nameEdit", "团队主管"),
                           ("passwordEdit", TEST_PASSWORD), ("passwordRepeatEdit", TEST_PASSWORD)):
            self.findChild(QLineEdit, name).setText(text)
        self.findChild(QPushButton, "createButton").click()
        return self.result()
    return fake_exec


def test_first_start_on_a_team_server_with_accounts_asks_for_a_sign_in(qtbot, db, postgres_server, monkeypatch):
    from desktop_cs import app as app_module
    from desktop_cs.views.login_dialog import LoginDialog
    from tests.conftest import TEST_PASSWORD
    url = _server_with(postgres_server, supervisor=True)
    try:
        first_runs, logins = [], []
        monkeypatch.setattr(FirstRunDialog, "exec", _choose_server_exec(qtbot, url, first_runs))

        def login_exec(self):
            qtbot.addWidget(self)
            logins.append(self)
            self.findChild(QLineEdit, "loginEdit").setText("teamboss")
            self.findChild(QLineEdit, "passwordEdit").setText(TEST_PASSWORD)
            self.findChild(QPushButton, "signInButton").click()
            return self.result()

        monkeypatch.setattr(LoginDialog, "exec", login_exec)
        user = app_module._first_run()
        assert user is not None and user.login == "teamboss"
        assert len(first_runs) == 1 and len(logins) == 1          # the server's sign-in, no second supervisor
        assert app_database.is_team_server()
    finally:
        from desktop_cs.models import db as dbmod
        dbmod.close_database()
        postgres_server.drop_database(url)


def test_first_start_on_an_empty_team_server_creates_its_supervisor(qtbot, db, postgres_server, monkeypatch):
    from desktop_cs import app as app_module
    from desktop_cs.services import users
    url = _server_with(postgres_server, supervisor=False)
    try:
        first_runs = []
        monkeypatch.setattr(FirstRunDialog, "exec", _choose_server_exec(qtbot, url, first_runs))
        user = app_module._first_run()
        assert user is not None and user.login == "teamboss"
        assert len(first_runs) == 2                               # again, now on the server
        assert app_database.is_team_server() and users.has_users()
        assert first_runs[1].findChild(QLabel, "firstRunServerNote") is not None
    finally:
        from desktop_cs.models import db as dbmod
        dbmod.close_database()
        postgres_server.drop_database(url)


# -- the saved server does not answer at start (app.py) -------------------------------------------------------

def _unreachable_server_saved(monkeypatch) -> None:
    monkeypatch.setattr(connection, "_keyring", lambda: None)
    connection.save_team_server(TeamServer("127.0.0.1", closed_port(), "desktop_cs", "kefu", "pw"))


def _answer_trouble_box(monkeypatch, answers: list[str], seen: list[str]) -> None:
    def fake_exec(box):
        seen.append(box.text())
        wanted = answers.pop(0)
        for button in box.buttons():
            if button.objectName() == wanted or (wanted == "quit" and not button.objectName()):
                box._clicked = button
        return 0
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: box._clicked)


def test_an_unreachable_server_at_start_offers_the_database_settings(qtbot, data_dir, monkeypatch):
    from desktop_cs import app as app_module
    _unreachable_server_saved(monkeypatch)
    seen: list[str] = []
    _answer_trouble_box(monkeypatch, ["retryButton", "databaseSettingsButton"], seen)
    asked = []

    def back_to_this_pc(parent=None, **options):
        asked.append(options)
        connection.use_this_pc()
        return "local"
    monkeypatch.setattr(TeamServerDialog, "ask", back_to_this_pc)
    try:
        assert app_module._open_database() == (False, "")     # this PC's own, new database after the change
    finally:
        app_database.close_app_database()
    assert len(seen) == 2 and all("团队服务器 127.0.0.1:" in text and "无法连接" in text for text in seen)
    assert asked == [{"choose_mode": True, "require_connection": False}]
    assert not app_database.is_team_server()


def test_quitting_at_an_unreachable_server_opens_nothing(qtbot, data_dir, monkeypatch):
    from desktop_cs import app as app_module
    _unreachable_server_saved(monkeypatch)
    seen: list[str] = []
    _answer_trouble_box(monkeypatch, ["quit"], seen)
    assert app_module._open_database() is None
    assert len(seen) == 1
    assert not (data_dir / paths.DATABASE_FILE).exists()


def test_a_database_from_a_newer_program_is_a_plain_message_at_start(qtbot, db, monkeypatch):
    from desktop_cs import app as app_module
    from desktop_cs.models import db as dbmod
    from desktop_cs.models.migrations import VERSION_TABLE, latest_version
    with db.atomic():
        db.execute_sql(f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (?, 'newer', "
                       "'2027-01-01 00:00:00')", (latest_version() + 1,))
    dbmod.close_database()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    assert app_module._open_database() is None
    assert len(shown) == 1 and "新版本" in shown[0]
