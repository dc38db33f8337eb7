"""The login dialog: a wrong password is refused in place, the right one returns the signed-in user."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton

from desktop_cs.i18n import _
from desktop_cs.models import AuditEntry
from desktop_cs.views.login_dialog import LoginDialog
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def dialog(qtbot, supervisor):
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    return dialog


def sign_in(qtbot, dialog: LoginDialog, login: str, password: str) -> None:
    dialog.findChild(QLineEdit, "loginEdit").setText(login)
    dialog.findChild(QLineEdit, "passwordEdit").setText(password)
    qtbot.mouseClick(dialog.findChild(QPushButton, "signInButton"), Qt.MouseButton.LeftButton)


def error_label(dialog: LoginDialog) -> QLabel:
    return dialog.findChild(QLabel, "loginErrorLabel")


def test_shows_the_company_name_and_no_error(dialog):
    company = dialog.findChild(QLabel, "companyLabel")
    assert company.text() == "测试公司" and not company.isHidden()
    assert error_label(dialog).isHidden()
    assert dialog.findChild(QLineEdit, "passwordEdit").echoMode() == QLineEdit.EchoMode.Password


def test_wrong_password_is_refused_and_the_dialog_stays(qtbot, dialog):
    sign_in(qtbot, dialog, "boss", "wrong-password")

    assert error_label(dialog).text() == _("Wrong login or password.")
    assert not error_label(dialog).isHidden()
    assert dialog.findChild(QLineEdit, "passwordEdit").text() == ""   # cleared for the next try
    assert dialog.findChild(QLineEdit, "loginEdit").text() == "boss"  # kept
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.user is None
    # the service counted the failure
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == 1


def test_empty_password_is_not_sent_to_the_service(qtbot, dialog):
    sign_in(qtbot, dialog, "boss", "")
    assert error_label(dialog).text() == _("Enter your login and password.")
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == 0


def test_right_password_returns_the_user(qtbot, dialog, supervisor):
    sign_in(qtbot, dialog, "boss", "wrong-password")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        sign_in(qtbot, dialog, "boss", TEST_PASSWORD)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user.id == supervisor.id
    assert dialog.user.last_login_at is not None
    assert error_label(dialog).isHidden()


def test_ask_prefills_the_login_and_shows_the_error(qtbot, supervisor, monkeypatch):
    seen = {}

    def fake_exec(self):
        qtbot.addWidget(self)
        seen["login"] = self.findChild(QLineEdit, "loginEdit").text()
        seen["error"] = error_label(self).text()
        seen["error_shown"] = not error_label(self).isHidden()
        sign_in(qtbot, self, "boss", TEST_PASSWORD)
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    user = LoginDialog.ask(login="boss", error="Wrong login or password.")

    assert seen == {"login": "boss", "error": "Wrong login or password.", "error_shown": True}
    assert user is not None and user.id == supervisor.id


def test_ask_returns_none_on_a_wrong_password_then_cancel(qtbot, supervisor, monkeypatch):
    def fake_exec(self):
        qtbot.addWidget(self)
        sign_in(qtbot, self, "boss", "wrong-password")
        self.findChild(QPushButton, "cancelButton").click()
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    assert LoginDialog.ask() is None


# -- a prepare step (start-up: the database opens after the dialog is painted) -----------------------

def test_prepare_runs_once_after_the_first_paint(qtbot, supervisor):
    calls = []
    dialog = LoginDialog(company="缓存的公司", prepare=lambda: calls.append(1) or True)
    qtbot.addWidget(dialog)
    assert calls == [] and dialog.prepared is None            # not while building the dialog
    assert dialog.findChild(QLabel, "companyLabel").text() == "缓存的公司"
    dialog.show()
    qtbot.waitUntil(lambda: dialog.prepared is True)
    dialog.repaint()
    qtbot.wait(10)
    assert calls == [1]

    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        sign_in(qtbot, dialog, "boss", TEST_PASSWORD)
    assert dialog.user is not None and calls == [1]


def test_signing_in_before_the_prepare_step_ran_waits_for_it(qtbot, supervisor):
    order = []

    def prepare():
        order.append("prepare")
        return True

    dialog = LoginDialog(company="", prepare=prepare)     # never shown, so never painted
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "companyLabel").isHidden()
    sign_in(qtbot, dialog, "boss", TEST_PASSWORD)
    assert order == ["prepare"]
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user is not None


def test_a_failed_prepare_step_closes_the_dialog_without_a_user(qtbot, supervisor):
    dialog = LoginDialog(company="测试公司", prepare=lambda: False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        dialog.show()
    assert dialog.prepared is False and dialog.user is None
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == 0


def test_set_company_shows_or_hides_the_name(dialog):
    label = dialog.findChild(QLabel, "companyLabel")
    dialog.set_company("")
    assert label.isHidden()
    dialog.set_company("新名字")
    assert label.text() == "新名字" and not label.isHidden()
