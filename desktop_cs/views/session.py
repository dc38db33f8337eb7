"""Who works at this PC: the signed-in user's main window, replaced by a fresh one when someone else signs in.

Switching user (File → Switch user…, or another user signing in at the idle lock) never
restarts the program: the old window saves its layout and closes (its session is logged
as ended), and a new ``MainWindow`` opens for the new user with nothing of the old one's
state. A user who must change a reset password does so before their window opens.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop_cs.models import User
    from desktop_cs.views.main_window import MainWindow


class Session(QObject):
    """Owns the main window of whoever is signed in; ``switch_to`` gives another user a fresh one."""

    #: the new main window, after a switch
    windowChanged = Signal(object)

    def __init__(self, parent: QObject | None = None, *, background: bool = False):
        """BACKGROUND: a new window starts the start-up work of the data area (check, automatic backups)."""
        super().__init__(parent)
        self.setObjectName("session")
        self.window: MainWindow | None = None
        self.background = background

    @classmethod
    def adopt(cls, window: MainWindow) -> Session:
        """A session for a window that was opened without one (tests, tools)."""
        session = cls()
        session.window = window
        window.session = session
        return session

    def open(self, user: User, *, lazy_tabs: bool = False) -> MainWindow:
        """A new main window for USER, owned by this session (not shown yet)."""
        from desktop_cs.views.main_window import MainWindow
        window = MainWindow(user, lazy_tabs=lazy_tabs)
        window.session = self
        self.window = window
        return window

    def switch_to(self, user: User) -> bool:
        """Close the current window (its layout saved) and show a fresh one for USER.

        False, with nothing changed, when USER must change their password first and cancels.
        """
        old = self.window
        if user.must_change_password:
            from desktop_cs.views.change_password_dialog import ChangePasswordDialog
            if not ChangePasswordDialog.ask(user, old, required=True):
                return False
        if old is not None:
            old.save_layout()          # the new window opens where the old one was
        new = self.open(user)
        new.show()
        new.activateWindow()
        if self.background:
            new.data_actions.start()
        if old is not None:
            old.session = None
            old.close()                # logs the end of the old session, stops its timers and workers
            old.deleteLater()
        self.windowChanged.emit(new)
        return True
