"""Composition root of the window program: the QApplication, the error hook, sign-in and the main window."""
from __future__ import annotations

import logging
import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_cs import APP_NAME, ORG_NAME, i18n, logs, paths, settings
from desktop_cs.i18n import _

if TYPE_CHECKING:
    from desktop_cs.models import User
    from desktop_cs.views.login_dialog import LoginDialog

log = logging.getLogger(__name__)

#: set to 1 to print "shown" and exit as soon as the first screen is painted (start-up benchmark)
EXIT_AFTER_SHOWN_ENV = "DESKTOP_CS_EXIT_AFTER_SHOWN"
SHOWN_LINE = "shown"


def _app_title() -> str:
    return _("Customer Service Desk")


# -- the application object ----------------------------------------------------------------------

def _install_translators(app: QApplication) -> None:
    """(Re)install Qt's own translations for the language in force; the translators live on the app."""
    for old in getattr(app, "_desktop_cs_translators", []):
        app.removeTranslator(old)
    app._desktop_cs_translators = i18n.install_qt_translators(app)  # type: ignore[attr-defined]


def _install_font(app: QApplication) -> None:
    """Register the bundled CJK font once and make it the default family, keeping the platform size."""
    family = getattr(app, "_desktop_cs_font_family", None)
    if family is None:
        font_file = paths.font_path()
        font_id = QFontDatabase.addApplicationFont(str(font_file)) if font_file.exists() else -1
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("the bundled font %s could not be loaded; Chinese may not show", font_file)
            app._desktop_cs_font_family = ""  # type: ignore[attr-defined]
            return
        family = families[0]
        app._desktop_cs_font_family = family  # type: ignore[attr-defined]
    if family:
        font = app.font()
        if font.family() != family:
            font.setFamily(family)
            app.setFont(font)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication of this process (created if needed), named, translated, with the bundled font.

    Safe to call more than once: the font is registered once, the translators follow the
    language in force.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(sys.argv[:1] if argv is None else argv) or [APP_NAME])
    elif not isinstance(app, QApplication):
        raise RuntimeError("a QCoreApplication without widgets exists already")
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)
    _install_translators(app)
    _install_font(app)
    icon = paths.resources_dir() / "icons" / "app.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


# -- unexpected errors ---------------------------------------------------------------------------

_showing_error = False


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _showing_error
    from desktop_cs.services.errors import ServiceError

    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if not isinstance(exc, ServiceError):
        from desktop_cs.services.database import service_error_for
        exc = service_error_for(exc) or exc       # locked, read-only, damaged, disk full: a plain message
    if isinstance(exc, ServiceError):
        log.warning("service error reached the top level: %s", exc.message, exc_info=(exc_type, exc, tb))
        message = exc.message
        from desktop_cs.views.common import notice_service_error
        notice_service_error(exc)                 # the team server is gone: the main window's banner
    else:
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        message = _("An unexpected error occurred. Details were written to: {path}").format(path=logs.log_file())
    app = QApplication.instance()
    if not isinstance(app, QApplication) or _showing_error:
        sys.stderr.write(message + "\n")
        return
    _showing_error = True   # an error raised while the box is open is logged, not stacked
    try:
        QMessageBox.critical(QApplication.activeWindow(), _app_title(), message)
    finally:
        _showing_error = False


def install_excepthook() -> None:
    """Route uncaught exceptions to the log file and a short message box (never a traceback to the user)."""
    sys.excepthook = _excepthook


# -- start-up benchmark hook ---------------------------------------------------------------------

