"""Team and security in the window: idle lock, switching user, the users dialog, the audit browser and verifier."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QTableView, QTableWidget, QWidget)

from desktop_cs import settings
from desktop_cs.i18n import _
from desktop_cs.models import AuditEntry, User
from desktop_cs.services import customers, users
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import AuthenticationFailed
from desktop_cs.views.audit_dialog import AuditLogDialog, VerifyAuditDialog
from desktop_cs.views.main_window import MainWindow
from desktop_cs.views.session import Session
from desktop_cs.views.users_dialog import ResetPasswordDialog, UserEditDialog, UsersDialog
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def specialist(specialist):
    """spec1, past the first sign-in: the password a supervisor chose was changed already."""
    User.update(must_change_password=False).where(User.id == specialist.id).execute()
    specialist.must_change_password = False
    return specialist


def _window(qtbot, user) -> MainWindow:
    window = MainWindow(user)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _sign_in_at_lock(qtbot, window: MainWindow, login: str, password: str) -> None:
    screen = window.findChild(QWidget, "idleLockScreen")
    screen.findChild(QLineEdit, "lockLoginEdit").setText(login)
    screen.findChild(QLineEdit, "lockPasswordEdit").setText(password)
    qtbot.mouseClick(screen.findChild(QPushButton, "unlockButton"), Qt.MouseButton.LeftButton)


def _actions() -> list[str]:
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


# -- the idle lock -----------------------------------------------------------------------------------------------

def test_idle_lock_hides_the_table_after_the_timeout(qtbot, specialist):
    customers.create_customer(specialist, CustomerInput(name="张三", mobile="13812345678"))
    window = _window(qtbot, specialist)
    table = window.findChild(QTableView, "customerTable")
    assert table.isVisible() and table.model().rowCount() == 1
    window.set_idle_minutes(0.002)                       # 120 ms
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not table.isVisible()
    assert window.findChild(QWidget, "idleLockScreen").isVisible()
    assert not window.statusBar().isVisible() and not window.menuBar().isEnabled()
    assert not window.findChild(QAction, "customersAction").isEnabled()     # no shortcut works behind the lock
    assert not window.findChild(QAction, "newComplaintAction").isEnabled()
    assert _actions()[-1] == "screen_locked"


def test_the_same_user_continues_where_they_were(qtbot, specialist):
    cid = customers.create_customer(specialist, CustomerInput(name="张三"))
    window = _window(qtbot, specialist)
    window.tabs.setCurrentIndex(1)
    window.tabs.setCurrentIndex(0)
    window.customers_tab.show_customer(cid)
    window.tabs.setCurrentIndex(3)
    window.lock()
    assert window.stack.currentWidget() is window.lock_screen
    _sign_in_at_lock(qtbot, window, "spec1", "wrong-password")
    assert window.locked
    assert window.lock_screen.findChild(QLabel, "lockErrorLabel").isVisible()
    _sign_in_at_lock(qtbot, window, "spec1", TEST_PASSWORD)
    assert not window.locked and window.tabs.isVisible() and window.statusBar().isVisible()
    assert window.tabs.currentIndex() == 3 and window.menuBar().isEnabled()
    assert window.findChild(QAction, "customersAction").isEnabled()
    assert _actions()[-3:] == ["screen_locked", "sign_in_failed", "sign_in"]


def test_use_of_keyboard_or_mouse_keeps_the_window_open(qtbot, specialist):
    window = _window(qtbot, specialist)
    window.set_idle_minutes(0.005)                       # 300 ms
    for step in range(8):                                # 800 ms of use
        qtbot.wait(100)
        qtbot.mouseMove(window.tabs, QPoint(10 + step, 10))
        qtbot.keyClick(window.tabs, Qt.Key.Key_Shift)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=3000)


def test_windows_open_at_the_lock_are_hidden_and_a_modal_form_is_cancelled(qtbot, specialist):
    window = _window(qtbot, specialist)
    side = QDialog(window)                               # a non-modal window (e.g. a preview)
    side.setObjectName("sideWindow")
    side.show()
    form = QDialog(window)                               # a form being filled in, modal
    QTimer.singleShot(50, window.lock)
    assert form.exec() == QDialog.DialogCode.Rejected    # the lock ended it
    assert window.locked and not side.isVisible() and not form.isVisible()
    _sign_in_at_lock(qtbot, window, "spec1", TEST_PASSWORD)
    assert side.isVisible() and not form.isVisible()


def test_another_user_at_the_lock_gets_a_fresh_window(qtbot, supervisor, specialist):
    session = Session()
    window = session.open(specialist)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(2)
    window.lock()
    _sign_in_at_lock(qtbot, window, "boss", TEST_PASSWORD)
    fresh = session.window
    qtbot.addWidget(fresh)
    assert fresh is not window and fresh.user.id == supervisor.id and fresh.isVisible()
    assert not window.isVisible() and not fresh.locked
    assert "王主管" in fresh.findChild(QLabel, "userStatusLabel").text()
    assert fresh.findChild(QAction, "usersAction").isVisible()             # the supervisor's own menus
    assert "sign_out" in _actions()


def test_the_idle_time_is_a_setting_of_this_pc(qtbot, specialist, monkeypatch):
    from desktop_cs.views.settings_dialog import SettingsDialog
    assert settings.idle_lock_minutes() == 10
    window = _window(qtbot, specialist)
    assert window.idle.timeout_ms == 10 * 60_000

    def fake_exec(self):
        qtbot.addWidget(self)
        self.findChild(QSpinBox, "idleMinutesSpin").setValue(3)
        self.accept()
        return self.result()

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    window.settings_action.trigger()
    assert settings.idle_lock_minutes() == 3 and window.idle.timeout_ms == 3 * 60_000


# -- switching user ---------------------------------------------------------------------------------------------

def test_switch_user_from_the_file_menu(qtbot, supervisor, specialist, monkeypatch):
    from desktop_cs.views.login_dialog import LoginDialog
    session = Session()
    window = session.open(supervisor)
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)
    window.tabs.setCurrentIndex(3)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: users.authenticate(
        "spec1", TEST_PASSWORD)))
    window.findChild(QAction, "switchUserAction").trigger()
    fresh = session.window
    qtbot.addWidget(fresh)
    assert fresh.user.id == specialist.id and fresh.isVisible() and not window.isVisible()
    assert fresh.tabs.currentIndex() == 3                                         # the saved layout
    assert not fresh.findChild(QAction, "usersAction").isVisible()
    assert "李专员" in fresh.findChild(QLabel, "userStatusLabel").text()
    assert "sign_out" in _actions()


def test_switch_to_a_user_who_must_change_the_password(qtbot, supervisor, specialist, monkeypatch):
    from desktop_cs.views.change_password_dialog import ChangePasswordDialog
    from desktop_cs.views.login_dialog import LoginDialog
    users.reset_password(supervisor, specialist.id, "temp-pass-123")
    session = Session()
    window = session.open(supervisor)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, parent=None, **kw: users.authenticate(
        "spec1", "temp-pass-123")))
    answers = []
    monkeypatch.setattr(ChangePasswordDialog, "ask", classmethod(
        lambda cls, user, parent=None, required=False: answers.append(required) or False))
    assert not window.switch_user()                       # cancelled the required change: nothing happens
    assert session.window is window and window.isVisible() and answers == [True]

    def change(cls, user, parent=None, required=False):
        users.change_own_password(user, "temp-pass-123", "new-pass-456", "new-pass-456")
        return True

    monkeypatch.setattr(ChangePasswordDialog, "ask", classmethod(change))
    assert window.switch_user()
    qtbot.addWidget(session.window)
    assert session.window.user.id == specialist.id
    assert not User.get_by_id(specialist.id).must_change_password


# -- the users dialog -------------------------------------------------------------------------------------------

def test_users_menu_is_for_supervisors_only(qtbot, specialist):
    window = _window(qtbot, specialist)
    for name in ("usersAction", "auditLogAction", "verifyAuditAction"):
        assert not window.findChild(QAction, name).isVisible()


def test_users_dialog_creates_resets_and_deactivates(qtbot, supervisor, specialist, monkeypatch):
    dialog = UsersDialog(supervisor)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "usersTable")
    assert table.rowCount() == 2

    def fill_new(self):
        qtbot.addWidget(self)
        self.findChild(QLineEdit, "userLoginEdit").setText("spec2")
        self.findChild(QLineEdit, "userNameEdit").setText("赵专员")
        self.findChild(QLineEdit, "userPasswordEdit").setText("first-pass-1")
        self.findChild(QLineEdit, "userPasswordRepeatEdit").setText("first-pass-2")
        qtbot.mouseClick(self.findChild(QPushButton, "saveButton"), Qt.MouseButton.LeftButton)
        assert self.findChild(QLabel, "password_repeatError").text() == _("The two passwords differ.")
        self.findChild(QLineEdit, "userPasswordRepeatEdit").setText("first-pass-1")
        qtbot.mouseClick(self.findChild(QPushButton, "saveButton"), Qt.MouseButton.LeftButton)
        return self.result()

    monkeypatch.setattr(UserEditDialog, "exec", fill_new)
    qtbot.mouseClick(dialog.findChild(QPushButton, "newUserButton"), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 3 and dialog.selected().login == "spec2"
    new = User.get(User.login == "spec2")
    assert new.must_change_password and new.role == "specialist"

    # reset the password of spec1: they must change it at the next sign-in
    dialog.select_login("spec1")

    def fill_reset(self):
        qtbot.addWidget(self)
        self.findChild(QLineEdit, "resetPasswordEdit").setText("temp-pass-123")
        self.findChild(QLineEdit, "resetPasswordRepeatEdit").setText("temp-pass-123")
        qtbot.mouseClick(self.findChild(QPushButton, "resetButton"), Qt.MouseButton.LeftButton)
        return self.result()

    monkeypatch.setattr(ResetPasswordDialog, "exec", fill_reset)
    qtbot.mouseClick(dialog.findChild(QPushButton, "resetPasswordButton"), Qt.MouseButton.LeftButton)
    assert users.authenticate("spec1", "temp-pass-123").must_change_password
    assert "temp-pass-123" not in dialog.findChild(QLabel, "usersMessageLabel").text()

    # deactivate spec1 (a question first): they cannot sign in; reactivate
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.select_login("spec1")
    button = dialog.findChild(QPushButton, "deactivateButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with pytest.raises(AuthenticationFailed):
        users.authenticate("spec1", "temp-pass-123")
    assert dialog.selected().login == "spec1" and not dialog.selected().active
    assert button.text() == _("Re&activate")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert users.authenticate("spec1", "temp-pass-123").active

    # the supervisor's own account cannot be deactivated from here
    dialog.select_login("boss")
    assert not button.isEnabled()


def test_a_specialist_opening_the_users_dialog_sees_the_refusal(qtbot, specialist):
    dialog = UsersDialog(specialist)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QTableWidget, "usersTable").rowCount() == 0
    assert dialog.findChild(QLabel, "usersMessageLabel").text()
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == 1


# -- the audit log ----------------------------------------------------------------------------------------------

def test_audit_browser_filters_and_pages(qtbot, supervisor, specialist, monkeypatch):
    from desktop_cs.views import audit_dialog
    monkeypatch.setattr(audit_dialog, "PAGE_SIZE", 3)
    for i in range(4):
        customers.create_customer(specialist, CustomerInput(name=f"客户{i}"))
    dialog = AuditLogDialog(supervisor)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableView, "auditTable")
    total = AuditEntry.select().count()
    assert table.model().rowCount() == 3 and str(total) in dialog.findChild(QLabel, "auditPageLabel").text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditNextButton"), Qt.MouseButton.LeftButton)
    assert dialog.offset == 3
    user_combo = dialog.findChild(QComboBox, "auditUserCombo")
    user_combo.setCurrentIndex(user_combo.findData(specialist.id))
    action_combo = dialog.findChild(QComboBox, "auditActionCombo")
    action_combo.setCurrentIndex(action_combo.findData("customer_created"))
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditSearchButton"), Qt.MouseButton.LeftButton)
    assert dialog.offset == 0 and dialog.total == 4
    first = customers.search_page(specialist, customers.CustomerQuery())[0].id
    dialog.findChild(QLineEdit, "auditCustomerEdit").setText(str(first))
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditSearchButton"), Qt.MouseButton.LeftButton)
    assert table.model().rowCount() == 1 and "李专员" in dialog.details.toPlainText()
    dialog.findChild(QLineEdit, "auditCustomerEdit").setText("abc")
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditSearchButton"), Qt.MouseButton.LeftButton)
    assert not dialog.findChild(QLabel, "auditFilterError").isHidden()


def test_verify_dialog_says_all_entries_verify_then_names_the_edited_row(qtbot, supervisor, db):
    users.authenticate("boss", TEST_PASSWORD)
    dialog = VerifyAuditDialog(supervisor)
    qtbot.addWidget(dialog)
    label = dialog.findChild(QLabel, "verifyResultLabel")
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert dialog.report.ok
    assert str(dialog.report.checked) in label.text() and label.text() == VerifyAuditDialog.describe(dialog.report)

    victim = AuditEntry.select().order_by(AuditEntry.id).offset(1).first()
    db.execute_sql("DROP TRIGGER audit_entry_no_update")
    db.execute_sql("UPDATE audit_entry SET summary = 'forged' WHERE id = ?", (victim.id,))
    again = VerifyAuditDialog(supervisor)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.report is not None, timeout=10_000)
    assert again.report.first_broken_id == victim.id
    assert str(victim.id) in again.findChild(QLabel, "verifyResultLabel").text()


def test_tools_menu_opens_the_audit_dialogs(qtbot, supervisor, monkeypatch):
    window = _window(qtbot, supervisor)
    opened = []
    monkeypatch.setattr(AuditLogDialog, "exec", lambda self: opened.append(self.objectName()) or 0)
    monkeypatch.setattr(VerifyAuditDialog, "exec", lambda self: opened.append(self.objectName()) or 0)
    monkeypatch.setattr(UsersDialog, "exec", lambda self: opened.append(self.objectName()) or 0)
    for name in ("auditLogAction", "verifyAuditAction", "usersAction"):
        window.findChild(QAction, name).trigger()
    assert opened == ["auditLogDialog", "verifyAuditDialog", "usersDialog"]
    QApplication.processEvents()


# -- privacy by default -----------------------------------------------------------------------------------------

def test_the_import_preview_shows_numbers_masked(qtbot, tmp_path, supervisor):
    from tests import data_files as files
    from desktop_cs.services import imports
    from desktop_cs.views.import_wizard import PreviewModel
    rows = [files.customer_row(1), files.customer_row(2, 手机号码="13812345678")]
    customers.create_customer(supervisor, CustomerInput(name="老客户", mobile=files.mobile(1)))   # a duplicate
    path = files.write_csv(tmp_path / "customers.csv", files.HEADER, rows)
    plan = imports.preview(supervisor, path)
    model = PreviewModel()
    model.set_plan(plan, only_problems=False)
    shown = " ".join(str(model.data(model.index(r, c)) or "") for r in range(model.rowCount())
                     for c in range(model.columnCount()))
    assert files.mobile(1) not in shown and "13812345678" not in shown
    assert files.id_number(1) not in shown and files.id_number(2) not in shown
    assert "138****5678" in shown


@pytest.mark.slow
def test_a_reset_password_must_be_changed_before_the_window_opens(supervisor, specialist, data_dir):
    """The real program: signing in with a reset password shows the change form first (no main window)."""
    from desktop_cs.services.database import close_app_database
    from tests.gui.test_app_gui import _log, _run_gui
    users.reset_password(supervisor, specialist.id, "temp-pass-123")
    close_app_database()
    result, _seconds = _run_gui(data_dir, "spec1", "temp-pass-123")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["shown"]          # the first screen painted: the change form
    assert "signed in as" not in _log(data_dir)             # the main window never opened
