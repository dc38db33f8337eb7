"""The idle lock: an app-wide watch for keyboard and mouse use, and the sign-in screen that covers customer data.

``IdleWatcher`` is an application-wide event filter: any key, click, wheel or mouse move
in any window of the program counts as use. After the idle time it emits ``idle`` once;
the main window then shows ``IdleLockScreen`` in place of its tabs (see
``MainWindow.lock``). Signing in there as the same user continues where they were;
another user gets a fresh window.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_cs.i18n import _, ngettext
from desktop_cs.services import users
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import FieldError, line_edit, password_edit, text_width, wait_cursor

if TYPE_CHECKING:
    from desktop_cs.models import User

#: the events that count as someone using the program
ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.InputMethod,
})


class IdleWatcher(QObject):
    """Emits ``idle`` once nobody used the program for the idle time (an app-wide event filter)."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("idleWatcher")
        self._since = QElapsedTimer()
        self._since.start()
        self._timer = QTimer(self)
        self._timer.setObjectName("idleTimer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._timeout_ms = 0
        self._running = False
        self._installed = False
        self.set_minutes(minutes)

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    def set_minutes(self, minutes: float) -> None:
        """The idle time in minutes (fractions allowed: tests use a few milliseconds); restarts the watch."""
        self.set_timeout_ms(max(1, int(round(float(minutes) * 60_000))))

    def set_timeout_ms(self, milliseconds: int) -> None:
        self._timeout_ms = max(1, int(milliseconds))
        if self._running:
            self.resume()

    def start(self) -> None:
        """Watch from now on (installs the event filter on the application)."""
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.resume()

    def resume(self) -> None:
        """Count the idle time from now (after an unlock)."""
        self._running = True
        self._since.restart()
        self._timer.start(self._timeout_ms)

    def pause(self) -> None:
        """Stop counting (while the screen is locked)."""
        self._running = False
        self._timer.stop()

    def stop(self) -> None:
        """Stop for good: the event filter is removed (the window closes)."""
        self.pause()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def poke(self) -> None:
        """Count as use now (what any key or mouse event does)."""
        self._since.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._running and event.type() in ACTIVITY_EVENTS:
            self._since.restart()          # cheap: the timer is only re-armed when it fires
        return False

    def _check(self) -> None:
        if not self._running:
            return
        left = self._timeout_ms - self._since.elapsed()
        if left > 0:
            self._timer.start(left)
            return
        self._running = False
        self.idle.emit()


class IdleLockScreen(QWidget):
    """The page that replaces the working areas while the screen is locked: who is signed in, and a sign-in form."""

    #: someone signed in (the same user or another), with the account the service returned
    signedIn = Signal(object)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("idleLockScreen")
        self.setAutoFillBackground(True)
        self.user = user

        title = QLabel(_("The screen is locked"))
        title.setObjectName("lockTitleLabel")
        font = QFont(title.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason_label = QLabel()
        self.reason_label.setObjectName("lockReasonLabel")
        self.reason_label.setWordWrap(True)
        self.reason_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)

        self.login_edit = line_edit("lockLoginEdit", 64)
        self.login_edit.setMinimumWidth(text_width(self.login_edit, 28))
        self.password_edit = password_edit("lockPasswordEdit")
        self.error_label = FieldError("lockErrorLabel")
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form = QFormLayout()
        form.addRow(_("Login:"), self.login_edit)
        form.addRow(_("Password:"), self.password_edit)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(_("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.sign_in)
        self.password_edit.returnPressed.connect(self.sign_in)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        note = QLabel(_("Another member of the team may sign in here: they get a fresh window of their own."))
        note.setObjectName("lockNoteLabel")
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)

        box = QWidget()
        box.setObjectName("lockBox")
        box.setMaximumWidth(text_width(self, 60))
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(self.reason_label)
        inner.addSpacing(text_width(self, 2))
        inner.addLayout(form)
        inner.addWidget(self.error_label)
        inner.addWidget(buttons)
        inner.addWidget(note)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def prepare(self, minutes: float | None) -> None:
        """Reset the form for a new lock (the signed-in login filled in, the password empty)."""
        self.login_edit.setText(self.user.login)
        self.password_edit.clear()
        self.error_label.clear_message()
        if minutes is None:
            text = _("Signed in: {name}. Sign in again to continue.").format(name=self.user.display_name)
        else:
            shown = max(1, int(round(minutes)))
            text = ngettext("Locked after {n} minute without use. Signed in: {name}.",
                            "Locked after {n} minutes without use. Signed in: {name}.", shown).format(
                n=shown, name=self.user.display_name)
        self.reason_label.setText(text)
        self.password_edit.setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.show_message(message)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def sign_in(self) -> None:
        """Check the login and password (the service logs it and locks an account after five failures)."""
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login or not password:
            self.show_error(_("Enter your login and password."))
            return
        try:
            with wait_cursor():
                user = users.authenticate(login, password)
        except ServiceError as error:
            self.show_error(error.message)
            return
        self.error_label.clear_message()
        self.password_edit.clear()
        self.signedIn.emit(user)