class _ExitWhenPainted(QObject):
    """Prints SHOWN_LINE and ends the process once the watched window has painted (benchmark only)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self._fired:
            self._fired = True
            # singleShot(0): after this paint has been flushed to the screen
            QTimer.singleShot(0, _report_shown_and_exit)
        return False


def _report_shown_and_exit() -> None:
    sys.stdout.write(SHOWN_LINE + "\n")
    sys.stdout.flush()
    logging.shutdown()
    os._exit(0)   # at once: no dialog or event loop may keep the process alive


_first_screen_watched = False


def _watch_first_screen(window: QWidget) -> None:
    """In benchmark mode, make WINDOW (the first screen) end the process once it has been painted."""
    global _first_screen_watched
    if os.environ.get(EXIT_AFTER_SHOWN_ENV) == "1" and not _first_screen_watched:
        _first_screen_watched = True
        _ExitWhenPainted(window)   # parented to the window, which keeps it alive


# -- the database ----------------------------------------------------------------------------------

def _open_database(parent: QWidget | None = None) -> tuple[bool, str] | None:
    """Open (and migrate) the database in force: (whether it has users, the company name), also kept
    for the next start; None when it cannot be opened (logged, and said plainly over PARENT)."""
    from desktop_cs.services import database
    from desktop_cs.services.errors import ServiceError
    while True:
        try:
            database.open_app_database()
            return _remember_database()
        except ServiceError as exc:
            log.warning("cannot open the database: %s", exc.message)
            if isinstance(exc, database.ServerUnreachable):
                if _server_trouble(parent):
                    continue
                return None
            QMessageBox.critical(parent, _app_title(), exc.message)
            return None
        except Exception:
            log.exception("cannot open the database in %s", paths.data_dir())
            QMessageBox.critical(parent, _app_title(), _(
                "The database in {folder} cannot be opened. Details were written to: {path}").format(
                folder=paths.data_dir(), path=logs.log_file()))
            return None


def _server_trouble(parent: QWidget | None) -> bool:
    """The team server did not answer at start: try again, change the server (or go back to this PC's own
    database), or quit. True to try opening again."""
    from desktop_cs.services import connection
    server = connection.TeamServer.from_url(connection.configured_url() or "")
    message = _("The team server {server} cannot be reached, so the program cannot start on it. Check the network "
                "cable or Wi-Fi, or ask whoever looks after the server. You can also change the database settings "
                "(another server, or this PC's own database).").format(
        server=f"{server.host}:{server.port}/{server.database}")
    box = QMessageBox(QMessageBox.Icon.Warning, _app_title(), message, parent=parent)
    box.setObjectName("serverTroubleBox")
    retry = box.addButton(_("Try again"), QMessageBox.ButtonRole.AcceptRole)
    change = box.addButton(_("Database settings…"), QMessageBox.ButtonRole.ActionRole)
    retry.setObjectName("retryButton")
    change.setObjectName("databaseSettingsButton")
    box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    if box.clickedButton() is retry:
        return True
    if box.clickedButton() is change:
        from desktop_cs.views.team_server_form import TeamServerDialog
        TeamServerDialog.ask(parent, choose_mode=True, require_connection=False)
        return True        # the server as now saved (or this PC's own database when the user went back)
    return False


def _remember_database() -> tuple[bool, str]:
    """Whether the open database has users, and the company name; kept in settings.ini for the next start."""
    from desktop_cs.services import database, team_settings, users
    has_users = users.has_users()
    company = (team_settings.get(team_settings.COMPANY_NAME) or "") if has_users else ""
    path = database.state().path
    try:
        settings.save_known_database(has_users, company, str(path) if path else "")
    except Exception:  # noqa: BLE001 - only a hint for the next start
        log.warning("cannot remember the database in the settings", exc_info=True)
    return has_users, company


def _known_company(login: str | None, password: str | None) -> str | None:
    """The company name to show at once when the last start found users (the database then opens
    after the sign-in window is painted); None when the database must open first.

    Not with a non-interactive sign-in (it needs the database at once), nor when the last start
    found no users or its SQLite file is gone (a new data folder: the first-run dialog).
    """
    if login and password:
        return None
    try:
        has_users, company, database_file = settings.known_database()
    except Exception:  # noqa: BLE001 - a broken settings file: open first, as without one
        return None
    if not has_users or (database_file and not os.path.exists(database_file)):
        return None
    return company


class _OpenAfterPaint:
    """The login dialog's PREPARE at start-up: opens the database once the dialog is on the screen.

    False (the dialog closes) when the database cannot be opened (``failed``, the message was
    shown) or has no users after all (``no_users``: the first-run dialog follows).
    """

    def __init__(self) -> None:
        self.dialog: LoginDialog | None = None
        self.failed = False
        self.no_users = False

    def __call__(self) -> bool:
        found = _open_database(self.dialog)
        if found is None:
            self.failed = True
            return False
        has_users, company = found
        if not has_users:
            log.info("the database has no users (any more): first run")
            self.no_users = True
            return False
        if self.dialog is not None:
            self.dialog.set_company(company)     # the settings may have held an older name
        return True


# -- the window program --------------------------------------------------------------------------

def _first_run() -> User | None:
    from desktop_cs.views.first_run_dialog import FirstRunDialog
    dialog = FirstRunDialog()
    _watch_first_screen(dialog)
    result = dialog.exec()
    if result == FirstRunDialog.TEAM_SERVER_RESULT:
        # a team server was saved instead: open it now; its sign-in follows, or this dialog again when the
        # server has no accounts yet (its first supervisor)
        from desktop_cs.services import database
        database.close_app_database()
        if _open_database() is None:
            return None
        return _sign_in(None, None)
    if result != FirstRunDialog.DialogCode.Accepted:
        return None
    _remember_database()
    return dialog.user


def _sign_in(login: str | None, password: str | None) -> User | None:
    """The signed-in user (first run, non-interactive login or the login dialog), or None when cancelled.

    The database is open.
    """
    from desktop_cs.services import users
    from desktop_cs.services.errors import AuthenticationFailed

    if not users.has_users():
        return _first_run()

    from desktop_cs.views.login_dialog import LoginDialog
    error = ""
    if login and password:
        try:
            return users.authenticate(login, password)
        except AuthenticationFailed as failure:
            error = failure.message
    dialog = LoginDialog(login=login or "", error=error)
    _watch_first_screen(dialog)
    return dialog.user if dialog.exec() == LoginDialog.DialogCode.Accepted else None


def _sign_in_then_open(login: str | None, company: str) -> tuple[User | None, bool]:
    """Show the login dialog at once (COMPANY as the last start found it) and open the database after
    its first paint; (the signed-in user or None, whether the database could be opened)."""
    from desktop_cs.views.login_dialog import LoginDialog
    prepare = _OpenAfterPaint()
    dialog = LoginDialog(login=login or "", company=company, prepare=prepare)
    prepare.dialog = dialog
    _watch_first_screen(dialog)
    accepted = dialog.exec() == LoginDialog.DialogCode.Accepted
    dialog.deleteLater()
    if prepare.failed:
        return None, False
    if prepare.no_users:
        return _first_run(), True
    return (dialog.user if accepted else None), True


def route_qt_messages() -> None:
    """Send Qt's own warnings to our log file instead of the terminal (not in tests: pytest-qt captures them)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    qt_log = logging.getLogger("qt")

    def handler(mode, context, message: str) -> None:
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def run_gui(login: str | None = None, password: str | None = None, *, language: str | None = None) -> int:
    """Run the window program: open the database, sign in, show the main window; the exit code.

    The language is the one in force (the command line sets it from ``--lang`` or the
    settings); LANGUAGE (``zh_CN`` / ``en``) sets another one for this run.
    With LOGIN and PASSWORD the sign-in is tried without asking; when it fails the
    login dialog opens with the login filled in and the reason shown.
    """
    logs.setup_logging()
    if language:
        i18n.set_language(language)
    route_qt_messages()
    app = create_application()
    install_excepthook()

    # When the last start found users, the login dialog shows at once and the database (peewee,
    # the models, migrations) opens after its first paint; otherwise it opens first.
    company = _known_company(login, password)
    if company is None and _open_database() is None:
        return 1

    try:
        if company is None:
            user = _sign_in(login, password)
        else:
            user, opened = _sign_in_then_open(login, company)
            if not opened:
                return 1
        if user is None:
            return 0
        if user.must_change_password:
            from desktop_cs.views.change_password_dialog import ChangePasswordDialog
            dialog = ChangePasswordDialog(user, required=True)
            _watch_first_screen(dialog)
            if dialog.exec() != ChangePasswordDialog.DialogCode.Accepted:
                return 0

        from desktop_cs.views.session import Session
        session = Session(background=True)      # File → Switch user / the idle lock: a fresh window each
        window = session.open(user, lazy_tabs=True)
        _watch_first_screen(window)
        window.show()
        # points past their validity are written off at every start, off the UI thread, after the first paint
        QTimer.singleShot(0, lambda: window.points_tab.expire_in_background())
        # the quick_check of the database and the automatic backups: off the UI thread, after the first paint
        QTimer.singleShot(0, window.data_actions.start)
        log.info("signed in as %s", user.login)
        code = app.exec()
        window = session.window or window         # whoever was signed in last
        window.data_actions.backup_on_exit()       # if data changed (quick_check; errors only logged)
        from desktop_cs.views.data_actions import RESTART_EXIT_CODE
        if code == RESTART_EXIT_CODE:              # a backup was restored: sign in again on the restored data
            window.close()
            window.deleteLater()
            return run_gui(window.user.login)
        return code
    finally:
        from desktop_cs.services import database
        database.close_app_database()
