"""The packaged-build self-check: a throwaway database and supervisor, the real window, a PDF with Chinese text."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from desktop_cs import clock, i18n, paths
from desktop_cs.i18n import _

SMOKE_PDF = "smoke-check.pdf"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def run_smoke(route_qt: bool = True) -> list[str]:
    """Run every check; return the problems found (empty when all is well).

    The database in the data folder is never opened: the check works on a throwaway
    database in a temporary folder, then writes one PDF into the data folder.
    """
    problems: list[str] = []
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    temp = Path(tempfile.mkdtemp(prefix="desktop-cs-smoke-"))
    try:
        from desktop_cs.models.db import close_database
        from desktop_cs.services import users
        from desktop_cs.services.database import open_app_database

        open_app_database(temp / "smoke.sqlite3")
        user = users.first_run("Smoke", "smoke", "Smoke", "smoke-check-1", "smoke-check-1")

        from desktop_cs.app import create_application, route_qt_messages
        from desktop_cs.views.main_window import MainWindow

        if route_qt:
            route_qt_messages()
        app = create_application()
        window = MainWindow(user)
        window.show()
        app.processEvents()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            app.processEvents()
            if not window.tabs.currentWidget().isVisible():
                problems.append(f"tab {index} ({window.tabs.tabText(index)}) did not show")
        expected = _("Customer Service Desk")
        title = window.windowTitle()
        if expected not in title:
            problems.append(f"window title {title!r} lacks {expected!r}")
        if i18n.current_language() == "zh_CN" and not _has_cjk(title):
            problems.append(f"window title {title!r} is not translated into Chinese")
        window.close()
        close_database()

        from desktop_cs.reports.fonts import pdf_embeds_cjk_font
        from desktop_cs.reports.test_page import write_test_page
        target = write_test_page(paths.pdf_dir() / SMOKE_PDF, company=_("Customer Service Desk"),
                                 printed_by="smoke", printed_at=clock.now())
        data = target.read_bytes()
        if not pdf_embeds_cjk_font(data):
            problems.append(f"{target}: the CJK font is not embedded")
    except Exception as exc:  # report, never a traceback
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return problems
