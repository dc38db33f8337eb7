"""Small widgets and helpers shared by the screens: field error labels, form layout helpers, message boxes."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_cs.i18n import _

#: the red of error messages
ERROR_COLOR = "#c62828"


def text_width(widget: QWidget, chars: int) -> int:
    """A width of about CHARS average characters in WIDGET's font (so sizes follow the font and the DPI)."""
    return widget.fontMetrics().averageCharWidth() * chars


class FieldError(QLabel):
    """A red message under one form field; hidden while there is nothing to say."""

    def __init__(self, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        # One line, no word wrap: a wrapping label makes the dialog's minimum height depend
        # on its width, and Qt then squeezes the fields instead of growing the dialog.
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOR))
        self.setPalette(palette)
        self.hide()

    def show_message(self, message: str) -> None:
        """Show MESSAGE (an empty message hides the label)."""
        self.setText(message)
        self.setVisible(bool(message))
        if message:
            notice_service_error(message)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class WrapLabel(QLabel):
    """A word-wrapped label that asks its layout for the height its text needs at its width.

    Qt does not pass height-for-width through every layout (tab widgets, some form rows), so a
    plain wrapping label can be squeezed into too few lines; this one raises its minimum height
    each time its width changes.
    """

    def __init__(self, text: str = "", object_name: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        if object_name:
            self.setObjectName(object_name)
        self.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override: the minimum height does that job
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override: as high as the text at the present width
        hint = super().sizeHint()
        if self.width() > 0:
            needed = self.heightForWidth(self.width())
            if needed > 0:
                hint.setHeight(needed)
        return hint

    def _fit(self) -> None:
        if self.width() > 0:
            needed = self.heightForWidth(self.width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)
                self.updateGeometry()


def field_with_error(editor: QWidget, error: FieldError) -> QWidget:
    """A form cell holding EDITOR with its error label right below it."""
    cell = QWidget()
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(editor)
    box.addWidget(error)
    return cell


class FormErrors:
    """Routes a ValidationError to the error label of the field it names; unknown fields go to a general label."""

    def __init__(self, general: FieldError, fields: dict[str, tuple[FieldError, QWidget]]):
        self.general = general
        self.fields = fields

    def clear(self) -> None:
        self.general.clear_message()
        for label, _editor in self.fields.values():
            label.clear_message()

    def show(self, message: str, field: str | None = None) -> None:
        """Show MESSAGE beside FIELD (or in the general label) and put the cursor in that field."""
        self.clear()
        if field in self.fields:
            label, editor = self.fields[field]
            label.show_message(message)
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(editor, QLineEdit):
                editor.selectAll()
        else:
            self.general.show_message(message)


def password_edit(object_name: str) -> QLineEdit:
    """A line edit for a password: masked, no autocompletion of the text."""
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def line_edit(object_name: str, max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def dialog_buttons(dialog: QDialog, text: str, object_name: str, on_click: Callable[[], object], *,
                   ctrl_enter: bool = False) -> tuple[QDialogButtonBox, QPushButton]:
    """A dialog's button row: the default button (TEXT, OBJECT_NAME) runs ON_CLICK, which closes the dialog only
    once the work succeeded, and Cancel (``cancelButton``); CTRL_ENTER: Ctrl+Enter runs it too (long forms)."""
    buttons = QDialogButtonBox()
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    button.setObjectName(object_name)
    button.setDefault(True)
    cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    cancel.setObjectName("cancelButton")
    cancel.setAutoDefault(False)
    button.clicked.connect(on_click)
    buttons.rejected.connect(dialog.reject)
    if ctrl_enter:
        from PySide6.QtGui import QKeySequence, QShortcut
        button.setToolTip(_("Ctrl+Enter saves"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), dialog, activated=on_click)
    return buttons, button


def show_error(parent: QWidget | None, message: str, title: str | None = None) -> None:
    """A short modal error message (never a traceback)."""
    notice_service_error(message)
    QMessageBox.critical(parent, title or _("Customer Service Desk"), message)


def is_server_unreachable(error: BaseException | str) -> bool:
    """Whether ERROR (a ServiceError or the message a view shows of it) says the team server cannot be reached."""
    database = sys.modules.get("desktop_cs.services.database")
    if database is None:            # no database opened yet: nothing can have been lost
        return False
    if isinstance(error, BaseException):
        return isinstance(error, database.ServerUnreachable)
    return bool(error) and error.startswith(database.server_unreachable_message())


def notice_service_error(error: BaseException | str) -> bool:
    """Tell the main window when ERROR (or the message shown of it) means the team server cannot be reached.

    ``show_error`` and ``FieldError`` call it for every message they show, so any view that shows a
    ServerUnreachable raises the main window's banner; True when it did.
    """
    if not is_server_unreachable(error):
        return False
    from desktop_cs.views.common.events import events
    message = error.message if isinstance(error, BaseException) and hasattr(error, "message") else str(error)
    events().serverUnreachable.emit(message)
    return True


def explanation(text: str, object_name: str = "explanationLabel") -> QLabel:
    """The one line at the top of a dialog that says what it is for."""
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setMinimumWidth(text_width(label, 56))
    return label


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """The busy cursor while a service call runs (restored whatever happens)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def error_cell(editor: QWidget, *below: QWidget) -> QWidget:
    """A form cell with EDITOR and, under it, its error label (and any other small widgets)."""
    cell = QWidget()
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(editor)
    for widget in below:
        box.addWidget(widget)
    return cell
