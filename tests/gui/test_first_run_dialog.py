"""The first-run dialog: each refusal shows beside its field and stores nothing; a good form creates the supervisor."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton

from desktop_cs.i18n import _
from desktop_cs.services import team_settings, users
from desktop_cs.views.first_run_dialog import FirstRunDialog
from tests.conftest import TEST_PASSWORD

ERROR_LABELS = ("companyError", "loginError", "nameError", "passwordError", "passwordRepeatError", "formError")


@pytest.fixture
def dialog(qtbot, db):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: FirstRunDialog, company="测试公司", login="boss", name="王主管", password=TEST_PASSWORD,
         repeated=TEST_PASSWORD) -> None:
    for object_name, text in (("companyEdit", company), ("loginEdit", login), ("nameEdit", name),
                              ("passwordEdit", password), ("passwordRepeatEdit", repeated)):
        edit = dialog.findChild(QLineEdit, object_name)
        edit.clear()
        edit.setText(text)


def click_create(qtbot, dialog: FirstRunDialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)


def shown_errors(dialog: FirstRunDialog) -> dict[str, str]:
    """objectName -> text of every error label that is showing."""
    found = {}
    for name in ERROR_LABELS:
        label = dialog.findChild(QLabel, name)
        assert label is not None, name
        if not label.isHidden():
            found[name] = label.text()
    return found


def test_explains_itself_and_starts_without_errors(dialog):
    assert _("This is the first start: create the supervisor account that manages the team.") in [
        label.text() for label in dialog.findChildren(QLabel)]
    assert shown_errors(dialog) == {}
    assert dialog.findChild(QLineEdit, "passwordEdit").echoMode() == QLineEdit.EchoMode.Password
    assert dialog.findChild(QLineEdit, "passwordRepeatEdit").echoMode() == QLineEdit.EchoMode.Password


# messages as English source strings: translated inside the test, once the language is set
@pytest.mark.parametrize(("values", "label", "source"), [
    ({"company": "  "}, "companyError", "Enter the company name."),
    ({"login": "b"}, "loginError", "A login is 2 to 32 letters, digits, dots, dashes or underscores."),
    ({"password": "short", "repeated": "short"}, "passwordError", "The password must have at least {n} characters."),
    ({"repeated": TEST_PASSWORD + "x"}, "passwordRepeatError", "The two passwords differ."),
])
def test_refusal_is_shown_beside_its_field_and_nothing_is_stored(qtbot, dialog, values, label, source):
    fill(dialog, **values)
    click_create(qtbot, dialog)

    message = _(source).format(n=users.MIN_PASSWORD_LENGTH)
    assert shown_errors(dialog) == {label: message}
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.user is None
    assert users.has_users() is False
    assert team_settings.get(team_settings.COMPANY_NAME) == ""


def test_error_goes_away_once_the_form_is_right(qtbot, dialog):
    fill(dialog, repeated="something-else")
    click_create(qtbot, dialog)
    assert list(shown_errors(dialog)) == ["passwordRepeatError"]

    fill(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        click_create(qtbot, dialog)

    assert shown_errors(dialog) == {}
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert users.has_users() is True
    assert dialog.user.login == "boss"
    assert dialog.user.display_name == "王主管"
    assert dialog.user.is_supervisor
    assert dialog.user.last_login_at is not None      # signed in, not just created
    assert team_settings.get(team_settings.COMPANY_NAME) == "测试公司"
    assert users.authenticate("boss", TEST_PASSWORD).id == dialog.user.id


def test_a_second_first_run_is_refused_in_the_general_label(qtbot, dialog, supervisor):
    fill(dialog, login="other")
    click_create(qtbot, dialog)

    assert shown_errors(dialog) == {"formError": _("The first account exists already: sign in instead.")}
    assert users.get_by_login("other") is None


def test_ask_returns_the_new_supervisor(qtbot, db, monkeypatch):
    def fake_exec(self):
        qtbot.addWidget(self)
        fill(self)
        click_create(qtbot, self)
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", fake_exec)
    user = FirstRunDialog.ask()
    assert user is not None and user.login == "boss" and user.is_supervisor


def test_ask_returns_none_when_cancelled(qtbot, db, monkeypatch):
    def fake_exec(self):
        qtbot.addWidget(self)
        fill(self)
        self.findChild(QPushButton, "cancelButton").click()
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", fake_exec)
    assert FirstRunDialog.ask() is None
    assert users.has_users() is False
