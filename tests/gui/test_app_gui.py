"""The composition root: the application object, the error hook, and the start-up path in a real process."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_cs import APP_NAME, ORG_NAME, app as app_module, logs
from desktop_cs.i18n import _
from desktop_cs.services.errors import ValidationError
from tests.conftest import TEST_PASSWORD


def test_create_application_is_idempotent_and_sets_everything(qapp):
    first = app_module.create_application()
    second = app_module.create_application()
    assert first is second is QApplication.instance()
    assert first.organizationName() == ORG_NAME and first.applicationName() == APP_NAME
    assert first.font().family() == "WenQuanYi Micro Hei"
    assert first.font().pointSizeF() > 0                 # the platform size is kept
    assert len(first._desktop_cs_translators) == 1       # qtbase_zh_CN, installed once


@pytest.fixture
def boxes(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    return shown


def _raise(exc: BaseException):
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - we want the real traceback object
        return type(caught), caught, caught.__traceback__


@pytest.fixture
def log_to_file():
    logs.setup_logging()
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_desktop_cs", False)]:
        root.removeHandler(handler)
        handler.close()


def test_unexpected_error_is_logged_and_shown_briefly(qapp, boxes, monkeypatch, log_to_file):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook()
    sys.excepthook(*_raise(ZeroDivisionError("boom in a slot")))

    assert boxes == [_("An unexpected error occurred. Details were written to: {path}").format(path=logs.log_file())]
    assert "Traceback" not in boxes[0]
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = open(logs.log_file(), encoding="utf-8").read()
    assert "Traceback" in text and "ZeroDivisionError: boom in a slot" in text


def test_service_error_shows_just_its_message(qapp, boxes, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook()
    sys.excepthook(*_raise(ValidationError("请输入公司名称。", "company_name")))
    assert boxes == ["请输入公司名称。"]


# -- the real program in a child process ----------------------------------------------------------

def _run_gui(data_dir, *args: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CS_DATA_DIR=str(data_dir),
               DESKTOP_CS_EXIT_AFTER_SHOWN="1")
    code = f"import sys; from desktop_cs.app import run_gui; sys.exit(run_gui(*{args!r}))"
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    return result, time.perf_counter() - start


def _log(data_dir) -> str:
    path = data_dir / "logs" / logs.LOG_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_first_start_shows_the_first_run_dialog_and_exits_when_painted(data_dir):
    result, _seconds = _run_gui(data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [app_module.SHOWN_LINE]
    assert (data_dir / "desktop_cs.sqlite3").exists()      # the database was created and migrated
    assert "signed in" not in _log(data_dir)


def test_non_interactive_sign_in_goes_straight_to_the_main_window(supervisor, data_dir):
    from desktop_cs.services.database import close_app_database
    close_app_database()
    result, seconds = _run_gui(data_dir, "boss", TEST_PASSWORD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [app_module.SHOWN_LINE]
    assert "signed in as boss" in _log(data_dir)
    assert seconds < 10   # generous: the benchmark script holds the real target


def test_failed_non_interactive_sign_in_opens_the_login_dialog(supervisor, data_dir):
    from desktop_cs.models import AuditEntry
    from desktop_cs.services.database import close_app_database, open_app_database
    close_app_database()
    result, _seconds = _run_gui(data_dir, "boss", "wrong-password")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [app_module.SHOWN_LINE]
    assert "signed in" not in _log(data_dir)
    open_app_database()
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == 1


def test_start_up_imports_nothing_heavy():
    code = ("import sys, desktop_cs.app, desktop_cs.views.main_window, desktop_cs.views.login_dialog, "
            "desktop_cs.views.first_run_dialog; print(sorted(m for m in ('reportlab',) if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.stdout.strip() == "[]", result.stderr
