"""Start-up after a first start: the sign-in window shows at once and the database opens after its first paint.

The last successful open leaves in settings.ini whether the database has users and the company
name; the next start shows the login dialog with that name and opens the database (peewee, the
models, migrations) only once the dialog is on the screen. A stale hint leads to the first-run
dialog, a database that cannot be opened to the same plain message as before.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from desktop_cs import app as app_module, logs, paths, settings
from desktop_cs.i18n import _
from desktop_cs.models import db as dbmod
from desktop_cs.services import database
from desktop_cs.views.first_run_dialog import FirstRunDialog
from desktop_cs.views.login_dialog import LoginDialog
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def boxes(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    return shown


@pytest.fixture
def opens(monkeypatch):
    """Every call of open_app_database (still opening the real database)."""
    calls = []
    real = database.open_app_database

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(database, "open_app_database", spy)
    return calls


def remember(company: str = "旧公司名", has_users: bool = True) -> None:
    settings.save_known_database(has_users, company, str(paths.database_path()))


def fake_exec(qtbot, checks=None, sign_in: tuple[str, str] | None = None):
    """A LoginDialog.exec that shows the dialog, lets it open the database and optionally signs in."""
    def exec_(self):
        qtbot.addWidget(self)
        if checks is not None:
            checks(self)
        self.show()
        qtbot.waitUntil(lambda: self.prepared is not None, timeout=10000)
        if self.prepared and sign_in is not None:
            self.findChild(QLineEdit, "loginEdit").setText(sign_in[0])
            self.findChild(QLineEdit, "passwordEdit").setText(sign_in[1])
            qtbot.mouseClick(self.findChild(QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
        return self.result()
    return exec_


def company_text(dialog: LoginDialog) -> str:
    label = dialog.findChild(QLabel, "companyLabel")
    return label.text() if not label.isHidden() else ""


# -- what the settings remember ------------------------------------------------------------------

def test_opening_the_database_remembers_users_and_company(supervisor):
    dbmod.close_database()
    assert app_module._open_database() == (True, "测试公司")
    assert settings.known_database() == (True, "测试公司", str(paths.database_path()))


def test_a_new_database_is_remembered_without_users(data_dir):
    assert app_module._open_database() == (False, "")
    assert settings.known_database()[0] is False
    assert app_module._known_company(None, None) is None       # the next start opens first (first run)


def test_the_login_shows_at_once_only_when_the_last_start_found_users(supervisor):
    assert app_module._known_company(None, None) is None       # nothing remembered yet
    remember("测试公司")
    assert app_module._known_company(None, None) == "测试公司"
    assert app_module._known_company("boss", None) == "测试公司"        # --user without a password: the dialog
    assert app_module._known_company("boss", TEST_PASSWORD) is None    # non-interactive: needs the database
    remember("测试公司", has_users=False)
    assert app_module._known_company(None, None) is None


def test_a_remembered_database_file_that_is_gone_means_opening_first(data_dir):
    settings.save_known_database(True, "测试公司", str(data_dir / "elsewhere" / "desktop_cs.sqlite3"))
    assert app_module._known_company(None, None) is None


# -- the login dialog before the database ---------------------------------------------------------

def test_cached_start_shows_the_login_before_the_database_opens_and_signs_in_after(
        qtbot, supervisor, opens, monkeypatch):
    dbmod.close_database()
    remember("旧公司名")
    seen = {}

    def before_shown(dialog):
        seen["opens"] = len(opens)
        seen["company"] = company_text(dialog)
        seen["login"] = dialog.findChild(QLineEdit, "loginEdit").text()

    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot, before_shown, ("boss", TEST_PASSWORD)))
    user, opened = app_module._sign_in_then_open("boss", app_module._known_company("boss", None))

    assert seen == {"opens": 0, "company": "旧公司名", "login": "boss"}   # shown before the database opened
    assert opened and len(opens) == 1                                       # opened once, after the paint
    assert user is not None and user.login == "boss" and user.id == supervisor.id
    assert settings.known_database()[:2] == (True, "测试公司")              # the name of today, for next time


def test_the_company_name_is_corrected_once_the_database_is_open(qtbot, supervisor, monkeypatch):
    dbmod.close_database()
    shown = {}

    def exec_(self):
        qtbot.addWidget(self)
        self.show()
        qtbot.waitUntil(lambda: self.prepared is not None, timeout=10000)
        shown["company"] = company_text(self)
        self.reject()
        return self.result()

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    assert app_module._sign_in_then_open(None, "旧公司名") == (None, True)   # cancelled: no user, no error
    assert shown == {"company": "测试公司"}


def test_stale_hint_goes_to_the_first_run_dialog(qtbot, db, monkeypatch):
    dbmod.close_database()
    remember("旧公司名")                       # but the database has no users
    first_run = []
    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot, sign_in=("boss", TEST_PASSWORD)))

    def first_run_exec(self):
        qtbot.addWidget(self)
        first_run.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(FirstRunDialog, "exec", first_run_exec)
    assert app_module._sign_in_then_open(None, "旧公司名") == (None, True)
    assert len(first_run) == 1
    assert settings.known_database()[0] is False


def test_stale_hint_then_first_run_signs_in_the_new_supervisor(qtbot, db, monkeypatch):
    dbmod.close_database()
    remember("旧公司名")
    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot))

    def first_run_exec(self):
        qtbot.addWidget(self)
        for name, text in (("companyEdit", "新公司"), ("loginEdit", "boss"), ("nameEdit", "王主管"),
                           ("passwordEdit", TEST_PASSWORD), ("passwordRepeatEdit", TEST_PASSWORD)):
            self.findChild(QLineEdit, name).setText(text)
        qtbot.mouseClick(self.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
        return self.result()

    monkeypatch.setattr(FirstRunDialog, "exec", first_run_exec)
    user, opened = app_module._sign_in_then_open(None, "旧公司名")
    assert opened and user is not None and user.login == "boss"
    assert settings.known_database()[:2] == (True, "新公司")


def test_a_database_that_cannot_be_opened_shows_the_plain_message(qtbot, data_dir, boxes, monkeypatch):
    remember("测试公司")
    paths.ensure_data_dir()
    paths.database_path().write_bytes(b"this is not a database" * 100)   # damaged
    assert app_module._known_company(None, None) == "测试公司"
    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot, sign_in=("boss", TEST_PASSWORD)))

    assert app_module._sign_in_then_open(None, "测试公司") == (None, False)
    assert boxes == [_("The database in {folder} cannot be opened. Details were written to: {path}").format(
        folder=paths.data_dir(), path=logs.log_file())]


def test_run_gui_ends_with_1_when_the_database_fails_after_the_login_showed(qtbot, data_dir, boxes, monkeypatch):
    monkeypatch.setattr(app_module, "route_qt_messages", lambda: None)
    monkeypatch.setattr(app_module, "install_excepthook", lambda: None)
    monkeypatch.setattr(app_module.logs, "setup_logging", lambda: None)
    remember("测试公司")
    paths.ensure_data_dir()
    paths.database_path().write_bytes(b"this is not a database" * 100)

    def broken(*args, **kwargs):
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(database, "open_app_database", broken)
    shown = []
    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot, checks=shown.append))

    assert app_module.run_gui() == 1
    assert len(shown) == 1 and len(boxes) == 1 and "Traceback" not in boxes[0]


def test_run_gui_after_a_cancelled_first_run_on_a_stale_hint_ends_with_0(qtbot, db, monkeypatch):
    dbmod.close_database()
    monkeypatch.setattr(app_module, "route_qt_messages", lambda: None)
    monkeypatch.setattr(app_module, "install_excepthook", lambda: None)
    monkeypatch.setattr(app_module.logs, "setup_logging", lambda: None)
    remember("测试公司")
    monkeypatch.setattr(LoginDialog, "exec", fake_exec(qtbot))
    first_run = []
    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: first_run.append(self) or 0)
    assert app_module.run_gui() == 0
    assert len(first_run) == 1


# -- the real program --------------------------------------------------------------------------------

def test_the_first_screen_of_a_cached_start_comes_before_peewee_and_the_database(supervisor, data_dir):
    """In a real process: the login dialog is painted with none of peewee, the models or argon2 loaded."""
    dbmod.close_database()
    remember("测试公司")
    code = ("import sys; from desktop_cs import app\n"
            "exit_now = app._report_shown_and_exit\n"
            "def report():\n"
            "    print(sorted(m for m in ('peewee', 'desktop_cs.models', 'desktop_cs.services.users', 'argon2')"
            " if m in sys.modules))\n"
            "    exit_now()\n"
            "app._report_shown_and_exit = report\n"
            "sys.exit(app.run_gui())\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CS_DATA_DIR=str(data_dir),
               DESKTOP_CS_EXIT_AFTER_SHOWN="1")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", app_module.SHOWN_LINE]
