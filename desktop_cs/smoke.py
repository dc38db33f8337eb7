"""The packaged-build self-check: a throwaway database and supervisor, the real window, a PDF with Chinese text,
and every library whose data files a bundle must carry (so a missing file fails the build's check, not a user's PC)."""
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


def _check(problems: list[str], what: str, test) -> None:
    """Run TEST (True when all is well); a False or an exception becomes a problem about WHAT."""
    try:
        if not test():
            problems.append(f"{what}: wrong result")
    except Exception as exc:
        problems.append(f"{what}: {type(exc).__name__}: {exc}")


def library_problems(temp: Path) -> list[str]:
    """Use each library that reads data files or native code at run time, through our own services."""
    import datetime as dt

    from desktop_cs.services import backup_crypto, calendar, identity, phone_numbers, search_keys

    problems: list[str] = []
    # OpenCC (t2s.json and its .ocd2 dictionaries) and pypinyin (its JSON dictionaries)
    _check(problems, "opencc/pypinyin search keys",
           lambda: search_keys.customer_search_key("張三").split(search_keys.SEPARATOR)[:2] == ["张三", "zhangsan"])
    # python-stdnum's cn/loc.dat: the region of a resident ID
    _check(problems, "python-stdnum region codes",
           lambda: identity.check_id_number("11010519491231002X").region.startswith("北京"))
    _check(problems, "email-validator", lambda: identity.normalize_email("a.b@Example.COM") == "a.b@example.com")
    # phonenumbers' metadata modules, imported by name
    _check(problems, "phonenumbers", lambda: (phone_numbers.check_caller_number("0755-12345678").kind,
                                              phone_numbers.check_caller_number("13812345678").kind)
           == ("landline", "mobile"))
    # holidays: the China class and its translated names (holidays/locale/*/LC_MESSAGES/CN.mo)
    _check(problems, "holidays", lambda: bool(calendar.holiday_name(dt.date(2026, 10, 1)))
           and (i18n.current_language() != "zh_CN" or _has_cjk(calendar.holiday_name(dt.date(2026, 10, 1)))))
    # cryptography (scrypt, AES-GCM): the encrypted second copy of backups
    plain, sealed, opened = temp / "plain.bin", temp / "sealed.bin", temp / "opened.bin"
    plain.write_bytes(b"smoke check " * 100)
    _check(problems, "cryptography", lambda: backup_crypto.decrypt_file(backup_crypto.encrypt_file(
        plain, sealed, backup_crypto.derive_key("smoke-check-passphrase", log2_n=10)), opened,
        "smoke-check-passphrase").read_bytes() == plain.read_bytes())

    def spreadsheets() -> bool:
        import io

        import defusedxml.ElementTree as safe_xml   # openpyxl parses through it when installed
        import openpyxl
        import xlrd

        book = openpyxl.Workbook()
        book.active.append(["张三", 1])
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        return (next(openpyxl.load_workbook(buffer, read_only=True).active.values) == ("张三", 1)
                and safe_xml.fromstring("<a>1</a>").text == "1" and callable(xlrd.open_workbook))

    _check(problems, "openpyxl/xlrd/defusedxml", spreadsheets)
    return problems


def metadata_problems() -> list[str]:
    """The package metadata a bundle must carry: our version, and each bundled part's version and licence text."""
    from importlib import metadata

    from desktop_cs import third_party

    problems: list[str] = []
    try:
        metadata.version("desktop-cs")
    except metadata.PackageNotFoundError:
        problems.append("the package metadata of desktop-cs is missing (the version in About and --version)")
    for part in third_party.PARTS:
        if part.distributions and not third_party.version(part):
            problems.append(f"{part.name}: no version (its package metadata is missing)")
        if not third_party.licence_files(part):
            problems.append(f"{part.name}: no licence text found")
    return problems


def qt_problems(app) -> list[str]:
    """The bundled font registered with Qt, Qt's own translation installed, the window icon loaded."""
    problems: list[str] = []
    if not getattr(app, "_desktop_cs_font_family", ""):
        problems.append(f"the bundled font {paths.font_path()} did not load into Qt")
    if i18n.current_language() != "en" and not getattr(app, "_desktop_cs_translators", []):
        problems.append(f"Qt's own translation qtbase_{i18n.current_language()}.qm did not load")
    if app.windowIcon().isNull():
        problems.append(f"the window icon {paths.resources_dir() / 'icons' / 'app.png'} did not load")
    return problems


def pdf_view_problems(pdf: Path) -> list[str]:
    """QtPdf (the print preview) opens the PDF just written."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    document.load(str(pdf))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        return [f"QtPdf cannot open {pdf}: {document.status()}, {document.error()}"]
    document.close()
    return []


def run_smoke(route_qt: bool = True) -> list[str]:
    """Run every check; return the problems found (empty when all is well).

    The database in the data folder is never opened: the check works on a throwaway
    database in a temporary folder, then writes one PDF into the data folder. The
    libraries, the window and the PDF are checked one after the other, so one failure
    does not hide the others.
    """
    problems: list[str] = []
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    temp = Path(tempfile.mkdtemp(prefix="desktop-cs-smoke-"))
    try:
        try:
            problems.extend(library_problems(temp))
            problems.extend(metadata_problems())
        except Exception as exc:  # report, never a traceback
            problems.append(f"libraries: {type(exc).__name__}: {exc}")
        try:
            problems.extend(_window_problems(temp, route_qt))
        except Exception as exc:
            problems.append(f"window: {type(exc).__name__}: {exc}")
        try:
            from desktop_cs.reports.fonts import pdf_embeds_cjk_font
            from desktop_cs.reports.test_page import write_test_page
            target = write_test_page(paths.pdf_dir() / SMOKE_PDF, company=_("Customer Service Desk"),
                                     printed_by="smoke", printed_at=clock.now())
            if not pdf_embeds_cjk_font(target.read_bytes()):
                problems.append(f"{target}: the CJK font is not embedded")
            problems.extend(pdf_view_problems(target))
        except Exception as exc:
            problems.append(f"PDF: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return problems


def _window_problems(temp: Path, route_qt: bool) -> list[str]:
    """The application (font, Qt translation, icon) and the main window of a throwaway supervisor, every tab."""
    from desktop_cs.models.db import close_database
    from desktop_cs.services import users
    from desktop_cs.services.database import open_app_database

    problems: list[str] = []
    open_app_database(temp / "smoke.sqlite3")
    try:
        user = users.first_run("Smoke", "smoke", "Smoke", "smoke-check-1", "smoke-check-1")

        from desktop_cs.app import create_application, route_qt_messages

        if route_qt:
            route_qt_messages()
        app = create_application()
        problems.extend(qt_problems(app))

        from desktop_cs.views.main_window import MainWindow
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
    finally:
        close_database()
    return problems
