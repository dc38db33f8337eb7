"""The main window: the four working areas as tabs, the menus, the signed-in user in the status bar, the idle lock."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QMenu, QPushButton, QStackedWidget, QTabWidget,
                               QToolBar, QWidget)

from desktop_cs import paths, settings
from desktop_cs.i18n import N_, _
from desktop_cs.services import team_settings, users
from desktop_cs.services.permissions import AUDIT, MANAGE_USERS, allowed
from desktop_cs.views.common.events import events

if TYPE_CHECKING:
    from desktop_cs.models import User

#: (objectName, title) of the four working areas, in tab order
TABS: tuple[tuple[str, str], ...] = (
    ("customersTab", N_("Customer archive")),
    ("callbacksTab", N_("Callback schedule")),
    ("complaintsTab", N_("Complaint log")),
    ("pointsTab", N_("Points")),
)

GEOMETRY_KEY = "main_window/geometry"
STATE_KEY = "main_window/state"
TAB_KEY = "main_window/tab"

#: how long after the window is built the other tabs start being built (the first paint comes first)
LAZY_TAB_DELAY_MS = 300

#: team mode: focus coming back refreshes My day when its data is older than this
ACTIVATION_REFRESH_MS = 10_000

DEFAULT_WIDTH = 1200
DEFAULT_HEIGHT = 720


#: objectName -> (module, class) of each working area; imported when the tab is first built
TAB_CLASSES: dict[str, tuple[str, str]] = {
    "customersTab": ("desktop_cs.views.customers.archive_tab", "CustomerArchiveTab"),
    "callbacksTab": ("desktop_cs.views.callbacks.callbacks_tab", "CallbackScheduleTab"),
    "complaintsTab": ("desktop_cs.views.complaints.complaints_tab", "ComplaintLogTab"),
    "pointsTab": ("desktop_cs.views.points.points_tab", "PointsTab"),
}


def _pending(object_name: str) -> QWidget:
    """The empty page a tab shows for the moment before it is built."""
    page = QWidget()
    page.setObjectName(object_name.removesuffix("Tab") + "Pending")
    return page


class MainWindow(QMainWindow):
    """The window a signed-in user works in."""

    #: the screen was locked (True) or unlocked (False)
    lockChanged = Signal(bool)

    def __init__(self, user: User, parent: QWidget | None = None, *, lazy_tabs: bool = False):
        """LAZY_TABS: build only the current tab now and the others after the window is painted
        (the start-up path); without it every tab is built at once (tests, the smoke check)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.user = user

        title = _("Customer Service Desk")
        company = team_settings.get(team_settings.COMPANY_NAME)
        if company:
            title = f"{title} — {company}"
        self.setWindowTitle(title)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self._built: dict[str, QWidget] = {}
        for object_name, tab_title in TABS:
            self.tabs.addTab(_pending(object_name), _(tab_title))
        # the working areas, and the sign-in screen that covers them after N idle minutes (views/idle_lock.py)
        from desktop_cs.views.idle_lock import IdleLockScreen, IdleWatcher
        self.session = None            # views/session.py: switching user gives a fresh window
        self.locked = False
        self._locked_state: dict = {}
        self.stack = QStackedWidget()
        self.stack.setObjectName("mainStack")
        self.stack.addWidget(self.tabs)
        self.lock_screen = IdleLockScreen(user)       # objectName idleLockScreen
        self.lock_screen.signedIn.connect(self._signed_in_at_lock)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self.idle = IdleWatcher(settings.idle_lock_minutes(), self)
        self.idle.idle.connect(self.lock)
        self.idle.start()

        self._build_menus()
        from desktop_cs.views.data_actions import DataActions
        self.data_actions = DataActions(self, user)     # import, export, backups, restore, the read-only banner
        self.user_label = QLabel(_("Signed in: {name} ({role})").format(
            name=user.display_name, role=users.role_label(user.role)))
        self.user_label.setObjectName("userStatusLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.match_count_label = QLabel()
        # the callback counts: a click opens My day
        self.callbacks_status = QPushButton()
        self.callbacks_status.setObjectName("callbacksStatusButton")
        self.callbacks_status.setFlat(True)
        self.callbacks_status.setToolTip(_("Callbacks due today / overdue: open My day"))
        self.callbacks_status.clicked.connect(lambda: self.tabs.setCurrentWidget(self.callbacks_tab))
        self.callbacks_status.hide()
        self.statusBar().addPermanentWidget(self.callbacks_status)
        # team mode: the lost-connection banner (views/connection_banner.py) and which server this is
        from desktop_cs.views.connection_banner import ConnectionBanner
        self.connection_banner = ConnectionBanner(self)        # objectName connectionBanner
        self.connection_banner.restored.connect(self._connection_restored)
        events().serverUnreachable.connect(self._server_unreachable)
        self.server_label = QLabel()
        self.server_label.setObjectName("serverStatusLabel")
        self.statusBar().addPermanentWidget(self.server_label)
        self._show_server()
        self.server_changes = None      # team mode: other PCs' changes refresh My day and the complaint log
        from desktop_cs.services import database
        if database.is_team_server():
            from desktop_cs.views.server_changes import ServerChanges
            self.server_changes = ServerChanges(database.server_url(), self)
            self.server_changes.start()
        events().openCustomer.connect(self._open_customer)
        from desktop_cs.views.complaints.signals import complaint_events
        complaint_events().openComplaint.connect(self._show_complaints)

        self._restore_layout()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())      # builds the current tab, checks its View action
        if lazy_tabs:
            # after the first paint (a zero timer could run before it), one tab per turn of the loop
            QTimer.singleShot(LAZY_TAB_DELAY_MS, self._build_next_tab)
        else:
            for object_name, _title in TABS:
                self._tab(object_name)

    # -- tabs, built when first needed -----------------------------------------------------------
    def _tab(self, object_name: str) -> QWidget:
        """The working area OBJECT_NAME, built (and swapped in for its placeholder) on first use."""
        tab = self._built.get(object_name)
        if tab is not None:
            return tab
        module, class_name = TAB_CLASSES[object_name]
        tab = getattr(importlib.import_module(module), class_name)(self.user)
        tab.setObjectName(object_name)
        self._built[object_name] = tab
        index = [name for name, _title in TABS].index(object_name)
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, _(TABS[index][1]))
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        old.deleteLater()
        getattr(self, f"_wire_{object_name}")(tab)
        return tab

    def _build_next_tab(self) -> None:
        """After the first paint: build one more tab per turn of the event loop (the window stays live)."""
        for object_name, _title in TABS:
            if object_name not in self._built:
                self._tab(object_name)
                QTimer.singleShot(0, self._build_next_tab)
                return

    def _wire_customersTab(self, tab: QWidget) -> None:  # noqa: N802 - named after the objectName
        self.statusBar().removeWidget(self.match_count_label)
        self.match_count_label = tab.count_label     # objectName matchCountLabel
        self.statusBar().addWidget(self.match_count_label)
        self.match_count_label.setVisible(self.tabs.currentWidget() is tab)

    def _wire_callbacksTab(self, tab: QWidget) -> None:  # noqa: N802
        tab.countsChanged.connect(self._callback_counts)
        self._callback_counts(*tab.counts)

    def _wire_complaintsTab(self, tab: QWidget) -> None:  # noqa: N802
        tab.countsChanged.connect(self._complaint_counts)
        tab.notice.connect(lambda text: self.statusBar().showMessage(text.replace("\n", " · "), 30000))
        self._complaint_counts(*tab.counts)

    def _wire_pointsTab(self, tab: QWidget) -> None:  # noqa: N802
        pass

    @property
    def customers_tab(self):
        return self._tab("customersTab")

    @property
    def callbacks_tab(self):
        return self._tab("callbacksTab")

    @property
    def complaints_tab(self):
        return self._tab("complaintsTab")

    @property
    def points_tab(self):
        return self._tab("pointsTab")

    # -- menus ---------------------------------------------------------------------------------
    def _action(self, text: str, object_name: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(object_name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()

        file_menu = bar.addMenu(_("&File"))
        file_menu.setObjectName("fileMenu")
        self.settings_action = self._action(_("&Settings…"), "settingsAction", self.show_settings, "Ctrl+,")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.change_password_action = self._action(_("&Change password…"), "changePasswordAction",
                                                    self.change_password)
        self.quit_action = self._action(_("&Quit"), "quitAction", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.new_complaint_action = self._action(_("New &complaint…"), "newComplaintAction", self.new_complaint,
                                                 "Ctrl+Shift+N")
        file_menu.addAction(self.new_complaint_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.change_password_action)
        self.switch_user_action = self._action(_("S&witch user…"), "switchUserAction", self.switch_user)
        self.lock_action = self._action(_("&Lock screen"), "lockAction", lambda: self.lock(idle=False), "Ctrl+L")
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = bar.addMenu(_("&View"))
        view_menu.setObjectName("viewMenu")
        self.tab_actions = QActionGroup(self)
        self.tab_actions.setExclusive(True)
        for index, (object_name, tab_title) in enumerate(TABS):
            action = self._action(_(tab_title), object_name.removesuffix("Tab") + "Action",
                                  lambda _checked=False, i=index: self.tabs.setCurrentIndex(i), f"Ctrl+{index + 1}")
            action.setCheckable(True)
            action.setChecked(index == 0)
            self.tab_actions.addAction(action)
            view_menu.addAction(action)

        from desktop_cs.views.printing.menu import PrintMenu   # reportlab and QtPdf load only when printing
        self.print_menu = PrintMenu(self)                       # objectName printMenu
        bar.addMenu(self.print_menu)

        tools_menu = bar.addMenu(_("&Tools"))
        tools_menu.setObjectName("toolsMenu")
        self.open_data_folder_action = self._action(_("Open &data folder"), "openDataFolderAction",
                                                    self.open_data_folder)
        tools_menu.addAction(self.open_data_folder_action)
        # supervisors: the team's accounts and the audit log (the services refuse anyone else anyway)
        self.users_action = self._action(_("&Users…"), "usersAction", self.show_users)
        self.audit_log_action = self._action(_("&Audit log…"), "auditLogAction", self.show_audit_log)
        self.verify_audit_action = self._action(_("&Verify audit log"), "verifyAuditAction", self.verify_audit_log)
        self.users_action.setVisible(allowed(self.user, MANAGE_USERS))
        for action in (self.audit_log_action, self.verify_audit_action):
            action.setVisible(allowed(self.user, AUDIT))
        tools_menu.addSeparator()
        for action in (self.users_action, self.audit_log_action, self.verify_audit_action):
            tools_menu.addAction(action)

        help_menu = bar.addMenu(_("&Help"))
        help_menu.setObjectName("helpMenu")
        self.about_action = self._action(_("&About…"), "aboutAction", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

    def _stop_listening(self) -> None:
        """A closed window (switching user, tests) no longer answers the app-wide signals."""
        if not getattr(self, "_listening", True):
            return
        self._listening = False
        from desktop_cs.views.complaints.signals import complaint_events
        for signal, slot in ((events().openCustomer, self._open_customer),
                             (events().serverUnreachable, self._server_unreachable),
                             (complaint_events().openComplaint, self._show_complaints)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass

    # -- team server: which one, the lost-connection banner, fresh lists when the window is activated ----
    def _show_server(self) -> None:
        """In team mode the status bar names the server (host:port/database; the full address, password
        hidden, as tooltip)."""
        from desktop_cs.services import database
        from desktop_cs.views.connection_banner import server_text
        server = database.state().server if database.is_team_server() else ""
        if not server:
            self.server_label.hide()
            return
        self.server_label.setText(_("Team server: {server}").format(server=server_text(server)))
        self.server_label.setToolTip(server)
        self.server_label.show()

    def _server_unreachable(self, message: str) -> None:
        self.connection_banner.connection_lost(message)

    def _connection_restored(self) -> None:
        """The server answers again: the lists on screen reload (other PCs may have written meanwhile)."""
        for name in ("callbacksTab", "complaintsTab"):
            tab = self._built.get(name)
            if tab is not None and hasattr(tab, "refresh_if_stale"):
                tab.refresh_if_stale(0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._window_activated()

    def _window_activated(self) -> None:
        """Focus is back in the window: in team mode, My day and the complaint counts catch up with other PCs
        (at most every ACTIVATION_REFRESH_MS; not while the server is unreachable or the screen is locked)."""
        from desktop_cs.services import database
        if self.locked or self.connection_banner.lost or not database.is_team_server():
            return
        for name in ("callbacksTab", "complaintsTab"):
            tab = self._built.get(name)
            if tab is not None and hasattr(tab, "refresh_if_stale"):
                tab.refresh_if_stale(ACTIVATION_REFRESH_MS)

    def _show_complaints(self, _complaint_id: int) -> None:
        self.tabs.setCurrentWidget(self.complaints_tab)     # the tab itself shows the complaint

    def _open_customer(self, _customer_id: int) -> None:
        self.tabs.setCurrentWidget(self.customers_tab)     # the tab itself shows the customer

    def _callback_counts(self, due_today: int, overdue: int) -> None:
        """The callback tab's title and the status bar button show what is due today / overdue."""
        index = self.tabs.indexOf(self.callbacks_tab)
        self.tabs.setTabText(index, self.callbacks_tab.title(_("Callback schedule")))
        self.callbacks_status.setText(_("Callbacks: {due} today, {overdue} overdue").format(
            due=due_today, overdue=overdue))
        self.callbacks_status.setVisible(bool(due_today or overdue))

    def _complaint_counts(self, _overdue: int, _escalated: int) -> None:
        """The complaint tab's title shows the promised replies overdue."""
        index = self.tabs.indexOf(self.complaints_tab)
        self.tabs.setTabText(index, self.complaints_tab.title(_("Complaint log")))

    def new_complaint(self) -> int | None:
        """Ctrl+Shift+N from anywhere: the intake form (for the customer selected in the archive, if one is)."""
        customer_id = None
        if self.tabs.currentWidget() is self.customers_tab:
            ids = self.customers_tab.selected_ids()
            customer_id = ids[0] if len(ids) == 1 else None
        complaint_id = self.complaints_tab.new_complaint(customer_id)
        if complaint_id is not None:
            self.tabs.setCurrentWidget(self.complaints_tab)
        return complaint_id

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(TABS):
            self._tab(TABS[index][0])
        actions = self.tab_actions.actions()
        if 0 <= index < len(actions):
            actions[index].setChecked(True)
        self.match_count_label.setVisible(self._built.get("customersTab") is not None
                                          and self.tabs.widget(index) is self._built["customersTab"])

    # -- menu commands (dialogs are imported when first used, to keep the start fast) ----------
    def show_settings(self, page: str = "general") -> None:
        from desktop_cs.views.settings_dialog import SettingsDialog
        dialog = SettingsDialog(self, page if isinstance(page, str) else "general")   # triggered(bool) too
        dialog.exec()
        self.idle.set_minutes(settings.idle_lock_minutes())     # a new idle time applies at once
        if dialog.restart_requested:                             # another database: reopen on it, sign in again
            self.restart()

    def restart(self) -> None:
        """End the event loop with the code that makes ``app.run_gui`` open the database again and sign in."""
        from desktop_cs.views.data_actions import RESTART_EXIT_CODE
        QApplication.exit(RESTART_EXIT_CODE)

    def show_users(self) -> None:
        from desktop_cs.views.users_dialog import UsersDialog
        UsersDialog.show_for(self.user, self)

    def show_audit_log(self) -> None:
        from desktop_cs.views.audit_dialog import AuditLogDialog
        AuditLogDialog.show_for(self.user, self)

    def verify_audit_log(self) -> None:
        from desktop_cs.views.audit_dialog import VerifyAuditDialog
        VerifyAuditDialog.show_for(self.user, self)

    # -- switching user and the idle lock --------------------------------------------------------
    def switch_user(self) -> bool:
        """File → Switch user…: sign in as someone else; they get a fresh window and this one closes."""
        from desktop_cs.views.login_dialog import LoginDialog
        user = LoginDialog.ask(self)
        if user is None:
            return False
        if user.id == self.user.id:
            self.statusBar().showMessage(_("You are signed in already."), 5000)
            return False
        return self.hand_over(user)

    def hand_over(self, user: User) -> bool:
        """Replace this window by a fresh one for USER (False when they cancelled a required password change)."""
        from desktop_cs.views.session import Session
        session = self.session or Session.adopt(self)
        return session.switch_to(user)

    def set_idle_minutes(self, minutes: float) -> None:
        """The idle time of this window (the settings dialog's value; tests use a fraction of a minute)."""
        self.idle.set_minutes(minutes)

    def lock(self, idle: bool = True) -> None:
        """Hide every customer detail behind the sign-in screen: the tabs, the status bar, the menus and their
        shortcuts, and other windows of the program (a dialog open for editing is closed, like Cancel)."""
        if self.locked:
            return
        self.locked = True
        self.idle.pause()
        focus = QApplication.focusWidget()
        hidden = []
        for widget in QApplication.topLevelWidgets():
            if widget is self or not widget.isVisible() or not widget.isWindow():
                continue
            # shown again after the unlock: windows such as a print preview; not a form whose exec() ended,
            # nor a menu or a tooltip
            keep = not (widget.isModal() or isinstance(widget, QMenu)
                        or widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip))
            widget.hide()                # a modal dialog's exec() ends here, as if cancelled
            if keep:
                hidden.append(widget)
        actions = [a for a in self.findChildren(QAction) if a.isEnabled()
                   and not (isinstance(a.parent(), QWidget) and self.lock_screen.isAncestorOf(a.parent()))]
        for action in actions:
            action.setEnabled(False)
        bars = [bar for bar in self.findChildren(QToolBar) if not bar.isHidden()]
        for bar in bars:
            bar.hide()
        self._locked_state = {"focus": focus, "windows": hidden, "actions": actions, "bars": bars,
                              "status": not self.statusBar().isHidden()}
        self.menuBar().setEnabled(False)
        self.statusBar().hide()
        self._pause_notices(True)
        self.lock_screen.prepare(self.idle.timeout_ms / 60_000 if idle else None)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.password_edit.setFocus()
        try:
            users.note_session(self.user, "screen_locked")
        except Exception:  # noqa: BLE001 - the lock must happen even when the log cannot be written
            pass
        self.lockChanged.emit(True)

    def unlock(self) -> None:
        """Back to where the user was: tabs, menus, status bar, the windows that were open."""
        if not self.locked:
            return
        state, self._locked_state = self._locked_state, {}
        self.stack.setCurrentWidget(self.tabs)
        self.menuBar().setEnabled(True)
        for action in state.get("actions", []):
            action.setEnabled(True)
        for bar in state.get("bars", []):
            bar.show()
        self.connection_banner.setVisible(self.connection_banner.lost)   # the server may have come back meanwhile
        self.statusBar().setVisible(state.get("status", True))
        self._pause_notices(False)
        for widget in state.get("windows", []):
            widget.show()
        focus = state.get("focus")
        if focus is not None and self.isAncestorOf(focus):
            focus.setFocus()
        self.locked = False
        self.idle.resume()
        self.lockChanged.emit(False)

    def _signed_in_at_lock(self, user: User) -> None:
        """The same user continues where they were; anyone else (or a changed role) gets a fresh window."""
        if user.id == self.user.id and user.role == self.user.role:
            if user.must_change_password:
                from desktop_cs.views.change_password_dialog import ChangePasswordDialog
                if not ChangePasswordDialog.ask(user, self, required=True):
                    self.lock_screen.show_error(_("Choose a new password to continue."))
                    return
                self.user.must_change_password = False
            self.unlock()
            return
        if not self.hand_over(user):
            self.lock_screen.prepare(None)

    def _pause_notices(self, paused: bool) -> None:
        """Reminders name customers (system tray, status bar): none while the screen is locked."""
        if paused:
            timers = [getattr(getattr(self._built.get("callbacksTab"), "reminders", None), "timer", None),
                      getattr(self._built.get("complaintsTab"), "reminder_timer", None)]
            self._paused_timers = [t for t in timers if t is not None and t.isActive()]
            for timer in self._paused_timers:
                timer.stop()
        else:
            for timer in getattr(self, "_paused_timers", []):
                timer.start()
            self._paused_timers = []

    def change_password(self) -> None:
        from desktop_cs.views.change_password_dialog import ChangePasswordDialog
        if ChangePasswordDialog.ask(self.user, self):
            self.statusBar().showMessage(_("Your password was changed."), 5000)

    def show_about(self) -> None:
        from desktop_cs.views.about_dialog import AboutDialog
        AboutDialog(self).exec()

    def open_data_folder(self) -> bool:
        folder = paths.data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- window layout, remembered per PC ------------------------------------------------------
    def _default_geometry(self) -> None:
        width, height = DEFAULT_WIDTH, DEFAULT_HEIGHT
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            # leave room for the title bar and frame on a 1366×768 screen
            width = min(width, available.width() - 40)
            height = min(height, available.height() - 80)
            self.resize(width, height)
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def _restore_layout(self) -> None:
        store = settings.qsettings()
        geometry = store.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._default_geometry()
        state = store.value(STATE_KEY)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        try:
            tab = int(store.value(TAB_KEY, 0))
        except (TypeError, ValueError):
            tab = 0
        if 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)

    def save_layout(self) -> None:
        """Remember the size, position and current tab for the next start."""
        store = settings.qsettings()
        store.setValue(GEOMETRY_KEY, self.saveGeometry())
        store.setValue(STATE_KEY, self.saveState())
        store.setValue(TAB_KEY, self.tabs.currentIndex())
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.idle.stop()
        if not getattr(self, "_signed_out", False):
            self._signed_out = True
            try:
                users.note_session(self.user, "sign_out")
            except Exception:  # noqa: BLE001 - closing must not fail on the log
                pass
        self.save_layout()
        self._stop_listening()
        self.connection_banner.shutdown()
        if self.server_changes is not None:
            self.server_changes.stop()
        for tab in self._built.values():
            tab.shutdown()
        super().closeEvent(event)
